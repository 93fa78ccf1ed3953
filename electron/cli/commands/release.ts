import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, passphraseFrom, UsageError } from '../args';
import { withCancelOnSignal } from '../cancel';
import type { Command } from '../command';
import { createOutput } from '../output';
import { appVersion } from '../paths';
import { buildPortablePackage } from '../../backend/release/portablePackage';
import { generateReleaseKey, loadReleaseKey, releasePublicKeyFileName } from '../../backend/release/releaseKey';
import { readPublicKeyFile, signReleaseFolder, verifyReleaseFolder } from '../../backend/release/releaseFolder';
import { formatPublicKey } from '../../backend/release/minisign';
import { appRoot as releaseAppRoot, embeddedReleaseKeyFile, embeddedReleaseKeyName, runsFromPortablePackage } from '../paths';

const usage = `concordat release <keygen|build|sign|verify> …

  concordat release keygen --out DIR [--passphrase-env VAR] [--json]
      Makes the release key (Ed25519, its own key: never a feed key): DIR/concordat-release.key (keep it
      offline; encrypted with the passphrase in $VAR if given) and DIR/concordat.pub (minisign format),
      the public key agencies receive out of band.

  concordat release build --out DIR [--key K] [--passphrase-env VAR] [--desktop D] [--update-root R]
                          [--unsigned] [--json]
      From a built source checkout (npm run release): the portable browser-mode package
      concordat-<version>-linux-x64.tar.gz (the app, better-sqlite3 for this Node, this Node, a launcher),
      the desktop packages found in folder D (electron-builder's output of each platform's runner), then
      SHA256SUMS over every artifact and SHA256SUMS.minisig signed with the release key K (default
      $CONCORDAT_RELEASE_KEY; passphrase from $VAR or $CONCORDAT_RELEASE_KEY_PASSPHRASE). R, a TUF root of
      the agency's update repository, is shipped in the package for \`concordat update\`. Reproducible:
      entry times are the commit's (or SOURCE_DATE_EPOCH). --unsigned skips the signature (test builds).

  concordat release sign DIR --key K [--passphrase-env VAR] [--json]
      Writes SHA256SUMS and SHA256SUMS.minisig over every file in DIR.

  concordat release verify DIR [--pub concordat.pub] [--json]
      Checks SHA256SUMS.minisig with the public key (default: the release key this installation was built
      with), then every file's SHA-256, and that no file in DIR is unlisted. Exit 0 when all hold, 1 when
      any does not. The same check as \`minisign -Vm SHA256SUMS -p concordat.pub\` then \`sha256sum -c SHA256SUMS\`.`;

/** Desktop artifacts electron-builder leaves in its output folder (installers, archives, update metadata). */
const DESKTOP_ARTIFACT = /\.(dmg|zip|exe|msi|AppImage|deb|rpm|blockmap|yml)$/;

export const releaseCommand: Command = {
  name: 'release',
  summary: 'Release key, portable package, SHA256SUMS signed in minisign format, and their verification',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'keygen':
        return keygen(rest);
      case 'build':
        return build(rest);
      case 'sign':
        return sign(rest);
      case 'verify':
        return verify(rest);
      default:
        throw new UsageError(sub ? `Unknown release command "${sub}".` : 'Name a release command: keygen, build, sign or verify.');
    }
  },
};

async function keygen(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { out: { type: 'string' }, 'passphrase-env': { type: 'string' } }, true);
  if (positionals.length > 0) throw new UsageError('release keygen takes no arguments.');
  if (!values.out) throw new UsageError('--out DIR is required.');
  const files = generateReleaseKey(path.resolve(values.out), passphraseFrom(values['passphrase-env'], 'passphrase-env'));
  createOutput(values.json).result(files, () =>
    [
      `Release key ${files.keyId} (Ed25519, minisign format)${files.encrypted ? ', private key encrypted' : ''}:`,
      `  private  ${files.privateKeyFile}   keep it offline; it signs releases and nothing else`,
      `  public   ${files.publicKeyFile}   give it to agencies out of band (README, "Install and verify")`,
    ].join('\n'),
  );
  return 0;
}

function releaseKeyFrom(keyOption: string | undefined, passphraseEnv: string | undefined) {
  const file = keyOption ?? process.env.CONCORDAT_RELEASE_KEY;
  if (!file) return undefined;
  const passphrase = passphraseFrom(passphraseEnv, 'passphrase-env') ?? (process.env.CONCORDAT_RELEASE_KEY_PASSPHRASE || undefined);
  return loadReleaseKey(path.resolve(file), passphrase);
}

