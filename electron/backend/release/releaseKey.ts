import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';
import { formatPublicKey, publicKeyFromPrivate, type MinisignPublicKey } from './minisign';

/**
 * The release key: an Ed25519 key of its own that signs SHA256SUMS, never a feed key. Its secret half is a JSON file
 * that says what it is, so a feed key (a bare PKCS#8 PEM) is refused where the release key is expected, and the
 * release key cannot be handed to `concordat feed publish` by mistake (that reads PEM only):
 *
 *   concordat-release.key  {"kind": "concordat-release-key", "keyId": "…", "pkcs8": "<PEM, AES-256-CBC encrypted
 *                          when a passphrase is given>"}, mode 0600
 *   concordat.pub          the public key in minisign's format, for agencies (`minisign -Vm … -p concordat.pub`)
 */
export const RELEASE_KEY_KIND = 'concordat-release-key';
export const releaseKeyFileName = 'concordat-release.key';
export const releasePublicKeyFileName = 'concordat.pub';

const releaseKeyFileSchema = z
  .object({ kind: z.literal(RELEASE_KEY_KIND), keyId: z.string().regex(/^[0-9A-F]{16}$/), pkcs8: z.string().min(1) })
  .strict();

export interface ReleaseKey {
  privateKey: KeyObject;
  publicKey: MinisignPublicKey;
}

export interface ReleaseKeyFiles {
  keyId: string;
  privateKeyFile: string;
  publicKeyFile: string;
  encrypted: boolean;
}

/** Makes a release key in `dir`; never overwrites an existing key file. */
export function generateReleaseKey(dir: string, passphrase?: string): ReleaseKeyFiles {
  fs.mkdirSync(dir, { recursive: true });
  const privateKeyFile = path.join(dir, releaseKeyFileName);
  const publicKeyFile = path.join(dir, releasePublicKeyFileName);
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (fs.existsSync(file)) throw new ContractError('CONFLICT', `${file} already exists; a key file is never overwritten.`, { file });
  }
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const publicKey = publicKeyFromPrivate(privateKey);
  const pkcs8 = passphrase
    ? privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    : privateKey.export({ type: 'pkcs8', format: 'pem' });
  const body = { kind: RELEASE_KEY_KIND, keyId: publicKey.keyId, pkcs8: pkcs8.toString() };
  fs.writeFileSync(privateKeyFile, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  fs.writeFileSync(publicKeyFile, formatPublicKey(publicKey), { flag: 'wx' });
  return { keyId: publicKey.keyId, privateKeyFile, publicKeyFile, encrypted: Boolean(passphrase) };
}

/** Reads a release key file; refuses anything else (a feed key, a minisign secret key, a damaged file). */
export function loadReleaseKey(file: string, passphrase?: string): ReleaseKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ContractError('NOT_FOUND', `Cannot read the release key file ${file}.`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = releaseKeyFileSchema.safeParse(parsed);
  if (!body.success) {
    throw new ContractError(
      'INVALID_INPUT',
      `${file} is not a Concordat release key (expected the JSON file \`concordat release keygen\` writes${text.includes('PRIVATE KEY') ? '; a feed key is never a release key' : ''}).`,
      { file },
    );
  }
  const encrypted = body.data.pkcs8.includes('ENCRYPTED');
  if (encrypted && !passphrase) {
    throw new ContractError('INVALID_INPUT', `${file} is encrypted: give its passphrase (--passphrase-env VAR).`, { file });
  }
  let privateKey: KeyObject;
  try {
    privateKey = crypto.createPrivateKey(passphrase ? { key: body.data.pkcs8, format: 'pem', passphrase } : body.data.pkcs8);
  } catch {
    throw new ContractError('INVALID_INPUT', `${file} could not be opened${encrypted ? ' (wrong passphrase?)' : ''}.`, { file });
  }
  const publicKey = publicKeyFromPrivate(privateKey);
  if (publicKey.keyId !== body.data.keyId) {
    throw new ContractError('INVALID_INPUT', `${file} names key ${body.data.keyId} but holds key ${publicKey.keyId}.`, { file });
  }
  return { privateKey, publicKey };
}
