import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';

/**
 * The secret that encrypts the workstation's private key, for the desktop app: kept in
 * keys/workstation.secret.safestorage, encrypted by Electron safeStorage (macOS Keychain, Windows
 * DPAPI, libsecret/kwallet on Linux), and handed to the backend's utility process in memory.
 * A data directory whose key was made by the CLI or browser mode keeps that secret file (the
 * key is encrypted under it); the app uses it as it is, so both can sign.
 * Returns null where safeStorage is not available (the backend then uses the 0600 file).
 */
export function desktopKeySecret(dataDir: string): Buffer | null {
  const keys = path.join(dataDir, 'keys');
  const plain = path.join(keys, 'workstation.secret');
  const sealed = path.join(keys, 'workstation.secret.safestorage');
  if (fs.existsSync(plain)) return Buffer.from(fs.readFileSync(plain, 'utf8').trim(), 'base64');
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (fs.existsSync(sealed)) return Buffer.from(safeStorage.decryptString(fs.readFileSync(sealed)), 'base64');
  const secret = crypto.randomBytes(32);
  fs.mkdirSync(keys, { recursive: true, mode: 0o700 });
  fs.writeFileSync(sealed, safeStorage.encryptString(secret.toString('base64')), { mode: 0o600, flag: 'wx' });
  return secret;
}
