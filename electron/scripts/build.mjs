// Builds Concordat: the Node-side bundles with esbuild (one file per process entry, so the
// utility process, worker threads and the sandboxed preload each load a single script) and
// the renderer with Vite. `--if-stale` skips the build when out/ is newer than every source.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'out');
const stamp = path.join(outDir, '.build-stamp');
const sourceDirs = ['electron', 'renderer', 'shared', 'resources'];

function newestSourceTime() {
  let newest = fs.statSync(path.join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of sourceDirs) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

if (process.argv.includes('--if-stale') && fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestSourceTime()) {
  process.exit(0);
}

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
/** The commit built, for the About box (unknown outside a git checkout). */
function commitOf() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
// A signed release's build names its release public key (minisign format) so the About box shows its fingerprint.
const releasePublicKey = process.env.CONCORDAT_RELEASE_PUB ? fs.readFileSync(process.env.CONCORDAT_RELEASE_PUB, 'utf8') : '';
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Native and Electron modules are loaded at run time, never bundled.
  external: ['electron', 'better-sqlite3'],
  define: {
    __CONCORDAT_VERSION__: JSON.stringify(pkg.version),
    __CONCORDAT_COMMIT__: JSON.stringify(commitOf()),
    __CONCORDAT_RELEASE_PUBLIC_KEY__: JSON.stringify(releasePublicKey),
  },
};

const entries = {
  cli: 'electron/cli/main.ts',
  jobWorker: 'electron/backend/jobs/jobWorker.ts',
  backendHost: 'electron/backend/host.ts',
  main: 'electron/main/main.ts',
  preload: 'electron/preload/preload.ts',
};

fs.mkdirSync(path.join(outDir, 'node'), { recursive: true });
await Promise.all(
  Object.entries(entries).map(([name, entry]) =>
    build({
      ...common,
      entryPoints: [path.join(root, entry)],
      outfile: path.join(outDir, 'node', `${name}.cjs`),
      // The preload runs sandboxed: it may require nothing but 'electron'.
      ...(name === 'preload' ? { external: ['electron'], sourcemap: false } : {}),
    }),
  ),
);

const { build: viteBuild } = await import('vite');
await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
fs.writeFileSync(stamp, new Date().toISOString());
console.log(`Built Concordat ${pkg.version} into ${path.relative(process.cwd(), outDir) || outDir}`);
