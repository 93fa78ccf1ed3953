import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  loadOrCreateIdentity,
  providedSecretStore,
  updateIdentityProfile,
  verifySignature,
} from '../../../../electron/backend/keys/workstationIdentity';
import { tempDir } from '../../../helpers/tempDir';

describe('the workstation identity', () => {
  it('is made once, kept encrypted at rest in files only the user can read, and signs verifiably', () => {
    const dir = tempDir();
    const id = loadOrCreateIdentity(dir);
    expect(id.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(id.keyId).toBe(id.fingerprint.slice(7, 23));
    // The fingerprint is SHA-256 of the raw 32-byte Ed25519 key (the key card format of bundles).
    const raw = crypto.createPublicKey(id.signingKeyPem).export({ format: 'der', type: 'spki' }).subarray(-32);
    expect(id.fingerprint).toBe(`sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`);
    for (const f of ['workstation.json', 'workstation.secret']) expect(fs.statSync(path.join(dir, 'keys', f)).mode & 0o777).toBe(0o600);
    const stored = fs.readFileSync(path.join(dir, 'keys', 'workstation.json'), 'utf8');
    expect(stored).not.toContain('PRIVATE KEY');
    const signature = id.sign('head');
    expect(verifySignature(id.signingKeyPem, 'head', signature)).toBe(true);
    expect(verifySignature(id.signingKeyPem, 'other', signature)).toBe(false);
    // The same identity on the next start.
    expect(loadOrCreateIdentity(dir).fingerprint).toBe(id.fingerprint);
    expect(fingerprintOf(id.signingKeyPem)).toBe(id.fingerprint);
  });

  it('keeps its key when the profile changes', () => {
    const dir = tempDir();
    const id = loadOrCreateIdentity(dir);
    const renamed = updateIdentityProfile(dir, { name: 'A. Investigator', authority: 'CFTC' });
    expect(renamed).toMatchObject({ name: 'A. Investigator', authority: 'CFTC', fingerprint: id.fingerprint });
  });

  it('a wrong secret or a missing one: records who acted, but refuses to sign, naming why', () => {
    const dir = tempDir();
    const id = loadOrCreateIdentity(dir, providedSecretStore(crypto.randomBytes(32), 'the OS keychain (Electron safeStorage)'));
    expect(() =>
      loadOrCreateIdentity(dir, providedSecretStore(crypto.randomBytes(32), 'the OS keychain (Electron safeStorage)')).sign('x'),
    ).toThrow(/cannot be decrypted with the secret kept in the OS keychain/);
    fs.writeFileSync(path.join(dir, 'keys', 'workstation.secret.safestorage'), 'sealed');
    const withoutSecret = loadOrCreateIdentity(dir);
    expect(withoutSecret.keyId).toBe(id.keyId);
    expect(() => withoutSecret.sign('x')).toThrow(/protected by the desktop app/);
  });

  it('refuses a damaged identity file rather than replacing it', () => {
    const dir = tempDir();
    loadOrCreateIdentity(dir);
    fs.writeFileSync(path.join(dir, 'keys', 'workstation.json'), '{"v":1}');
    expect(() => loadOrCreateIdentity(dir)).toThrow(/is damaged \(it is not the JSON Concordat writes\); it was left as it is/);
  });
});
