import { z } from 'zod';

/**
 * The two signed statements of a case bundle (handbook §1.3 and §2.1): the inner one binds the
 * bag (its tag manifest, which hashes the manifests, which hash every file) to its sender and
 * recipients; the outer one binds the ciphertext, so a forged or swapped payload fails before
 * anything is decrypted or parsed.
 */

export const INNER_TYPE = 'application/vnd.concordat.case-bundle.v1+json';
export const OUTER_TYPE = 'application/vnd.concordat.case-bundle-outer.v1+json';
export const INNER_SIG = 'bundle.sig.json';
export const OUTER_SIG = 'outer.sig.json';
export const PAYLOAD_AGE = 'payload.age';
export const BAG_PREFIX = 'bag/';

const sha512Hex = z.string().regex(/^[0-9a-f]{128}$/);
const recipient = z.object({ agencyId: z.string().min(1).max(40), ageRecipient: z.string().max(100).nullable() }).strict();

export const innerStatementSchema = z
  .object({
    v: z.literal(1),
    bundleId: z.string().uuid(),
    createdAt: z.string().datetime(),
    caseNumber: z.string().regex(/^CASE-\d{4}-\d{4,}$/),
    purpose: z.string().min(1).max(60),
    senderAgencyId: z.string().min(1).max(40),
    senderName: z.string().min(1).max(120),
    senderKeyId: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    recipients: z.array(recipient).min(1).max(20),
    encrypted: z.boolean(),
    tagmanifest: z.object({ path: z.literal('tagmanifest-sha512.txt'), sha512: sha512Hex }).strict(),
    bagInfoSha512: sha512Hex,
    payloadOxum: z.string().regex(/^\d+\.\d+$/),
  })
  .strict();
export type InnerStatement = z.infer<typeof innerStatementSchema>;

export const outerStatementSchema = z
  .object({
    v: z.literal(1),
    bundleId: z.string().uuid(),
    createdAt: z.string().datetime(),
    senderKeyId: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    recipients: z.array(recipient).min(1).max(20),
    ciphertextSha256: z.string().regex(/^[0-9a-f]{64}$/),
    ciphertextLength: z.number().int().nonnegative(),
  })
  .strict();
export type OuterStatement = z.infer<typeof outerStatementSchema>;
