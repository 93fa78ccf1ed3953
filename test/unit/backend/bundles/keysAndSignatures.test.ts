import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { openEnvelope, pae, signEnvelope } from '../../../../electron/backend/bundles/dsse';
import { openDatabase } from '../../../../electron/backend/db/openDatabase';
import {
  addPartner,
  ageFingerprint,
  importCard,
  recipientKey,
  revokePartner,
  trustPartner,
} from '../../../../electron/backend/keys/partners.repo';
import { ensureAgeIdentity, fingerprintOf, loadOrCreateIdentity } from '../../../../electron/backend/keys/workstationIdentity';
import { keyCard } from '../../../../electron/backend/keys/keys.service';
import { tempDir } from '../../../helpers/tempDir';

const ed25519 = () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  return {
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (d: Buffer) => crypto.sign(null, d, privateKey).toString('base64'),
  };
};

describe('DSSE envelopes', () => {
  it('sign the pre-authentication encoding of the DSSE v1 spec, byte for byte', () => {
    // The spec's example: PAE("http://example.com/HelloWorld", "hello world").
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  it('open only under the pinned key and the expected type; the keyid hint is never trusted', () => {
    const signer = ed25519();
    const other = ed25519();
    const env = signEnvelope('application/x-test', Buffer.from('{"a":1}'), 'made-up-hint', signer.sign);
    expect(openEnvelope(env, 'application/x-test', signer.pem)?.toString()).toBe('{"a":1}');
    expect(openEnvelope(env, 'application/x-test', other.pem)).toBeNull();
    expect(openEnvelope(env, 'application/x-other', signer.pem)).toBeNull();
    const tampered = { ...env, payload: Buffer.from('{"a":2}').toString('base64') };
    expect(openEnvelope(tampered, 'application/x-test', signer.pem)).toBeNull();
  });

  it('verify with openssl, as README tells a partner without Concordat', () => {
    const dir = tempDir();
    const signer = ed25519();
    const env = signEnvelope('application/x-test', Buffer.from('statement'), '', signer.sign);
    fs.writeFileSync(path.join(dir, 'pub.pem'), signer.pem);
    fs.writeFileSync(path.join(dir, 'pae.bin'), pae(env.payloadType, Buffer.from(env.payload, 'base64')));
    fs.writeFileSync(path.join(dir, 'sig.bin'), Buffer.from(env.signatures[0]!.sig, 'base64'));
    const out = execFileSync(
      'openssl',
      ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', 'pae.bin', '-sigfile', 'sig.bin'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    expect(out).toMatch(/Signature Verified Successfully/);
  });
});

describe('the trust list', () => {
  it('a key card comes in unverified, is trusted after the fingerprint check, and a revoked key stays revoked', async () => {
    const { db } = await openDatabase(tempDir());
    const partnerDir = tempDir();
    loadOrCreateIdentity(partnerDir);
    const { updateIdentityProfile } = await import('../../../../electron/backend/keys/workstationIdentity');
    updateIdentityProfile(partnerDir, { name: 'FCA desk', authority: 'FCA' });
    const card = keyCard(await ensureAgeIdentity(partnerDir));
    expect(card.fingerprint).toBe(fingerprintOf(card.signingKey));

    const imported = importCard(db, card);
    expect(imported.status).toBe('unverified');
    expect(() => recipientKey(db, 'FCA')).toThrow(/not trusted yet: compare its fingerprint/);
    expect(trustPartner(db, card.fingerprint).status).toBe('trusted');
    expect(recipientKey(db, 'fca').ageRecipient).toBe(card.ageRecipient);
    expect(importCard(db, card).status).toBe('trusted'); // importing again changes nothing
    revokePartner(db, card.fingerprint, 'workstation stolen');
    expect(() => trustPartner(db, card.fingerprint)).toThrow(/revoked/);
    expect(() => recipientKey(db, 'FCA')).toThrow(/every key of FCA has been revoked/);
    db.close();
  });

  it('refuses a card whose fingerprint is not its key’s, or whose fields are not a card’s', async () => {
    const { db } = await openDatabase(tempDir());
    const dir = tempDir();
    loadOrCreateIdentity(dir);
    const { updateIdentityProfile } = await import('../../../../electron/backend/keys/workstationIdentity');
    updateIdentityProfile(dir, { name: 'AMF desk', authority: 'AMF-FR' });
    const card = keyCard(await ensureAgeIdentity(dir));
    expect(() => importCard(db, { ...card, fingerprint: `sha256:${'0'.repeat(64)}` })).toThrow(/not that of its signing key/);
    expect(() => importCard(db, { ...card, ageRecipient: 'age1notarecipient' })).toThrow(/Age recipient: an age X25519 recipient/);
    expect(() => importCard(db, { ...card, v: 2 })).toThrow(/^The key card is not valid: Card format version: /);
    expect(() => importCard(db, { ...card, extra: 1 })).toThrow(/not valid/);
    db.close();
  });

  it('an authority without Concordat is added by its age recipient, fingerprinted from its raw key', async () => {
    const { db } = await openDatabase(tempDir());
    const recipient = await identityToRecipient(await generateX25519Identity());
    const key = addPartner(db, { authority: 'VARA', ageRecipient: recipient });
    expect(key).toMatchObject({ status: 'trusted', source: 'manual', signingKey: null, fingerprint: ageFingerprint(recipient) });
    expect(() =>
      addPartner(db, { authority: 'VARA', ageRecipient: `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}` }),
    ).toThrow(/checksum/);
    db.close();
  });
});
