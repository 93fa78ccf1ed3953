import crypto, { type KeyObject } from 'node:crypto';
import { ContractError } from '../../../shared/contract/errors';

/**
 * Signatures in minisign's format (https://jedisct1.github.io/minisign/), so that an agency can check a release
 * with the standard tool (`minisign -Vm SHA256SUMS -p concordat.pub`, Debian package `minisign`) as well as with
 * `concordat release verify`. Node's crypto does the Ed25519 and BLAKE2b-512; this module only reads and writes the
 * two small text formats:
 *
 *   public key   untrusted comment: minisign public key <KEY ID>
 *                base64("Ed" ‖ key number (8 bytes) ‖ Ed25519 public key (32 bytes))
 *   signature    untrusted comment: <text>
 *                base64("ED" ‖ key number ‖ Ed25519(BLAKE2b-512(file)) (64 bytes))
 *                trusted comment: <text>
 *                base64(Ed25519(signature (64 bytes) ‖ trusted comment text))
 *
 * "ED" is minisign's pre-hashed mode (its default since 0.8): the file is hashed first, so a file of any size is
 * signed in one pass. The trusted comment is covered by the second ("global") signature, so the release's name and
 * time in it cannot be altered. The key number is the first 8 bytes of SHA-256 of the public key, so it follows
 * from the key itself; minisign prints it as a 64-bit little-endian number in upper-case hex (the key id).
 */

const PUBLIC_KEY_ALGORITHM = 'Ed';
const HASHED_SIGNATURE_ALGORITHM = 'ED';
const LEGACY_SIGNATURE_ALGORITHM = 'Ed';
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface MinisignPublicKey {
  /** The 8-byte key number as stored. */
  keyNumber: Buffer;
  /** minisign's key id: the key number as a little-endian 64-bit number, upper-case hex. */
  keyId: string;
  publicKey: KeyObject;
  /** The raw 32-byte Ed25519 key. */
  raw: Buffer;
}

export interface MinisignVerified {
  keyId: string;
  trustedComment: string;
}

/** The key id minisign shows for a key number (it prints the number as a little-endian uint64). */
export function keyIdOf(keyNumber: Buffer): string {
  return Buffer.from(keyNumber).reverse().toString('hex').toUpperCase();
}

export function publicKeyOf(raw: Buffer): MinisignPublicKey {
  if (raw.length !== 32) throw new ContractError('INVALID_INPUT', 'An Ed25519 public key is 32 bytes.');
  const keyNumber = crypto.createHash('sha256').update(raw).digest().subarray(0, 8);
  const publicKey = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
  return { keyNumber, keyId: keyIdOf(keyNumber), publicKey, raw };
}

/** The public key of an Ed25519 private key. */
export function publicKeyFromPrivate(privateKey: KeyObject): MinisignPublicKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new ContractError('INVALID_INPUT', 'Release keys are Ed25519 keys.');
  const der = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return publicKeyOf(der.subarray(SPKI_ED25519_PREFIX.length));
}

/** A public key file's text, as `minisign -G` writes it. */
export function formatPublicKey(key: MinisignPublicKey): string {
  const body = Buffer.concat([Buffer.from(PUBLIC_KEY_ALGORITHM, 'latin1'), key.keyNumber, key.raw]).toString('base64');
  return `untrusted comment: minisign public key ${key.keyId}\n${body}\n`;
}

/** Lines of a minisign text file (its final line break optional; CRLF read as LF, as minisign does). */
function textLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function decodeBase64(text: string, where: string, bytes: number): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new ContractError('INVALID_INPUT', `${where}: expected base64 text.`);
  const decoded = Buffer.from(text, 'base64');
  // Only the canonical encoding: otherwise the unused low bits of the last character could change unseen.
  if (decoded.toString('base64') !== text) throw new ContractError('INVALID_INPUT', `${where}: the base64 text is not in canonical form.`);
  if (decoded.length !== bytes) {
    throw new ContractError('INVALID_INPUT', `${where}: expected ${bytes} bytes once decoded, found ${decoded.length}.`);
  }
  return decoded;
}

/**
 * Reads a public key: a minisign public key file (two lines) or only its base64 line (as `minisign -P` takes it).
 * `where` names the source in messages.
 */
