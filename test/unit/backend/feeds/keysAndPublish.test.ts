import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFeedKey, keyIdOf, loadSigningKey, rawPublicKey, writeKeyFiles } from '../../../../electron/backend/feeds/keys';
import { publishFeed } from '../../../../electron/backend/feeds/publishFeed';
import { tempDir } from '../../../helpers/tempDir';
import { makeFeedInput, makePublisher, snapshotGroup } from './feedFixtures';

describe('feed keys', () => {
  it('key id = hex(SHA-256(raw public key))[:16]; files round-trip, encrypted or not', () => {
    const key = generateFeedKey();
    const raw = rawPublicKey(crypto.createPublicKey(key.privateKey));
    expect(raw).toHaveLength(32);
    expect(key.keyId).toBe(crypto.createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(keyIdOf(raw)).toBe(key.keyId);

    const dir = tempDir();
    const plain = writeKeyFiles(key, dir);
    expect(loadSigningKey(plain.privateKeyFile).keyId).toBe(key.keyId);
    const pub = JSON.parse(fs.readFileSync(plain.publicKeyFile, 'utf8')) as { keyid: string; public: string };
    expect(pub).toMatchObject({ keyid: key.keyId, public: key.publicHex });
    expect(fs.statSync(plain.privateKeyFile).mode & 0o077).toBe(0);
    expect(() => writeKeyFiles(key, dir)).toThrow(/already exists; a key file is never overwritten/);

    const secret = writeKeyFiles(key, dir, { name: 'secret', passphrase: 'correct horse' });
    expect(fs.readFileSync(secret.privateKeyFile, 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect(loadSigningKey(secret.privateKeyFile, 'correct horse').keyId).toBe(key.keyId);
    expect(() => loadSigningKey(secret.privateKeyFile)).toThrow(/is encrypted: give its passphrase/);
    expect(() => loadSigningKey(secret.privateKeyFile, 'wrong')).toThrow(/not a readable private key \(wrong passphrase\?\)/);
  });

  it('refuses keys that are not Ed25519', () => {
    const dir = tempDir();
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(path.join(dir, 'ec.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadSigningKey(path.join(dir, 'ec.pem'))).toThrow(/holds a ec key; feed keys are Ed25519/);
  });
});

describe('publishFeed', () => {
  it('writes a consistent-snapshot TUF repository with hash-named files', async () => {
    const publisher = makePublisher();
    const summary = await publisher.publish({ expiresDays: 10, timestampHours: 6 });
    const names = fs.readdirSync(publisher.out).sort();
    expect(names).toEqual(['1.root.json', '1.snapshot.json', '1.targets.json', 'root.json', 'targets', 'timestamp.json']);
    const targets = JSON.parse(fs.readFileSync(path.join(publisher.out, '1.targets.json'), 'utf8')) as {
      signed: { targets: Record<string, { length: number; hashes: { sha256: string }; custom: unknown }> };
    };
    const trades = targets.signed.targets[`${snapshotGroup}/trades.csv`]!;
    expect(trades.custom).toEqual({
      concordat: {
        kind: 'snapshot-file',
        snapshot: { sourceName: 'Test TR', trLei: '9845005CCPXXXXXX0005', regime: 'EMIR', asOfDate: '2026-06-30' },
      },
    });
    const file = path.join(publisher.out, 'targets', ...snapshotGroup.split('/'), `${trades.hashes.sha256}.trades.csv`);
    expect(fs.statSync(file).size).toBe(trades.length);
    expect(targets.signed.targets['mou/2026/registry.json']!.custom).toEqual({ concordat: { kind: 'mou' } });
    expect(Date.parse(summary.expires.timestamp) - Date.now()).toBeLessThanOrEqual(6 * 3_600_000);
    expect(Date.parse(summary.expires.targets) - Date.now()).toBeGreaterThan(9 * 86_400_000);
  });

  it('refuses another key on republish, and odd input folders', async () => {
    const publisher = makePublisher();
    await publisher.publish();
    await expect(publishFeed({ inputDir: publisher.input, outDir: publisher.out, key: generateFeedKey() })).rejects.toThrow(
      /is not one of its root keys/,
    );

    const input = makeFeedInput();
    fs.mkdirSync(path.join(input, 'extras'));
    await expect(publishFeed({ inputDir: input, outDir: tempDir(), key: generateFeedKey() })).rejects.toThrow(
      /Unexpected "extras" .* a feed folder holds snapshots\/, reference\/ and mou\/ only/,
    );
    const badRegime = makeFeedInput();
    fs.renameSync(path.join(badRegime, 'snapshots/test-tr/EMIR'), path.join(badRegime, 'snapshots/test-tr/XX'));
    fs.writeFileSync(path.join(badRegime, 'snapshots/test-tr/XX/2026-06-30/snapshot.json'), '{}');
    await expect(publishFeed({ inputDir: badRegime, outDir: tempDir(), key: generateFeedKey() })).rejects.toThrow(/"XX" is not a regime/);
    const badName = makeFeedInput();
    fs.writeFileSync(path.join(badName, 'reference', 'with space.csv'), 'x');
    await expect(publishFeed({ inputDir: badName, outDir: tempDir(), key: generateFeedKey() })).rejects.toThrow(
      /"with space\.csv" .* is not a usable name/,
    );
    const link = makeFeedInput();
    fs.symlinkSync('/etc/passwd', path.join(link, 'reference', 'passwd'));
    await expect(publishFeed({ inputDir: link, outDir: tempDir(), key: generateFeedKey() })).rejects.toThrow(/is a link/);
    const notEmpty = tempDir();
    fs.writeFileSync(path.join(notEmpty, 'something.txt'), 'x');
    await expect(publishFeed({ inputDir: makeFeedInput(), outDir: notEmpty, key: generateFeedKey() })).rejects.toThrow(
      /is neither empty nor a published feed/,
    );
  });
});
