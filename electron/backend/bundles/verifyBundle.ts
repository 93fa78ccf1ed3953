import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { BundleVerifyReport, VerifyStep } from '../../../shared/contract/bundles';
import type { PartnerKey } from '../../../shared/contract/keys';
import { decryptFile } from './ageFiles';
import { AgeStreamDecrypter, nativeStreamAvailable } from './ageStream';
import { verifyBag } from './bagit/verifyBag';
import { envelopeSchema, openEnvelope } from './dsse';
import {
  BAG_PREFIX,
  INNER_SIG,
  INNER_TYPE,
  innerStatementSchema,
  OUTER_SIG,
  OUTER_TYPE,
  outerStatementSchema,
  PAYLOAD_AGE,
  type InnerStatement,
} from './statements';
import { openSafeZip, zipBagSource, type SafeZip } from './zip/safeZip';

/**
 * Verifies a case bundle in the order the handbook sets (§2.1 rule 5, then §1.4): container
 * limits → outer signature with a pinned key (never the key id the bundle names) → we are a
 * recipient → ciphertext hash and length → decrypt to a temporary file → inner container →
 * inner signature → tag manifest present and as signed → every tag file listed → every payload
 * file hashed. Each step is reported, and the first failure ends the check: nothing of a bundle
 * is shown or imported before every step passed.
 */

export interface VerifyContext {
  /** The partner keys to check signatures against (their status decides: only trusted ones count). */
  keys: PartnerKey[];
  /** Who we are, to find ourselves among the recipients (absent: a check by a third party, e.g. with --trust). */
  us?: { authority: string | null; ageRecipient: string | null; ageIdentity: () => string };
  /** Where temporary files go (removed before returning, whatever happens). */
  workDir: string;
  signal?: AbortSignal;
  onProgress?: (p: { phase: string; message: string; done: number; total?: number }) => void;
}

/** A verified bundle, open for reading its bag (import); close() removes its temporary files. */
export interface OpenedBundle {
  statement: InnerStatement;
  sender: PartnerKey;
  zip: SafeZip;
  readText(bagPath: string): Promise<string>;
  open(bagPath: string): Promise<Readable>;
  close(): void;
}

class StepFailure extends Error {}

const MAX_SIG_BYTES = 64 * 1024;
const INNER_ALLOWED = (name: string) => name === INNER_SIG || name.startsWith(BAG_PREFIX);

async function readAll(stream: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new StepFailure(`${what} is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function hashEntry(zip: SafeZip, name: string, algorithm: string): Promise<{ digest: string; bytes: number }> {
  const hash = crypto.createHash(algorithm);
  let bytes = 0;
  for await (const chunk of await zip.open(name)) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { digest: hash.digest('hex'), bytes };
}

/** Which trusted key an envelope verifies under; the reason otherwise. */
function signer<T>(
  zipEnvelope: Buffer,
  type: string,
  keys: PartnerKey[],
  schema: z.ZodType<T>,
  what: string,
): { key: PartnerKey; statement: T } {
  let envelope: z.infer<typeof envelopeSchema>;
  try {
    envelope = envelopeSchema.parse(JSON.parse(zipEnvelope.toString('utf8')));
  } catch {
    throw new StepFailure(`${what} is not a DSSE envelope.`);
  }
  const withKeys = keys.filter((k) => k.signingKey);
  for (const key of withKeys) {
    const body = openEnvelope(envelope, type, key.signingKey!);
    if (!body) continue;
    if (key.status === 'revoked')
      throw new StepFailure(`${what} is signed by ${key.authority}'s key ${key.fingerprint}, which was revoked on ${key.revokedAt}.`);
    if (key.status !== 'trusted')
      throw new StepFailure(
        `${what} is signed by ${key.authority}'s key ${key.fingerprint}, which is not trusted yet (compare its fingerprint, then keys trust).`,
      );
    let statement: T;
    try {
      statement = schema.parse(JSON.parse(body.toString('utf8')));
    } catch (error) {
      throw new StepFailure(
        `${what} is signed but its statement is not one Concordat writes (${error instanceof z.ZodError ? error.issues[0]?.message : 'not JSON'}).`,
      );
    }
    return { key, statement };
  }
  throw new StepFailure(
    `${what} is not signed by any trusted partner key (the signer is unknown, or the bundle was altered after signing).`,
  );
}