export function parsePublicKey(text: string, where = 'the public key'): MinisignPublicKey {
  const lines = textLines(text);
  const base64Line = lines.length === 1 ? lines[0]! : lines[1];
  if (lines.length > 2 || base64Line === undefined || (lines.length === 2 && !lines[0]!.startsWith('untrusted comment:'))) {
    throw new ContractError(
      'INVALID_INPUT',
      `${where} is not a minisign public key: expected an "untrusted comment:" line and a base64 line.`,
    );
  }
  const decoded = decodeBase64(base64Line, where, 42);
  if (decoded.subarray(0, 2).toString('latin1') !== PUBLIC_KEY_ALGORITHM) {
    throw new ContractError(
      'INVALID_INPUT',
      `${where}: not an Ed25519 minisign key (algorithm "${decoded.subarray(0, 2).toString('latin1')}").`,
    );
  }
  const key = publicKeyOf(decoded.subarray(10));
  // The key number is the publisher's choice in minisign's own keys (random); keep what the file says.
  const keyNumber = Buffer.from(decoded.subarray(2, 10));
  return { ...key, keyNumber, keyId: keyIdOf(keyNumber) };
}

function prehash(message: Buffer | Uint8Array): Buffer {
  return crypto.createHash('blake2b512').update(message).digest();
}

/** Comments are single lines (minisign reads the file line by line). */
function assertOneLine(comment: string, what: string): void {
  if (/[\r\n]/.test(comment)) throw new ContractError('INVALID_INPUT', `The ${what} must be a single line.`);
}

/** Signs a file's bytes; returns the text of its `.minisig` file. */
export function signMinisign(
  message: Buffer | Uint8Array,
  privateKey: KeyObject,
  comments: { trusted: string; untrusted?: string },
): string {
  const key = publicKeyFromPrivate(privateKey);
  const untrusted = comments.untrusted ?? `signature from Concordat release key ${key.keyId}`;
  assertOneLine(untrusted, 'untrusted comment');
  assertOneLine(comments.trusted, 'trusted comment');
  const signature = crypto.sign(null, prehash(message), privateKey);
  const globalSignature = crypto.sign(null, Buffer.concat([signature, Buffer.from(comments.trusted, 'utf8')]), privateKey);
  const signatureLine = Buffer.concat([Buffer.from(HASHED_SIGNATURE_ALGORITHM, 'latin1'), key.keyNumber, signature]).toString('base64');
  return `untrusted comment: ${untrusted}\n${signatureLine}\ntrusted comment: ${comments.trusted}\n${globalSignature.toString('base64')}\n`;
}

/**
 * Checks a `.minisig` text against a file's bytes and a public key, as `minisign -V` does: the key number must be
 * the key's, the signature must hold over the file (pre-hashed "ED", or legacy "Ed" over the file itself), and the
 * global signature must hold over the signature and the trusted comment. Throws INTEGRITY naming what failed.
 */
export function verifyMinisign(
  message: Buffer | Uint8Array,
  signatureText: string,
  key: MinisignPublicKey,
  where = 'the signature',
): MinisignVerified {
  const lines = textLines(signatureText);
  if (lines.length !== 4 || !lines[0]!.startsWith('untrusted comment:') || !lines[2]!.startsWith('trusted comment: ')) {
    throw new ContractError(
      'INTEGRITY',
      `${where} is not a minisign signature: expected four lines (untrusted comment, signature, trusted comment, global signature).`,
    );
  }
  const signed = decodeBase64(lines[1]!, where, 74);
  const algorithm = signed.subarray(0, 2).toString('latin1');
  const keyNumber = signed.subarray(2, 10);
  const signature = signed.subarray(10);
  if (algorithm !== HASHED_SIGNATURE_ALGORITHM && algorithm !== LEGACY_SIGNATURE_ALGORITHM) {
    throw new ContractError('INTEGRITY', `${where}: unknown signature algorithm "${algorithm}".`);
  }
  if (!keyNumber.equals(key.keyNumber)) {
    throw new ContractError(
      'INTEGRITY',
      `${where} was made with key ${keyIdOf(keyNumber)}, not with the trusted release key ${key.keyId}.`,
      { reason: 'wrong-key' },
    );
  }
  const signedBytes = algorithm === HASHED_SIGNATURE_ALGORITHM ? prehash(message) : Buffer.from(message);
  if (!crypto.verify(null, signedBytes, key.publicKey, signature)) {
    throw new ContractError('INTEGRITY', `${where} does not match the signed file: the file or its signature was altered.`, {
      reason: 'signature',
    });
  }
  const trustedComment = lines[2]!.slice('trusted comment: '.length);
  const globalSignature = decodeBase64(lines[3]!, `${where} (global signature)`, 64);
  if (!crypto.verify(null, Buffer.concat([signature, Buffer.from(trustedComment, 'utf8')]), key.publicKey, globalSignature)) {
    throw new ContractError('INTEGRITY', `${where}: the trusted comment was altered (its global signature does not hold).`, {
      reason: 'trusted-comment',
    });
  }
  return { keyId: key.keyId, trustedComment };
}
