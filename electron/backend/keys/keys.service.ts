import type { KeyCard, WorkstationInfo } from '../../../shared/contract/keys';
import { ContractError } from '../../../shared/contract/errors';
import type { HandlersOf, ServiceContext } from '../context';
import { addPartner, importCard, listPartners, revokePartner, trustPartner } from './partners.repo';
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
    ageRecipient: id.ageRecipient,
  };
}

/** This workstation's public key card, once `keys init` gave it an authority and an encryption key. */
export function keyCard(id: WorkstationIdentity): KeyCard {
  if (!id.authority || !id.ageRecipient)
    throw new ContractError(
      'CONFLICT',
      'This workstation has no key card yet: run `concordat keys init --authority ID --name NAME` (or set it up in Settings) first.',
    );
  return {
    v: 1,
    authority: id.authority,
    name: id.name,
    signingKey: id.signingKeyPem,
    ageRecipient: id.ageRecipient,
    fingerprint: id.fingerprint,
  };
}

export function createKeyHandlers(ctx: ServiceContext): HandlersOf<'keys'> {
  const { db } = ctx;
  return {
    'keys.identity': () => workstationInfo(ctx.identity()),
    'keys.setProfile': (input) => workstationInfo(ctx.setIdentityProfile(input)),
    'keys.init': async (input) => workstationInfo(await ctx.initKeys(input)),
    'keys.card': () => keyCard(ctx.identity()),
    'keys.partners': () => listPartners(db),
    'keys.importCard': ({ card }) => importCard(db, card),
    'keys.addPartner': (input) => addPartner(db, input),
    'keys.trust': ({ fingerprint }) => trustPartner(db, fingerprint),
    'keys.revoke': ({ fingerprint, reason }) => revokePartner(db, fingerprint, reason),
  };
}
