import crypto from 'node:crypto';
import { z } from 'zod';

/**
 * DSSE v1 envelopes (secure-systems-lab/dsse, protocol.md): the signature covers the exact
 * bytes "DSSEv1 <len(type)> <type> <len(body)> <body>", so nothing depends on how JSON is
 * re-serialised, and the payload type is signed too (a signature over one kind of statement
 * cannot be replayed as another). The envelope's keyid is only a hint: verification always uses
 * a key the caller chose from its trust list.
 */

export const envelopeSchema = z
  .object({
    payload: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
    payloadType: z.string().min(1).max(200),
    signatures: z
      .array(z.object({ keyid: z.string().max(200).default(''), sig: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strip())
      .min(1)
      .max(16),
  })
  .strip();
export type Envelope = z.infer<typeof envelopeSchema>;

/** The pre-authentication encoding the signature is made over. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/** Signs a payload with a signer that returns a base64 Ed25519 signature (the workstation identity's sign). */
export function signEnvelope(payloadType: string, body: Buffer, keyId: string, sign: (data: Buffer) => string): Envelope {
  return { payload: body.toString('base64'), payloadType, signatures: [{ keyid: keyId, sig: sign(pae(payloadType, body)) }] };
}

/**
 * The payload of an envelope when one of its signatures verifies under `publicKeyPem` and its
 * type is the one expected; null otherwise (the caller says which step failed and why).
 */
export function openEnvelope(envelope: Envelope, expectedType: string, publicKeyPem: string): Buffer | null {
  if (envelope.payloadType !== expectedType) return null;
  const body = Buffer.from(envelope.payload, 'base64');
  const key = crypto.createPublicKey(publicKeyPem);
  const signed = pae(envelope.payloadType, body);
  for (const s of envelope.signatures) {
    try {
      if (crypto.verify(null, signed, key, Buffer.from(s.sig, 'base64'))) return body;
    } catch {
      // A signature of the wrong length for Ed25519: not this one.
    }
  }
  return null;
}