function checkRecipient(recipients: Array<{ agencyId: string; ageRecipient: string | null }>, us: VerifyContext['us']): string {
  if (!us) return 'not checked: no recipient identity given';
  const named = recipients.some(
    (r) =>
      (us.ageRecipient !== null && r.ageRecipient === us.ageRecipient) ||
      (us.authority !== null && r.agencyId.toLowerCase() === us.authority.toLowerCase()),
  );
  if (!named)
    throw new StepFailure(
      `This bundle is for ${recipients.map((r) => r.agencyId).join(', ')}, not for us (${us.authority ?? 'no authority set'}).`,
    );
  return `addressed to ${recipients.map((r) => r.agencyId).join(', ')}`;
}

export async function openVerifiedBundle(
  file: string,
  ctx: VerifyContext,
): Promise<{ report: BundleVerifyReport; bundle: OpenedBundle | null }> {
  const steps: VerifyStep[] = [];
  const report: BundleVerifyReport = {
    ok: false,
    file,
    steps,
    warnings: [],
    encrypted: null,
    bundleId: null,
    caseNumber: null,
    sender: null,
    recipients: [],
  };
  const temp = fs.mkdtempSync(path.join(ctx.workDir, 'verify-'));
  const open: SafeZip[] = [];
  const cleanup = () => {
    for (const z of open.splice(0)) z.close();
    fs.rmSync(temp, { recursive: true, force: true });
  };
  const step = async <T>(name: string, run: () => Promise<T> | T, detail: (r: T) => string): Promise<T> => {
    try {
      const result = await run();
      steps.push({ step: name, ok: true, detail: detail(result) });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      steps.push({ step: name, ok: false, detail: message });
      if (error instanceof Error && error.name === 'AbortError') throw error;
      throw new StepFailure(message);
    }
  };
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  try {
    const outer = await step(
      'Container limits and names',
      async () => {
        const zip = await openSafeZip(file, {}, ctx.signal);
        open.push(zip);
        const names = zip.entries.map((e) => e.name);
        const encrypted = names.includes(PAYLOAD_AGE) || names.includes(OUTER_SIG);
        const stray = names.filter((n) => (encrypted ? n !== PAYLOAD_AGE && n !== OUTER_SIG : !INNER_ALLOWED(n)));
        if (stray.length) throw new StepFailure(`The bundle holds entries a Concordat bundle never has: ${stray.slice(0, 5).join(', ')}.`);
        if (encrypted && !(names.includes(PAYLOAD_AGE) && names.includes(OUTER_SIG)))
          throw new StepFailure(`An encrypted bundle holds exactly ${OUTER_SIG} and ${PAYLOAD_AGE}; one is missing.`);
        return { zip, encrypted };
      },
      (r) => `${r.zip.entries.length} entries, ${r.encrypted ? 'encrypted' : 'not encrypted'}`,
    );
    report.encrypted = outer.encrypted;
    let inner = outer.zip;
    let outerSender: PartnerKey | null = null;
    let outerBundleId: string | null = null;
    if (outer.encrypted) {
      const signed = await step(
        'Outer signature (pinned key)',
        async () => {
          const r = signer(
            await readAll(await outer.zip.open(OUTER_SIG), MAX_SIG_BYTES, OUTER_SIG),
            OUTER_TYPE,
            ctx.keys,
            outerStatementSchema,
            OUTER_SIG,
          );
          if (r.statement.senderKeyId !== r.key.fingerprint)
            throw new StepFailure(`The statement names sender key ${r.statement.senderKeyId} but is signed by ${r.key.fingerprint}.`);
          return r;
        },
        (r) => `signed by ${r.key.authority} (${r.key.name}), key ${r.key.fingerprint}`,
      );
      outerSender = signed.key;
      outerBundleId = signed.statement.bundleId;
      report.bundleId = signed.statement.bundleId;
      report.recipients = signed.statement.recipients.map((r) => r.agencyId);
      report.sender = { authority: signed.key.authority, name: signed.key.name, fingerprint: signed.key.fingerprint };
      await step(
        'We are a recipient',
        () => checkRecipient(signed.statement.recipients, ctx.us),
        (d) => d,
      );
      const innerFile = path.join(temp, 'inner.zip');
      // One read of the ciphertext: hashed, and decrypted in the same pass where the runtime has native
      // ChaCha20-Poly1305 (else copied while hashed, and decrypted after). Whatever the pass found, the two steps are
      // reported in the handbook's order: a payload that is not the one signed fails at the hash, never at Decrypt,
      // and the decrypted file is kept only if both pass.
      let pass: Awaited<ReturnType<typeof readCiphertext>> | undefined;
      await step(
        'Ciphertext hash and length',
        async () => {
          pass = await readCiphertext(outer.zip, temp, innerFile, ctx, signed.statement.ciphertextLength);
          if (pass.bytes !== signed.statement.ciphertextLength || pass.sha256 !== signed.statement.ciphertextSha256) {
            fs.rmSync(innerFile, { force: true });
            throw new StepFailure(
              `${PAYLOAD_AGE} is not the ciphertext that was signed (SHA-256 ${pass.sha256.slice(0, 16)}…, ${pass.bytes} bytes).`,
            );
          }
          return pass.bytes;
        },
        (bytes) => `${bytes} bytes as signed`,
      );
      await step(
        'Decrypt',
        async () => {
          if (!ctx.us) throw new StepFailure('The bundle is encrypted and no identity to open it was given.');
          try {
            await pass!.decrypt();
          } catch (error) {
            fs.rmSync(innerFile, { force: true });
            if (error instanceof Error && error.name === 'AbortError') throw error;
            throw new StepFailure(
              `The payload cannot be decrypted with this workstation's key (${error instanceof Error ? error.message : String(error)}).`,
            );
          }
        },
        () => 'decrypted and authenticated to its last chunk',
      );
      inner = await step(
        'Inner container limits and names',
        async () => {
          const zip = await openSafeZip(innerFile, {}, ctx.signal);
          open.push(zip);
          const stray = zip.entries.map((e) => e.name).filter((n) => !INNER_ALLOWED(n));
          if (stray.length)
            throw new StepFailure(`The inner archive holds entries a Concordat bundle never has: ${stray.slice(0, 5).join(', ')}.`);
          return zip;
        },
        (z) => `${z.entries.length} entries`,
      );
    }
    const innerSigned = await step(
      'Bundle signature (pinned key)',
      async () => {
        if (!inner.entries.some((e) => e.name === INNER_SIG)) throw new StepFailure(`${INNER_SIG} is missing: the bundle is not signed.`);
        const r = signer(
          await readAll(await inner.open(INNER_SIG), MAX_SIG_BYTES, INNER_SIG),
          INNER_TYPE,
          ctx.keys,
          innerStatementSchema,
          INNER_SIG,
        );
        if (r.statement.senderKeyId !== r.key.fingerprint)
          throw new StepFailure(`The statement names sender key ${r.statement.senderKeyId} but is signed by ${r.key.fingerprint}.`);
        if (outerSender && outerSender.fingerprint !== r.key.fingerprint)
          throw new StepFailure(
            `The outer and inner statements are signed by different keys (${outerSender.fingerprint}, ${r.key.fingerprint}).`,
          );
        if (outerBundleId && outerBundleId !== r.statement.bundleId)
          throw new StepFailure(
            `The outer statement is for bundle ${outerBundleId}, the inner one for ${r.statement.bundleId}: the payload was swapped.`,
          );
        if (r.statement.encrypted !== outer.encrypted)
          throw new StepFailure(
            `The statement says the bundle is ${r.statement.encrypted ? '' : 'not '}encrypted, but it is ${outer.encrypted ? '' : 'not '}.`,
          );
        return r;
      },
      (r) =>
        `bundle ${r.statement.bundleId} of ${r.statement.caseNumber}, signed by ${r.key.authority} (${r.key.name}), key ${r.key.fingerprint}`,
    );
    const statement = innerSigned.statement;
    report.bundleId = statement.bundleId;
    report.caseNumber = statement.caseNumber;
    report.recipients = statement.recipients.map((r) => r.agencyId);
    report.sender = { authority: innerSigned.key.authority, name: innerSigned.key.name, fingerprint: innerSigned.key.fingerprint };
    if (!outer.encrypted)
      await step(
        'We are a recipient',
        () => checkRecipient(statement.recipients, ctx.us),
        (d) => d,
      );
    await step(
      'Tag manifest present and as signed',
      async () => {
        const tm = `${BAG_PREFIX}tagmanifest-sha512.txt`;
        if (!inner.entries.some((e) => e.name === tm))
          throw new StepFailure('tagmanifest-sha512.txt is missing: the bag cannot be checked against the signature.');
        const { digest } = await hashEntry(inner, tm, 'sha512');
        if (digest !== statement.tagmanifest.sha512) throw new StepFailure('tagmanifest-sha512.txt is not the one that was signed.');
        const info = await hashEntry(inner, `${BAG_PREFIX}bag-info.txt`, 'sha512');
        if (info.digest !== statement.bagInfoSha512) throw new StepFailure('bag-info.txt is not the one that was signed.');
      },
      () => 'matches the signed SHA-512',
    );
    const bagReport = await step(
      'BagIt: tag files, manifests and every payload file',
      async () => {
        const r = await verifyBag(zipBagSource(inner, BAG_PREFIX, path.basename(file)), {
          profile: 'concordat',
          ...signal,
          onProgress: (p) => ctx.onProgress?.({ phase: 'hash', message: 'Checking every file', done: p.bytesHashed, total: p.bytesTotal }),
        });
        if (!r.ok) throw new StepFailure(r.errors.slice(0, 5).join(' '));
        const oxum = r.bagInfo.find((l) => l.label === 'Payload-Oxum')?.value;
        if (oxum !== statement.payloadOxum)
          throw new StepFailure(`Payload-Oxum ${oxum ?? '(none)'} is not the signed ${statement.payloadOxum}.`);
        return r;
      },
      (r) => `${r.payload.length} payload files, all SHA-512 as listed`,
    );
    report.warnings.push(...bagReport.warnings);
    report.ok = true;
    const zip = inner;
    return {
      report,
      bundle: {
        statement,
        sender: innerSigned.key,
        zip,
        open: (p) => zip.open(`${BAG_PREFIX}${p}`),
        readText: async (p) => (await readAll(await zip.open(`${BAG_PREFIX}${p}`), 256 * 1024 * 1024, p)).toString('utf8'),
        close: cleanup,
      },
    };
  } catch (error) {
    cleanup();
    if (error instanceof StepFailure) return { report, bundle: null };
    throw error;
  }
}

