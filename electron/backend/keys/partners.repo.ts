import crypto from 'node:crypto';
import { bech32 } from '@scure/base';
import { ContractError } from '../../../shared/contract/errors';
import { fieldLabel, invalidFieldMessage } from '../../../shared/domain/fieldLabels';
import { keyCardSchema, type PartnerKey, type PartnerStatus } from '../../../shared/contract/keys';
import type { Db } from '../db/connection';
import { fingerprintOf } from './workstationIdentity';

/**
 * The trust list: partner authorities' public keys. A key card arrives "unverified" and signs
 * nothing we accept until its fingerprint was compared out of band (`keys trust`); a revoked key
 * is kept (bundles it signed earlier can still be explained) but no longer trusted or encrypted to.
 */

interface PartnerRow {
  fingerprint: string;
  authority: string;
  name: string;
  signing_key: string | null;
  age_recipient: string | null;
  status: PartnerStatus;
  source: 'card' | 'manual';
  added_at: string;
  trusted_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

const toPartner = (r: PartnerRow): PartnerKey => ({
  fingerprint: r.fingerprint,
  authority: r.authority,
  name: r.name,
  signingKey: r.signing_key,
  ageRecipient: r.age_recipient,
  status: r.status,
  source: r.source,
  addedAt: r.added_at,
  trustedAt: r.trusted_at,
  revokedAt: r.revoked_at,
  revokedReason: r.revoked_reason,
});

/** sha256:<hex> of an age recipient's raw 32-byte X25519 key (for partners known by that key only). */
export function ageFingerprint(recipient: string): string {
  const { prefix, words } = bech32.decode(recipient as `${string}1${string}`, 90);
  const raw = Buffer.from(bech32.fromWords(words));
  if (prefix !== 'age' || raw.length !== 32) throw new ContractError('INVALID_INPUT', `"${recipient}" is not an age X25519 recipient.`);
  return `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
}

function checkedAgeRecipient(recipient: string, field: string): string {
  try {
    ageFingerprint(recipient);
    return recipient;
  } catch {
    throw new ContractError(
      'INVALID_INPUT',
      `${fieldLabel([field])}: "${recipient}" is not a valid age recipient (its checksum does not match: a character is mistyped).`,
      {
        field,
      },
    );
  }
}

function ed25519Fingerprint(pem: string, field: string): string {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(pem);
  } catch {
    throw new ContractError('INVALID_INPUT', `${fieldLabel([field])}: not a public key in PEM form (-----BEGIN PUBLIC KEY----- …).`, {
      field,
    });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ContractError(
      'INVALID_INPUT',
      `${fieldLabel([field])}: a ${key.asymmetricKeyType ?? 'unknown'} key; Concordat signs with Ed25519.`,
      {
        field,
      },
    );
  return fingerprintOf(pem);
}

export function listPartners(db: Db): PartnerKey[] {
  return (db.prepare(`SELECT * FROM partner_key ORDER BY authority, added_at`).all() as PartnerRow[]).map(toPartner);
}

export function partnerByFingerprint(db: Db, fingerprint: string): PartnerKey {
  const row = db.prepare(`SELECT * FROM partner_key WHERE fingerprint = ?`).get(fingerprint) as PartnerRow | undefined;
  if (!row) throw new ContractError('NOT_FOUND', `No partner key has the fingerprint ${fingerprint}.`, { fingerprint });
  return toPartner(row);
}

/** The trusted signing keys of every partner (what a bundle's signature may be checked against). */
export function trustedSigningKeys(db: Db): PartnerKey[] {
  return listPartners(db).filter((p) => p.status === 'trusted' && p.signingKey !== null);
}

/** The key to encrypt to and name for an authority: its trusted, unrevoked key (the newest when several). */
export function recipientKey(db: Db, authority: string): PartnerKey {
  const keys = listPartners(db).filter((p) => p.authority.toLowerCase() === authority.toLowerCase() && p.ageRecipient);
  const trusted = keys.filter((p) => p.status === 'trusted').sort((a, b) => b.addedAt.localeCompare(a.addedAt))[0];
  if (trusted) return trusted;
  const why =
    keys.length === 0
      ? `no key of ${authority} is in the trust list: import its key card (keys import) or add its age recipient (keys add)`
      : keys.some((k) => k.status === 'unverified')
        ? `the key of ${authority} is not trusted yet: compare its fingerprint with ${authority} out of band, then run keys trust`
        : `every key of ${authority} has been revoked`;
  throw new ContractError('FORBIDDEN', `A bundle cannot be made for ${authority}: ${why}.`, { authority });
}

/** Imports a key card as "unverified" (or returns the key already held, unchanged). */
export function importCard(db: Db, raw: unknown, now = new Date()): PartnerKey {
  const parsed = keyCardSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ContractError(
      'INVALID_INPUT',
      `The key card is not valid: ${invalidFieldMessage(issue.path, issue.message)} A card is the JSON \`concordat keys export\` writes.`,
      { field: issue.path.join('.') },
    );
  }
  const card = parsed.data;
  const fingerprint = ed25519Fingerprint(card.signingKey, 'signingKey');
  if (fingerprint !== card.fingerprint)
    throw new ContractError(
      'INVALID_INPUT',
      `The key card's fingerprint ${card.fingerprint} is not that of its signing key (${fingerprint}).`,
      {
        field: 'fingerprint',
      },
    );
  checkedAgeRecipient(card.ageRecipient, 'ageRecipient');
  const existing = db.prepare(`SELECT * FROM partner_key WHERE fingerprint = ?`).get(fingerprint) as PartnerRow | undefined;
  if (existing) return toPartner(existing);
  db.prepare(
    `INSERT INTO partner_key (fingerprint, authority, name, signing_key, age_recipient, status, source, added_at)
     VALUES (?, ?, ?, ?, ?, 'unverified', 'card', ?)`,
  ).run(fingerprint, card.authority, card.name, card.signingKey, card.ageRecipient, now.toISOString());
  return partnerByFingerprint(db, fingerprint);
}

