import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';

/**
 * The workstation's identity: an Ed25519 key pair made on first run, a display name and an
 * authority. It signs each case's audit-chain head (at every export and on demand), so a
 * recipient can tell which workstation vouched for a chain.
 *
 * At rest the private key is PKCS#8 encrypted with AES-256-GCM under a 32-byte secret. Where the
 * secret lives depends on the shell: the desktop app keeps it with Electron safeStorage (the OS
 * keychain / DPAPI / libsecret) and hands it to the backend; browser mode and the CLI keep it in
 * keys/workstation.secret, created readable by the user only (0600) — on a shared machine that
 * is as strong as the user account, which the README says.
 */

const IDENTITY_FILE = 'workstation.json';
const SECRET_FILE = 'workstation.secret';
/** Where the desktop app keeps the secret, encrypted by Electron safeStorage (electron/main/keySecret.ts). */
export const DESKTOP_SECRET_FILE = 'workstation.secret.safestorage';

const identityFile = z
  .object({
    v: z.literal(1),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    fingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    name: z.string().min(1).max(120),
    authority: z.string().max(40).nullable(),
    signingKey: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
    createdAt: z.string(),
    privateKey: z.object({ alg: z.literal('aes-256-gcm'), iv: z.string(), tag: z.string(), data: z.string() }).strict(),
  })
  .strict();
type IdentityFile = z.infer<typeof identityFile>;

/** Reads and writes the 32-byte secret that encrypts the private key. */
export interface KeySecretStore {
  /** Where the secret is kept, for Settings ("OS keychain (Electron safeStorage)", "file readable by this user only"). */
  describe: string;
  read(): Buffer | null;
  write(secret: Buffer): void;
}

/** The secret in a file of the keys folder, created with mode 0600. */
export function fileSecretStore(keysDir: string): KeySecretStore {
  const file = path.join(keysDir, SECRET_FILE);
  return {
    describe: `a file readable by this user only (${file})`,
    read: () => (fs.existsSync(file) ? Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64') : null),
    write: (secret) => {
      fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, secret.toString('base64'), { mode: 0o600, flag: 'wx' });
    },
  };
}

/** A secret handed in by the shell (the desktop app's safeStorage), kept in memory only. */
export function providedSecretStore(secret: Buffer, describe: string): KeySecretStore {
  return { describe, read: () => secret, write: () => {} };
}

export interface WorkstationIdentity {
  keyId: string;
  fingerprint: string;
  name: string;
  authority: string | null;
  signingKeyPem: string;
  createdAt: string;
  secretStorage: string;
  sign(data: Buffer | string): string;
}

/** The raw 32-byte Ed25519 public key inside an SPKI DER encoding (its last 32 bytes). */
function rawPublicKey(key: crypto.KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

export function fingerprintOf(publicKeyPem: string): string {
  return `sha256:${crypto
    .createHash('sha256')
    .update(rawPublicKey(crypto.createPublicKey(publicKeyPem)))
    .digest('hex')}`;
}

function encrypt(privateKey: crypto.KeyObject, secret: Buffer): IdentityFile['privateKey'] {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', secret, iv);
  const data = Buffer.concat([cipher.update(privateKey.export({ format: 'der', type: 'pkcs8' })), cipher.final()]);
  return { alg: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function decrypt(sealed: IdentityFile['privateKey'], secret: Buffer): crypto.KeyObject {
  const decipher = crypto.createDecipheriv('aes-256-gcm', secret, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  const der = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

function defaultName(): string {
  try {
    return os.userInfo().username || 'Concordat user';
  } catch {
    return 'Concordat user';
  }
}

/**
 * The workstation identity of a data directory, made on first use. A key file that does not
 * parse or cannot be decrypted with the secret is an INTEGRITY error naming the file (it is never
 * silently replaced: the chains it signed would no longer verify).
 */
export function loadOrCreateIdentity(dataDir: string, store?: KeySecretStore): WorkstationIdentity {
  const keysDir = path.join(dataDir, 'keys');
  const secrets = store ?? fileSecretStore(keysDir);
  const file = path.join(keysDir, IDENTITY_FILE);
  if (!fs.existsSync(file)) {
    let secret = secrets.read();
    if (!secret) {
      secret = crypto.randomBytes(32);
      secrets.write(secret);
    }
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const signingKey = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const fingerprint = fingerprintOf(signingKey);
    const record: IdentityFile = {
      v: 1,
      keyId: fingerprint.slice(7, 23),
      fingerprint,
      name: defaultName(),
      authority: null,
      signingKey,
      createdAt: new Date().toISOString(),
      privateKey: encrypt(privateKey, secret),
    };
    fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process made it first: use that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readIdentity(file, secrets);
}

function readIdentity(file: string, secrets: KeySecretStore): WorkstationIdentity {
  let record: IdentityFile;
  try {
    record = identityFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    throw new ContractError(
      'INTEGRITY',
      `The workstation identity ${file} is damaged (it is not the JSON Concordat writes); it was left as it is.`,
      {
        file,
      },
    );
  }
  // The private key is decrypted when something is signed, not before: recording who acted (the
  // key id) must work even where the secret is not at hand (the CLI on the desktop app's data
  // directory, whose secret the OS keychain holds for the app).
  let privateKey: crypto.KeyObject | undefined;
  const unlock = (): crypto.KeyObject => {
    if (privateKey) return privateKey;
    const secret = secrets.read();
    if (!secret) {
      const desktop = fs.existsSync(path.join(path.dirname(file), DESKTOP_SECRET_FILE));
      throw new ContractError(
        'INTEGRITY',
        desktop
          ? 'The workstation key of this data directory is protected by the desktop app (the OS keychain, through Electron safeStorage): sign from the desktop app.'
          : `The secret of the workstation key is missing (${secrets.describe}); the key in ${file} cannot be used.`,
        { file },
      );
    }
    try {
      privateKey = decrypt(record.privateKey, secret);
    } catch {
      throw new ContractError(
        'INTEGRITY',
        `The workstation's private key in ${file} cannot be decrypted with the secret kept in ${secrets.describe}; it was left as it is.`,
        { file },
      );
    }
    return privateKey;
  };
  if (fingerprintOf(record.signingKey) !== record.fingerprint)
    throw new ContractError('INTEGRITY', `The workstation identity ${file} names a fingerprint that is not its key's.`, { file });
  return {
    keyId: record.keyId,
    fingerprint: record.fingerprint,
    name: record.name,
    authority: record.authority,
    signingKeyPem: record.signingKey,
    createdAt: record.createdAt,
    secretStorage: secrets.describe,
    sign: (data) => crypto.sign(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, unlock()).toString('base64'),
  };
}

/** Changes the display name and authority (the key stays). */
export function updateIdentityProfile(
  dataDir: string,
  profile: { name: string; authority: string | null },
  store?: KeySecretStore,
): WorkstationIdentity {
  const file = path.join(dataDir, 'keys', IDENTITY_FILE);
  loadOrCreateIdentity(dataDir, store);
  const record = identityFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const updated: IdentityFile = { ...record, name: profile.name, authority: profile.authority };
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return loadOrCreateIdentity(dataDir, store);
}

/** Checks an Ed25519 signature made by sign() against a public key (SPKI PEM). */
export function verifySignature(publicKeyPem: string, data: Buffer | string, signature: string): boolean {
  try {
    return crypto.verify(
      null,
      typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
      crypto.createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}
