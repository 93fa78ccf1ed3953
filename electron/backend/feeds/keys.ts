import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Key, Signature } from '@tufjs/models';
import { ContractError } from '../../../shared/contract/errors';

/**
 * Ed25519 feed keys (handbook "bundles-and-feeds" §5).
 *
 * Files written by `writeKeyFiles`:
 *   <name>.pem       the private key, PKCS#8 PEM (AES-256-CBC encrypted when a passphrase is given), mode 0600
 *   <name>.pub.json  { keytype: "ed25519", scheme: "ed25519", keyid, public: <hex raw key>, publicPem }
 *
 * The key id is hex(SHA-256(raw 32-byte public key))[:16]; it is also the TUF `keyid` the
 * key has in feed metadata (TUF lets key ids be any unique string, TAP 12).
 */
export interface FeedSigningKey {
  keyId: string;
  /** Raw 32-byte Ed25519 public key, hex. */
  publicHex: string;
  privateKey: KeyObject;
}

export interface PublicKeyFile {
  keytype: 'ed25519';
  scheme: 'ed25519';
  keyid: string;
  public: string;
  publicPem: string;
}

/** Raw public key bytes: the last 32 bytes of the SPKI DER (`302a300506032b6570032100` ‖ key). */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  if (publicKey.asymmetricKeyType !== 'ed25519' || der.length !== 44) {
    throw new ContractError('INVALID_INPUT', 'Feed keys must be Ed25519 keys.');
  }
  return der.subarray(12);
}

export function keyIdOf(rawPublic: Buffer): string {
  return crypto.createHash('sha256').update(rawPublic).digest('hex').slice(0, 16);
}

function signingKeyOf(privateKey: KeyObject): FeedSigningKey {
  const raw = rawPublicKey(crypto.createPublicKey(privateKey));
  return { keyId: keyIdOf(raw), publicHex: raw.toString('hex'), privateKey };
}

/** A new Ed25519 key, in memory. */
export function generateFeedKey(): FeedSigningKey {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  return signingKeyOf(privateKey);
}

export interface KeyFiles {
  keyId: string;
  publicHex: string;
  privateKeyFile: string;
  publicKeyFile: string;
  encrypted: boolean;
}

/** Writes a key's two files into `dir`; refuses to overwrite an existing key. */
export function writeKeyFiles(key: FeedSigningKey, dir: string, options: { name?: string; passphrase?: string } = {}): KeyFiles {
  const name = options.name ?? 'feed-key';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new ContractError('INVALID_INPUT', `"${name}" is not a usable key file name (letters, digits, . _ - only).`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const privateKeyFile = path.join(dir, `${name}.pem`);
  const publicKeyFile = path.join(dir, `${name}.pub.json`);
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (fs.existsSync(file)) throw new ContractError('CONFLICT', `${file} already exists; a key file is never overwritten.`, { file });
  }
  const passphrase = options.passphrase;
  const pem = passphrase
    ? key.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    : key.privateKey.export({ type: 'pkcs8', format: 'pem' });
  fs.writeFileSync(privateKeyFile, pem, { mode: 0o600, flag: 'wx' });
  const pub: PublicKeyFile = {
    keytype: 'ed25519',
    scheme: 'ed25519',
    keyid: key.keyId,
    public: key.publicHex,
    publicPem: crypto.createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
  fs.writeFileSync(publicKeyFile, `${JSON.stringify(pub, null, 2)}\n`, { flag: 'wx' });
  return { keyId: key.keyId, publicHex: key.publicHex, privateKeyFile, publicKeyFile, encrypted: Boolean(passphrase) };
}

/** Reads a private key file (PKCS#8 PEM, encrypted or not). */
export function loadSigningKey(file: string, passphrase?: string): FeedSigningKey {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ContractError('NOT_FOUND', `Cannot read the key file ${file}.`, { file });
  }
  let privateKey: KeyObject;
  try {
    privateKey = crypto.createPrivateKey(passphrase ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch (error) {
    const encrypted = pem.includes('ENCRYPTED');
    throw new ContractError(
      'INVALID_INPUT',
      encrypted && !passphrase
        ? `${file} is encrypted: give its passphrase (--passphrase-env VAR).`
        : `${file} is not a readable private key${encrypted ? ' (wrong passphrase?)' : ''}: ${error instanceof Error ? error.message : String(error)}`,
      { file },
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ContractError('INVALID_INPUT', `${file} holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key; feed keys are Ed25519.`, {
      file,
    });
  }
  return signingKeyOf(privateKey);
}

/** The key as TUF metadata lists it. */
export function tufKey(key: Pick<FeedSigningKey, 'keyId' | 'publicHex'>): Key {
  return new Key({ keyID: key.keyId, keyType: 'ed25519', scheme: 'ed25519', keyVal: { public: key.publicHex } });
}

/** A `Metadata.sign()` signer: Ed25519 over the canonical JSON bytes. */
export function tufSigner(key: FeedSigningKey): (data: Buffer) => Signature {
  return (data) => new Signature({ keyID: key.keyId, sig: crypto.sign(null, data, key.privateKey).toString('hex') });
}