function git(appRoot: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: appRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function build(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      out: { type: 'string' },
      key: { type: 'string' },
      'passphrase-env': { type: 'string' },
      desktop: { type: 'string' },
      'update-root': { type: 'string' },
      unsigned: { type: 'boolean', default: false },
    },
    true,
  );
  if (positionals.length > 0) throw new UsageError('release build takes no arguments.');
  if (!values.out) throw new UsageError('--out DIR is required.');
  const appRoot = releaseAppRoot;
  if (runsFromPortablePackage()) {
    throw new UsageError('release build runs in a source checkout (npm run release), not in an installed package.');
  }
  const key = releaseKeyFrom(values.key, values['passphrase-env']);
  if (!key && !values.unsigned) {
    throw new UsageError(
      'No release key: give --key concordat-release.key or set CONCORDAT_RELEASE_KEY (make one with `concordat release keygen`), or build --unsigned for a test.',
    );
  }
  const outDir = path.resolve(values.out);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    throw new UsageError(`${outDir} is not empty: a release folder holds one release's artifacts only.`);
  }
  const out = createOutput(values.json);
  const commit = git(appRoot, ['rev-parse', 'HEAD']) ?? 'unknown';
  const dirty = (git(appRoot, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  const epochSeconds = Number(process.env.SOURCE_DATE_EPOCH ?? git(appRoot, ['log', '-1', '--format=%ct']) ?? 0);
  if (!Number.isInteger(epochSeconds) || epochSeconds < 0) throw new UsageError('SOURCE_DATE_EPOCH must be whole seconds since 1970.');
  if (dirty) out.notice('The working tree has uncommitted changes: this build is not reproducible from its commit alone.');
  const extraAppFiles: Record<string, string> = {};
  if (key) extraAppFiles[embeddedReleaseKeyName] = formatPublicKey(key.publicKey);
  if (values['update-root']) extraAppFiles['update-root.json'] = fs.readFileSync(path.resolve(values['update-root']), 'utf8');

  out.notice(
    `Building the portable package of Concordat ${appVersion} (commit ${commit.slice(0, 12)}${dirty ? ', with uncommitted changes' : ''})…`,
  );
  const portable = await buildPortablePackage({
    appRoot,
    nodeBinary: process.execPath,
    version: appVersion,
    commit: dirty ? `${commit}+dirty` : commit,
    epochSeconds,
    outDir,
    extraAppFiles,
    ...(key ? { releaseKeyId: key.publicKey.keyId } : {}),
  });
  const desktop: string[] = [];
  if (values.desktop) {
    const from = path.resolve(values.desktop);
    const found = fs.existsSync(from)
      ? fs.readdirSync(from).filter((n) => DESKTOP_ARTIFACT.test(n) && fs.statSync(path.join(from, n)).isFile())
      : [];
    for (const name of found.sort()) {
      fs.copyFileSync(path.join(from, name), path.join(outDir, name));
      desktop.push(name);
    }
    if (found.length === 0) out.notice(`No desktop packages in ${from}: they are built by \`npm run dist\` on each platform's runner.`);
  }
  const signed = key ? await signReleaseFolder(outDir, key, { release: `concordat ${appVersion}`, timestamp: epochSeconds }) : undefined;
  const result = { outDir, portable, desktop, signedWith: signed?.keyId ?? null, commit, reproducible: !dirty };
  out.result(result, () =>
    [
      `Release ${appVersion} in ${outDir}:`,
      `  ${portable.name}  ${(portable.bytes / 1e6).toFixed(1)} MB  sha256 ${portable.sha256}`,
      ...desktop.map((n) => `  ${n}`),
      signed
        ? `  SHA256SUMS and SHA256SUMS.minisig, signed with release key ${signed.keyId}`
        : '  not signed (--unsigned): no SHA256SUMS.minisig',
    ].join('\n'),
  );
  return 0;
}

async function sign(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { key: { type: 'string' }, 'passphrase-env': { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError('Name the release folder: concordat release sign DIR --key K');
  const key = releaseKeyFrom(values.key, values['passphrase-env']);
  if (!key) throw new UsageError('--key concordat-release.key (or $CONCORDAT_RELEASE_KEY) is required.');
  const epochSeconds = Number(process.env.SOURCE_DATE_EPOCH ?? Math.floor(Date.now() / 1000));
  const signed = await signReleaseFolder(path.resolve(positionals[0]!), key, {
    release: `concordat ${appVersion}`,
    timestamp: epochSeconds,
  });
  createOutput(values.json).result(signed, () => `Signed ${signed.artifacts.length} artifact(s) with release key ${signed.keyId}.`);
  return 0;
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { pub: { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError('Name the release folder: concordat release verify DIR [--pub concordat.pub]');
  const pubFile = values.pub ? path.resolve(values.pub) : embeddedReleaseKeyFile();
  if (!pubFile) {
    throw new UsageError(
      `This installation carries no release key: give the one you received out of band with --pub ${releasePublicKeyFileName}.`,
    );
  }
  const key = readPublicKeyFile(pubFile);
  const out = createOutput(values.json);
  const report = await withCancelOnSignal((signal) =>
    verifyReleaseFolder(path.resolve(positionals[0]!), key, {
      signal,
      onFile: (name, index, total) => out.progress(`Checking ${name}`, index, total),
    }),
  );
  out.endProgress();
  out.result(report, () =>
    [
      `Signature of SHA256SUMS: good, release key ${report.keyId}`,
      `Trusted comment: ${report.trustedComment}`,
      ...report.files.map((f) => `  ${f.ok ? 'OK    ' : 'FAILED'}  ${f.name}${f.problem ? `: ${f.problem}` : ''}`),
      report.ok ? 'Every artifact matches the signed SHA256SUMS.' : 'VERIFICATION FAILED: do not install these files.',
    ].join('\n'),
  );
  return report.ok ? 0 : 1;
}
