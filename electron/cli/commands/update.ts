import path from 'node:path';
import { parseCommandArgs, passphraseFrom, positiveInt, UsageError } from '../args';
import { withCancelOnSignal } from '../cancel';
import type { Command } from '../command';
import { createOutput } from '../output';
import { appRoot, runsFromPortablePackage } from '../paths';
import { generateFeedKey, loadSigningKey, writeKeyFiles } from '../../backend/feeds/keys';
import { packagePlatform } from '../../backend/release/portablePackage';
import { openInstall, rollBack } from '../../backend/updates/portableInstall';
import { applyUpdate, checkForUpdate } from '../../backend/updates/updateClient';
import { initUpdateRepository, publishUpdate, renewTimestamp, rotateUpdateKeys } from '../../backend/updates/updateRepository';

const usage = `concordat update <check|apply|rollback|keygen|init|publish|timestamp|rotate> …

On a portable installation (the folder the portable package unpacks to):
  concordat update check [--from URL|FOLDER] [--root root.json] [--install-dir D] [--json]
      Verifies the update repository's signed metadata (TUF: signatures and thresholds, rollback, freeze,
      mix-and-match) and says whether a newer version is listed. FOLDER is the repository copied onto a
      USB stick: the same checks apply offline. --from is remembered for the next check.
      --root gives the repository's root on first use when the package carries none.
  concordat update apply [--from URL|FOLDER] [--root root.json] [--install-dir D] [--json]
      As check, then downloads the newest package, checks its length and SHA-256 against the signed
      metadata, unpacks it beside the running version, checks it starts, and switches to it atomically.
      The replaced version is kept. Any refusal leaves the running version untouched.
  concordat update rollback [--install-dir D] [--json]
      Returns to the version the last update replaced.

For the agency that hosts the update repository (a folder of static files, served or copied):
  concordat update keygen --out DIR --name NAME [--passphrase-env VAR] [--json]
      An Ed25519 key for one role: make two or more root keys (kept offline), a targets, a snapshot
      and a timestamp key. A key serves one role only.
  concordat update init --out REPO --root-key R1 --root-key R2 [--root-threshold 2]
                        --targets-key T --snapshot-key S --timestamp-key TS [--passphrase-env VAR] [--json]
      Creates the repository: REPO/root.json (ship it with release build --update-root).
  concordat update publish REPO [--package concordat-<v>-linux-x64.tar.gz …] [--withdraw NAME …] --targets-key T
                        --snapshot-key S --timestamp-key TS [--expires-days N] [--timestamp-hours H]
                        [--passphrase-env VAR] [--json]
      Adds packages (none: re-signs only) and signs new metadata, each role with its own key. A package
      is listed under the version its portable.json carries (the file name must agree). --withdraw takes
      a package off the list (a bad release); workstations then see the newest one left. What the folder already holds is verified first (root chain, signatures,
      pinned hashes): an altered folder is refused, never signed again.
  concordat update timestamp REPO --timestamp-key TS [--hours H] [--passphrase-env VAR] [--json]
      Re-signs only timestamp.json, with the timestamp key alone: run it daily (before the timestamp
      expires, default 24 h) or clients refuse the repository as frozen. For a USB copy that travels
      for weeks, renew the copy's timestamp with a longer --hours.
  concordat update rotate REPO --root-key R (as many as the threshold) [--new-root-key K …
                        [--root-threshold N]] [--targets-key T] [--snapshot-key S] [--timestamp-key TS]
                        [--passphrase-env VAR] [--json]
      Writes the next root version with new keys for the roles named, signed by the current root keys
      (and by the new root keys when they change); then publish with the new keys.`;

export const updateCommand: Command = {
  name: 'update',
  summary: 'Signed updates of the portable package (online or from a USB folder), and the update repository',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'check':
      case 'apply':
        return checkOrApply(sub, rest);
      case 'rollback':
        return rollback(rest);
      case 'keygen':
        return keygen(rest);
      case 'init':
        return init(rest);
      case 'publish':
        return publish(rest);
      case 'timestamp':
        return timestamp(rest);
      case 'rotate':
        return rotate(rest);
      default:
        throw new UsageError(sub ? `Unknown update command "${sub}".` : 'Name an update command.');
    }
  },
};

/** The running portable installation, or the one named by --install-dir. */
function installDirOf(option: string | undefined): string {
  if (option) return path.resolve(option);
  if (!runsFromPortablePackage()) {
    throw new UsageError(
      'This is not a portable installation: name one with --install-dir D (desktop installations update through the app).',
    );
  }
  // <install>/versions/<version>/app
  return path.resolve(appRoot, '..', '..', '..');
}