/**
 * Adds an authority that does not run Concordat by its age recipient (and signing key, if it has
 * one). Typed in by the user from what the authority sent out of band, so it is trusted at once.
 */
export function addPartner(
  db: Db,
  input: { authority: string; name?: string | undefined; ageRecipient: string; signingKey?: string | undefined },
  now = new Date(),
): PartnerKey {
  checkedAgeRecipient(input.ageRecipient, 'ageRecipient');
  const fingerprint = input.signingKey ? ed25519Fingerprint(input.signingKey, 'signingKey') : ageFingerprint(input.ageRecipient);
  const existing = db.prepare(`SELECT status FROM partner_key WHERE fingerprint = ?`).get(fingerprint) as
    { status: PartnerStatus } | undefined;
  if (existing?.status === 'revoked')
    throw new ContractError('CONFLICT', `The key ${fingerprint} was revoked; a revoked key is not trusted again.`, { fingerprint });
  if (existing) return partnerByFingerprint(db, fingerprint);
  const at = now.toISOString();
  db.prepare(
    `INSERT INTO partner_key (fingerprint, authority, name, signing_key, age_recipient, status, source, added_at, trusted_at)
     VALUES (?, ?, ?, ?, ?, 'trusted', 'manual', ?, ?)`,
  ).run(fingerprint, input.authority, input.name ?? input.authority, input.signingKey ?? null, input.ageRecipient, at, at);
  return partnerByFingerprint(db, fingerprint);
}

export function trustPartner(db: Db, fingerprint: string, now = new Date()): PartnerKey {
  const key = partnerByFingerprint(db, fingerprint);
  if (key.status === 'revoked')
    throw new ContractError('CONFLICT', `The key ${fingerprint} of ${key.authority} was revoked; a revoked key is not trusted again.`, {
      fingerprint,
    });
  if (key.status === 'unverified')
    db.prepare(`UPDATE partner_key SET status = 'trusted', trusted_at = ? WHERE fingerprint = ?`).run(now.toISOString(), fingerprint);
  return partnerByFingerprint(db, fingerprint);
}

export function revokePartner(db: Db, fingerprint: string, reason: string, now = new Date()): PartnerKey {
  const key = partnerByFingerprint(db, fingerprint);
  if (key.status !== 'revoked')
    db.prepare(`UPDATE partner_key SET status = 'revoked', revoked_at = ?, revoked_reason = ? WHERE fingerprint = ?`).run(
      now.toISOString(),
      reason,
      fingerprint,
    );
  return partnerByFingerprint(db, fingerprint);
}
