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
}

export const keysMethods = {
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