async function checkOrApply(sub: 'check' | 'apply', args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { from: { type: 'string' }, root: { type: 'string' }, 'install-dir': { type: 'string' } },
    true,
  );
  if (positionals.length > 0) throw new UsageError(`update ${sub} takes no arguments.`);
  const out = createOutput(values.json);
  const options = {
    installDir: installDirOf(values['install-dir']),
    ...(values.from ? { from: values.from } : {}),
    ...(values.root ? { rootFile: path.resolve(values.root) } : {}),
    onProgress: (message: string, done?: number, total?: number) =>
      done === undefined ? out.notice(message) : out.progress(message, done, total),
  };
  if (sub === 'check') {
    const check = await withCancelOnSignal((signal) => checkForUpdate({ ...options, signal }));
    out.result(check, () =>
      check.status === 'available'
        ? `Concordat ${check.newest!.version} is available (installed: ${check.installed}). Apply it with \`concordat update apply\`.`
        : check.status === 'current'
          ? `Concordat ${check.installed} is the newest version the repository lists.`
          : check.status === 'older'
            ? `The repository's newest package is Concordat ${check.newest!.version}, older than the installed ${check.installed}: nothing to apply (a downgrade is never applied).`
            : `The repository lists no package for ${packagePlatform}.`,
    );
    return 0;
  }
  const applied = await withCancelOnSignal((signal) => applyUpdate({ ...options, signal }));
  out.result(applied, () =>
    applied.applied
      ? `Updated Concordat ${applied.previous} → ${applied.newest!.version}. The next start runs ${applied.newest!.version}; \`concordat update rollback\` returns to ${applied.previous}.`
      : `Nothing to apply: Concordat ${applied.installed} is the newest version the repository lists.`,
  );
  return 0;
}

async function rollback(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'install-dir': { type: 'string' } }, true);
  if (positionals.length > 0) throw new UsageError('update rollback takes no arguments.');
  const before = openInstall(installDirOf(values['install-dir']));
  const after = rollBack(before);
  createOutput(values.json).result(after, () => `Rolled back: Concordat ${before.currentVersion} → ${after.currentVersion}.`);
  return 0;
}

async function keygen(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { out: { type: 'string' }, name: { type: 'string' }, 'passphrase-env': { type: 'string' } },
    true,
  );
  if (positionals.length > 0) throw new UsageError('update keygen takes no arguments.');
  if (!values.out || !values.name) throw new UsageError('--out DIR and --name NAME are required.');
  const passphrase = passphraseFrom(values['passphrase-env'], 'passphrase-env');
  const files = writeKeyFiles(generateFeedKey(), path.resolve(values.out), { name: values.name, ...(passphrase ? { passphrase } : {}) });
  createOutput(values.json).result(files, () => `Key ${files.keyId}: ${files.privateKeyFile} (private), ${files.publicKeyFile}`);
  return 0;
}

const roleKeyOptions = {
  'targets-key': { type: 'string' },
  'snapshot-key': { type: 'string' },
  'timestamp-key': { type: 'string' },
  'passphrase-env': { type: 'string' },
} as const;

function loadKey(file: string | undefined, passphrase: string | undefined) {
  return file ? loadSigningKey(path.resolve(file), passphrase) : undefined;
}

function requiredRoleKeys(values: { 'targets-key'?: string; 'snapshot-key'?: string; 'timestamp-key'?: string }, passphrase?: string) {
  const targets = loadKey(values['targets-key'], passphrase);
  const snapshot = loadKey(values['snapshot-key'], passphrase);
  const timestamp = loadKey(values['timestamp-key'], passphrase);
  if (!targets || !snapshot || !timestamp) throw new UsageError('--targets-key, --snapshot-key and --timestamp-key are required.');
  return { targets, snapshot, timestamp };
}

