import { z } from 'zod';
import { method } from './method';
import { hasUnsafeCharacters } from './textSafety';

/** The workstation's identity: the Ed25519 key that signs case audit chains (and, later, bundles). */
export interface WorkstationInfo {
  keyId: string;
  /** sha256:<hex of the raw 32-byte public key>, for comparing out of band. */
  fingerprint: string;
  name: string;
  authority: string | null;
  signingKey: string;
  createdAt: string;
  /** Where the secret that encrypts the private key is kept. */
  secretStorage: string;
  /** The age X25519 recipient partners encrypt bundles to (null until `keys init`). */
  ageRecipient: string | null;
}

/** A workstation's public key card, exchanged with partner authorities (its fingerprint compared out of band). */
export interface KeyCard {
  v: 1;
  authority: string;
  name: string;
  signingKey: string;
  ageRecipient: string;
  fingerprint: string;
}

export const partnerStatuses = ['unverified', 'trusted', 'revoked'] as const;
export type PartnerStatus = (typeof partnerStatuses)[number];

/** A partner authority's key in this workstation's trust list. */
export interface PartnerKey {
  fingerprint: string;
  authority: string;
  name: string;
  signingKey: string | null;
  ageRecipient: string | null;
  status: PartnerStatus;
  /** 'card': imported from a key card; 'manual': typed in for an authority that does not run Concordat. */
  source: 'card' | 'manual';
  addedAt: string;
  trustedAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

const safeText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max)
    .refine((s) => !hasUnsafeCharacters(s), `${what} contains control or bidirectional characters`);

/** An authority's short name as the MoU registry spells it (e.g. "SEC", "BaFin"). */
const authorityId = safeText(40, 'the authority').refine(
  (s) => /^[\p{L}\p{N} .&()'-]+$/u.test(s),
  "letters, digits, spaces and . & ( ) ' - only",
);
export const ageRecipientSchema = z
  .string()
  .trim()
  .regex(/^age1[02-9ac-hj-np-z]{58}$/, 'an age X25519 recipient (age1… , 62 characters)');
const fingerprintSchema = z
  .string()
  .trim()
  .regex(/^sha256:[0-9a-f]{64}$/, 'a fingerprint sha256:<64 hex digits>');
const spkiPem = z
  .string()
  .max(1000)
  .refine(
    (s) => /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/.test(s),
    'an Ed25519 public key in SPKI PEM form',
  );

export const keyCardSchema = z
  .object({
    v: z.literal(1),
    authority: authorityId,
    name: safeText(120, 'the name'),
    signingKey: spkiPem,
    ageRecipient: ageRecipientSchema,
    fingerprint: fingerprintSchema,
  })
  .strict();

export const keysMethods = {
  'keys.init': method<WorkstationInfo>()(z.object({ authority: authorityId, name: safeText(120, 'the name') }).strict()),
  'keys.card': method<KeyCard>()(z.object({}).strict()),
  'keys.partners': method<PartnerKey[]>()(z.object({}).strict()),
  'keys.importCard': method<PartnerKey>()(z.object({ card: z.unknown() }).strict()),
  'keys.addPartner': method<PartnerKey>()(
    z
      .object({
        authority: authorityId,
        name: safeText(120, 'the name').optional(),
        ageRecipient: ageRecipientSchema,
        signingKey: spkiPem.optional(),
      })
      .strict(),
  ),
  'keys.trust': method<PartnerKey>()(z.object({ fingerprint: fingerprintSchema }).strict()),
  'keys.revoke': method<PartnerKey>()(z.object({ fingerprint: fingerprintSchema, reason: safeText(500, 'the reason') }).strict()),
  'keys.identity': method<WorkstationInfo>()(z.object({}).strict()),
  'keys.setProfile': method<WorkstationInfo>()(
    z
      .object({
        name: z
          .string()
          .trim()
          .min(1, 'a display name is required')
          .max(120)
          .refine((s) => !hasUnsafeCharacters(s), 'the name contains control or bidirectional characters'),
        authority: z.string().trim().min(1).max(40).nullable(),
      })
      .strict(),
  ),
};
