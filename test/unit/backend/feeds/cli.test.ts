import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { concordat, ensureBuilt } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/tempDir';
import { makeFeedInput } from './feedFixtures';

beforeAll(ensureBuilt, 180_000);

describe('concordat feed', () => {
  it('documents every sub-command', () => {
    const help = concordat(['feed', '--help']);
    expect(help.code).toBe(0);
    for (const sub of [
      'keygen --out DIR',
      'publish <folder> --key K.pem --out DIR',
      'add <url|folder> --name N',
      'sync [NAME]',
      'status',
      'remove NAME',
    ]) {
      expect(help.stdout).toContain(`concordat feed ${sub}`);
    }
    expect(concordat(['--help']).stdout).toMatch(/^ {2}feed /m);
    expect(concordat(['feed', 'nope']).code).toBe(2);
  });

  it('keygen → publish → add → sync → status, then refuses a tampered file with exit code 1', () => {
    const work = tempDir();
    const keys = path.join(work, 'keys');
    const feed = path.join(work, 'feed');
    const dataDir = path.join(work, 'data');
    const env = { FEED_PASS: 'a long passphrase' };

    const keygen = concordat(['feed', 'keygen', '--out', keys, '--passphrase-env', 'FEED_PASS', '--json'], env);
    expect(keygen.code).toBe(0);
    const key = JSON.parse(keygen.stdout) as { keyId: string; privateKeyFile: string; encrypted: boolean };
    expect(key).toMatchObject({ encrypted: true, privateKeyFile: path.join(keys, 'feed-key.pem') });

    const input = makeFeedInput();
    const noPass = concordat(['feed', 'publish', input, '--key', key.privateKeyFile, '--out', feed]);
    expect(noPass.code).toBe(1);
    expect(noPass.stderr).toContain('is encrypted: give its passphrase (--passphrase-env VAR).');

    const publish = concordat(
      ['feed', 'publish', input, '--key', key.privateKeyFile, '--passphrase-env', 'FEED_PASS', '--out', feed, '--json'],
      env,
    );
    expect(publish.code).toBe(0);
    expect(JSON.parse(publish.stdout)).toMatchObject({ versions: { root: 1, timestamp: 1 }, keyIds: [key.keyId] });

    const add = concordat(['feed', 'add', feed, '--name', 'tr', '--data-dir', dataDir]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(`root keys  ${key.keyId}`);
    expect(add.stdout).toContain('Trusted on first use');

    const sync = concordat(['feed', 'sync', 'tr', '--data-dir', dataDir, '--json']);
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ feed: 'tr', outcome: 'updated', imported: [{ sourceName: 'Test TR', version: 1 }] });
    const again = concordat(['feed', 'sync', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Feed "tr" is up to date');

    const status = JSON.parse(concordat(['feed', 'status', '--data-dir', dataDir, '--json']).stdout) as {
      name: string;
      lastSync: { outcome: string };
    }[];
    expect(status).toEqual([expect.objectContaining({ name: 'tr', lastSync: expect.objectContaining({ outcome: 'unchanged' }) })]);

    // A tampered timestamp is refused; the data stays.
    const timestamp = path.join(feed, 'timestamp.json');
    const tampered = JSON.parse(fs.readFileSync(timestamp, 'utf8')) as { signed: { version: number } };
    tampered.signed.version += 1;
    fs.writeFileSync(timestamp, JSON.stringify(tampered));
    const refused = concordat(['feed', 'sync', 'tr', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Feed "tr" refused: timestamp.json is not signed by the keys the trusted root lists for "timestamp" (0 of 1 required signatures valid)',
    );
    const snapshots = JSON.parse(concordat(['snapshots', '--data-dir', dataDir, '--json']).stdout) as unknown[];
    expect(snapshots).toHaveLength(1);

    expect(concordat(['feed', 'remove', 'tr', '--data-dir', dataDir]).code).toBe(0);
    expect(concordat(['feed', 'status', '--data-dir', dataDir]).stdout).toContain('No feeds yet');
  });
});