async function init(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...roleKeyOptions, out: { type: 'string' }, 'root-key': { type: 'string', multiple: true }, 'root-threshold': { type: 'string' } },
    true,
  );
  if (positionals.length > 0) throw new UsageError('update init takes no arguments.');
  if (!values.out) throw new UsageError('--out REPO is required.');
  const passphrase = passphraseFrom(values['passphrase-env'], 'passphrase-env');
  const rootKeys = (values['root-key'] ?? []).map((f) => loadSigningKey(path.resolve(f), passphrase));
  const made = initUpdateRepository({
    outDir: path.resolve(values.out),
    rootKeys,
    rootThreshold: positiveInt('root-threshold', values['root-threshold'], 2),
    ...requiredRoleKeys(values, passphrase),
  });
  createOutput(values.json).result(made, () =>
    [
      `Update repository created: ${made.rootFile} (SHA-256 ${made.rootSha256})`,
      ...Object.entries(made.keyIds).map(([role, ids]) => `  ${role.padEnd(9)} ${ids.join(', ')}`),
      'Ship root.json with the portable package (concordat release build --update-root), then publish packages.',
    ].join('\n'),
  );
  return 0;
}

async function publish(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ...roleKeyOptions,
      package: { type: 'string', multiple: true },
      withdraw: { type: 'string', multiple: true },
      'expires-days': { type: 'string' },
      'timestamp-hours': { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('Name the repository folder: concordat update publish REPO --package FILE …');
  const passphrase = passphraseFrom(values['passphrase-env'], 'passphrase-env');
  const packages = (values.package ?? []).map((file) => {
    const match = /^concordat-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)-([a-z0-9]+-[a-z0-9]+)\.tar\.gz$/.exec(path.basename(file));
    if (!match) throw new UsageError(`${file}: expected a package named concordat-<version>-<platform>.tar.gz.`);
    return { file: path.resolve(file), version: match[1]!, platform: match[2]! };
  });
  const summary = await publishUpdate({
    repoDir: path.resolve(positionals[0]!),
    packages,
    withdraw: values.withdraw ?? [],
    ...requiredRoleKeys(values, passphrase),
    expiresDays: positiveInt('expires-days', values['expires-days'], 30),
    timestampHours: positiveInt('timestamp-hours', values['timestamp-hours'], 24),
  });
  createOutput(values.json).result(summary, () =>
    [
      `Published: targets v${summary.versions.targets}, snapshot v${summary.versions.snapshot}, timestamp v${summary.versions.timestamp} (expires ${summary.timestampExpires})`,
      ...summary.packages.map((p) => `  ${p.path}  ${p.version}  sha256 ${p.sha256}`),
    ].join('\n'),
  );
  return 0;
}

async function timestamp(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { 'timestamp-key': { type: 'string' }, hours: { type: 'string' }, 'passphrase-env': { type: 'string' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('Name the repository folder: concordat update timestamp REPO --timestamp-key TS');
  const key = loadKey(values['timestamp-key'], passphraseFrom(values['passphrase-env'], 'passphrase-env'));
  if (!key) throw new UsageError('--timestamp-key is required.');
  const renewed = renewTimestamp({ repoDir: path.resolve(positionals[0]!), timestamp: key, hours: positiveInt('hours', values.hours, 24) });
  createOutput(values.json).result(renewed, () => `Timestamp version ${renewed.version} signed; it expires ${renewed.expires}.`);
  return 0;
}

async function rotate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ...roleKeyOptions,
      'root-key': { type: 'string', multiple: true },
      'new-root-key': { type: 'string', multiple: true },
      'root-threshold': { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('Name the repository folder: concordat update rotate REPO --root-key R …');
  const passphrase = passphraseFrom(values['passphrase-env'], 'passphrase-env');
  const load = (files: string[] | undefined) => (files ?? []).map((f) => loadSigningKey(path.resolve(f), passphrase));
  const targets = loadKey(values['targets-key'], passphrase);
  const snapshot = loadKey(values['snapshot-key'], passphrase);
  const timestamp = loadKey(values['timestamp-key'], passphrase);
  const rotated = rotateUpdateKeys({
    repoDir: path.resolve(positionals[0]!),
    signingRootKeys: load(values['root-key']),
    ...(values['new-root-key'] ? { newRootKeys: load(values['new-root-key']) } : {}),
    ...(values['root-threshold'] ? { newRootThreshold: positiveInt('root-threshold', values['root-threshold']) } : {}),
    ...(targets ? { targets } : {}),
    ...(snapshot ? { snapshot } : {}),
    ...(timestamp ? { timestamp } : {}),
  });
  createOutput(values.json).result(rotated, () =>
    [
      `Root version ${rotated.version} written.`,
      ...Object.entries(rotated.keyIds).map(([role, ids]) => `  ${role.padEnd(9)} ${ids.join(', ')}`),
    ].join('\n'),
  );
  return 0;
}
