import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
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

const sealedSchema = z.object({ alg: z.literal('aes-256-gcm'), iv: z.string(), tag: z.string(), data: z.string() }).strict();

const identityFile = z
  .object({
    v: z.literal(1),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    fingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    name: z.string().min(1).max(120),
    authority: z.string().max(40).nullable(),
    signingKey: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
    createdAt: z.string(),
    privateKey: sealedSchema,
    /** The age X25519 identity bundles are encrypted to (made by `keys init`; absent before). */
    age: z
      .object({ recipient: z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/), identity: sealedSchema })
      .strict()
      .optional(),
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
  /** The age X25519 recipient (age1…) partners encrypt bundles to; null until `keys init`. */
  ageRecipient: string | null;
  /** The age identity (AGE-SECRET-KEY-1…), decrypted on demand to open a bundle sent to us. */
  ageIdentity(): string;
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

function seal(plain: Buffer, secret: Buffer): IdentityFile['privateKey'] {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', secret, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { alg: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function unseal(sealed: IdentityFile['privateKey'], secret: Buffer): Buffer {
  const decipher = crypto.createDecipheriv('aes-256-gcm', secret, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
}

const encrypt = (privateKey: crypto.KeyObject, secret: Buffer) => seal(privateKey.export({ format: 'der', type: 'pkcs8' }), secret);
const decrypt = (sealed: IdentityFile['privateKey'], secret: Buffer) =>
  crypto.createPrivateKey({ key: unseal(sealed, secret), format: 'der', type: 'pkcs8' });

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
  const secretOf = (): Buffer => {
    const secret = secrets.read();
    if (secret) return secret;
    const desktop = fs.existsSync(path.join(path.dirname(file), DESKTOP_SECRET_FILE));
    throw new ContractError(
      'INTEGRITY',
      desktop
        ? 'The workstation key of this data directory is protected by the desktop app (the OS keychain, through Electron safeStorage): sign from the desktop app.'
        : `The secret of the workstation key is missing (${secrets.describe}); the key in ${file} cannot be used.`,
      { file },
    );
  };
  const unsealed = <T>(what: string, open: (secret: Buffer) => T): T => {
    const secret = secretOf();
    try {
      return open(secret);
    } catch {
      throw new ContractError(
        'INTEGRITY',
        `The workstation's ${what} in ${file} cannot be decrypted with the secret kept in ${secrets.describe}; it was left as it is.`,
        { file },
      );
    }
  };
  const unlock = (): crypto.KeyObject => (privateKey ??= unsealed('private key', (secret) => decrypt(record.privateKey, secret)));
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
    ageRecipient: record.age?.recipient ?? null,
    ageIdentity: () => {
      const sealed = record.age?.identity;
      if (!sealed) throw new ContractError('NOT_FOUND', 'This workstation has no encryption key yet: run `concordat keys init` first.');
      return unsealed('age identity', (secret) => unseal(sealed, secret).toString('utf8'));
    },
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

/**
 * Gives the workstation its age X25519 identity (once: an existing one is kept, since bundles
 * already encrypted to it must stay readable), sealed under the same secret as the signing key.
 */
export async function ensureAgeIdentity(dataDir: string, store?: KeySecretStore): Promise<WorkstationIdentity> {
  const current = loadOrCreateIdentity(dataDir, store);
  if (current.ageRecipient) return current;
  const file = path.join(dataDir, 'keys', IDENTITY_FILE);
  const secrets = store ?? fileSecretStore(path.join(dataDir, 'keys'));
  const secret = secrets.read();
  if (!secret) throw new ContractError('INTEGRITY', `The secret of the workstation key is missing (${secrets.describe}).`, { file });
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const record = identityFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (record.age) return loadOrCreateIdentity(dataDir, store);
  const updated: IdentityFile = { ...record, age: { recipient, identity: seal(Buffer.from(identity, 'utf8'), secret) } };
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