/** Verifies and closes: the checklist only. */
export async function verifyBundle(file: string, ctx: VerifyContext): Promise<BundleVerifyReport> {
  const { report, bundle } = await openVerifiedBundle(file, ctx);
  bundle?.close();
  return report;
}

/**
 * Reads payload.age once: its SHA-256 and length, and (native engine, when we can open it) its decryption into
 * `innerFile` in the same pass. `decrypt()` then reports that pass's outcome, or decrypts the copy the pass kept.
 */
async function readCiphertext(
  outer: SafeZip,
  temp: string,
  innerFile: string,
  ctx: VerifyContext,
  signedLength: number,
): Promise<{ bytes: number; sha256: string; decrypt: () => Promise<void> }> {
  const hash = crypto.createHash('sha256');
  const progress = (done: number) => ctx.onProgress?.({ phase: 'decrypt', message: 'Decrypting', done, total: signedLength });
  let bytes = 0;
  if (ctx.us && nativeStreamAvailable) {
    const partial = `${innerFile}.partial`;
    const decrypter = await AgeStreamDecrypter.create(ctx.us.ageIdentity(), partial);
    let failure: unknown = null;
    try {
      for await (const data of await outer.open(PAYLOAD_AGE)) {
        ctx.signal?.throwIfAborted();
        hash.update(data as Buffer);
        bytes += (data as Buffer).length;
        progress(bytes);
        // After a failure the rest is still hashed, so a payload that is not the signed one is named as such.
        if (failure === null) await decrypter.write(data as Buffer).catch((e: unknown) => (failure = e));
      }
      if (failure === null) await decrypter.end().catch((e: unknown) => (failure = e));
    } finally {
      await decrypter.close();
      if (failure !== null || ctx.signal?.aborted) fs.rmSync(partial, { force: true });
    }
    if (failure === null) fs.renameSync(partial, innerFile);
    const failed = failure;
    return {
      bytes,
      sha256: hash.digest('hex'),
      decrypt: async () => {
        if (failed !== null) throw failed;
      },
    };
  }
  const cipher = path.join(temp, PAYLOAD_AGE);
  await pipeline(
    await outer.open(PAYLOAD_AGE),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    },
    fs.createWriteStream(cipher),
    ...(ctx.signal ? [{ signal: ctx.signal }] : []),
  );
  return {
    bytes,
    sha256: hash.digest('hex'),
    decrypt: async () => {
      try {
        await decryptFile(cipher, innerFile, ctx.us!.ageIdentity(), {
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onBytes: progress,
          engine: 'js',
        });
      } finally {
        fs.rmSync(cipher, { force: true });
      }
    },
  };
}
