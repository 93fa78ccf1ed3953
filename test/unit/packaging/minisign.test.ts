import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract/errors';
import {
  formatPublicKey,
  parsePublicKey,
  publicKeyFromPrivate,
  signMinisign,
  verifyMinisign,
} from '../../../electron/backend/release/minisign';
import { tempDir } from '../../helpers/tempDir';

const hasMinisign = spawnSync('minisign', ['-v']).status === 0;
if (!hasMinisign)
  console.log('minisign interoperability tests skipped: the minisign command is not installed (apt-get install -y minisign).');

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return (error.details as { reason?: string } | undefined)?.reason ?? error.message;
    throw error;
  }
  return undefined;
}

describe('minisign signatures', () => {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const key = publicKeyFromPrivate(privateKey);
  const message = Buffer.from('sha256 list\n');
  const signature = signMinisign(message, privateKey, { trusted: 'timestamp:1\tfile:SHA256SUMS' });

  it('verifies what it signs and returns the trusted comment', () => {
    expect(verifyMinisign(message, signature, key)).toEqual({ keyId: key.keyId, trustedComment: 'timestamp:1\tfile:SHA256SUMS' });
    // "ED": minisign's pre-hashed form.
    expect(Buffer.from(signature.split('\n')[1]!, 'base64').subarray(0, 2).toString('latin1')).toBe('ED');
  });

  it('refuses a changed file, a changed trusted comment, another key and a damaged signature, saying which', () => {
    expect(reasonOf(() => verifyMinisign(Buffer.from('sha256 list!\n'), signature, key))).toBe('signature');
    const lines = signature.split('\n');
    const comment = [lines[0], lines[1], 'trusted comment: timestamp:2\tfile:SHA256SUMS', lines[3], ''].join('\n');
    expect(reasonOf(() => verifyMinisign(message, comment, key))).toBe('trusted-comment');
    const other = publicKeyFromPrivate(crypto.generateKeyPairSync('ed25519').privateKey);
    expect(reasonOf(() => verifyMinisign(message, signature, other))).toBe('wrong-key');
    expect(() => verifyMinisign(message, 'untrusted comment: x\nnot base64!\n', key)).toThrow(/four lines/);
    const short = [lines[0], 'RUQ=', lines[2], lines[3]].join('\n');
    expect(() => verifyMinisign(message, short, key, 'SHA256SUMS.minisig')).toThrow(
      /SHA256SUMS.minisig: expected 74 bytes once decoded, found 2/,
    );
  });

  it('reads back the public key it writes, and refuses text that is not one', () => {
    const parsed = parsePublicKey(formatPublicKey(key));
    expect(parsed.keyId).toBe(key.keyId);
    expect(parsed.raw.equals(key.raw)).toBe(true);
    expect(() => parsePublicKey('hello\nworld\n', 'concordat.pub')).toThrow(/concordat.pub is not a minisign public key/);
    expect(() => parsePublicKey(`untrusted comment: x\n${Buffer.alloc(42).toString('base64')}\n`, 'k.pub')).toThrow(
      /not an Ed25519 minisign key/,
    );
  });

  it('refuses comments that would break the file into more lines', () => {
    expect(() => signMinisign(message, privateKey, { trusted: 'a\nb' })).toThrow(/single line/);
  });

  it.skipIf(!hasMinisign)('is accepted by minisign -V, and accepts what minisign -S signs', () => {
    const dir = tempDir();
    const file = path.join(dir, 'SHA256SUMS');
    fs.writeFileSync(file, message);
    fs.writeFileSync(`${file}.minisig`, signature);
    fs.writeFileSync(path.join(dir, 'ours.pub'), formatPublicKey(key));
    const ok = spawnSync('minisign', ['-Vm', file, '-p', path.join(dir, 'ours.pub')], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('timestamp:1\tfile:SHA256SUMS');
    fs.appendFileSync(file, 'x');
    expect(spawnSync('minisign', ['-Vm', file, '-p', path.join(dir, 'ours.pub')]).status).not.toBe(0);

    const theirs = path.join(dir, 'theirs.txt');
    fs.writeFileSync(theirs, 'signed by minisign itself\n');
    expect(spawnSync('minisign', ['-G', '-W', '-p', path.join(dir, 'theirs.pub'), '-s', path.join(dir, 'theirs.key')]).status).toBe(0);
    expect(spawnSync('minisign', ['-S', '-s', path.join(dir, 'theirs.key'), '-m', theirs, '-t', 'their comment']).status).toBe(0);
    const theirKey = parsePublicKey(fs.readFileSync(path.join(dir, 'theirs.pub'), 'utf8'));
    const verified = verifyMinisign(fs.readFileSync(theirs), fs.readFileSync(`${theirs}.minisig`, 'utf8'), theirKey);
    expect(verified.trustedComment).toBe('their comment');
    expect(reasonOf(() => verifyMinisign(Buffer.from('other'), fs.readFileSync(`${theirs}.minisig`, 'utf8'), theirKey))).toBe('signature');
  });
});
