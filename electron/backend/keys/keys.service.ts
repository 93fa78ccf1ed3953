import type { WorkstationInfo } from '../../../shared/contract/keys';
import type { HandlersOf, ServiceContext } from '../context';
import type { WorkstationIdentity } from './workstationIdentity';

export function workstationInfo(id: WorkstationIdentity): WorkstationInfo {
  return {
    keyId: id.keyId,
    fingerprint: id.fingerprint,
    name: id.name,
    authority: id.authority,
    signingKey: id.signingKeyPem,
    createdAt: id.createdAt,
    secretStorage: id.secretStorage,
  };
}

export function createKeyHandlers(ctx: ServiceContext): HandlersOf<'keys'> {
  return {
    'keys.identity': () => workstationInfo(ctx.identity()),
    'keys.setProfile': (input) => workstationInfo(ctx.setIdentityProfile(input)),
  };
}
