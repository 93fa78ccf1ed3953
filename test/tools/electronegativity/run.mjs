#!/usr/bin/env node
// Runs @doyensec/electronegativity over the Electron main-process and preload sources and fails
// (exit 1) on any finding of MEDIUM or higher severity that is not in DISABLED_CHECKS below.
//
//   node test/tools/electronegativity/run.mjs                  # electron/main + electron/preload
//   node test/tools/electronegativity/run.mjs --dir /some/app  # DIR/electron/{main,preload}, else all of DIR
//   options: --electron-version X.Y.Z (default: the project's electron dependency)
//
// Exit codes: 0 clean, 1 findings of medium or higher severity, 2 the scan itself failed (install
// failed, no sources, or a file electronegativity could not parse: a silent pass would hide it).
//
// How it runs electronegativity: through its programmatic API (the package's main export, the
// same run() its CLI calls), not by parsing its `-o report.csv|.sarif` output. With `-o` the CLI
// throws away run()'s list of files it failed to parse, so an unparseable file would pass as
// "no findings"; the SARIF report also has no severity. The API returns the same issue objects
// the CSV is written from (id, severity, confidence, file, line) plus that error list.
// TypeScript is scanned as it is (no bundle): electronegativity parses .ts with @babel/parser
// (plugin "typescript"), falling back to @typescript-eslint/typescript-estree. See README.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const toolDir = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(toolDir, '..', '..', '..');
const SEVERITY_FAIL = 2; // electronegativity: INFORMATIONAL 0, LOW 1, MEDIUM 2, HIGH 3

// ---------------------------------------------------------------------------------------------
// Which of electronegativity's MEDIUM+ checks can fire on Concordat's main/preload, and why.
// (Read from node_modules/@doyensec/electronegativity/src/finder/checks/ at 1.10.3; checks only
// match syntax, one file at a time; in TypeScript files they do not follow variables or calls.)
//
// Options of `new BrowserWindow(...)` / `new BrowserView(...)` (only when the callee is that bare
// identifier; `new electron.BrowserWindow` is not checked at all). They read the object literal
// passed as first argument, 4 levels deep (so `webPreferences: {...}` inline is seen):
//   CONTEXT_ISOLATION_JS_CHECK HIGH   contextIsolation missing or not literally `true`.
//   SANDBOX_JS_CHECK          MEDIUM  sandbox missing or not literally `true`.
//   AUXCLICK_JS_CHECK         MEDIUM  no disableBlinkFeatures containing "Auxclick".
//   WEB_SECURITY_JS_CHECK     MEDIUM  webSecurity: false.   INSECURE_CONTENT_JS_CHECK MEDIUM
//   allowRunningInsecureContent: true.   AFFINITY_JS_CHECK MEDIUM  `affinity` (gone since E14).
//   REMOTE_MODULE_JS_CHECK    MEDIUM  enableRemoteModule not false, or absent when the Electron
//                                     version is < 10 or unknown (so we always pass the version).
//   NODE_INTEGRATION_JS_CHECK HIGH only if nodeIntegration is absent and the version's default is
//                                     true (< 5); an explicit `nodeIntegration: true` is reported as
//                                     INFORMATIONAL (contextIsolation/sandbox findings carry it).
//   PRELOAD_JS_CHECK          MEDIUM  any `preload:` key at all: a "review the preload" reminder.
//   Concordat builds its options in buildWindowOptions() (electron/main/windowOptions.ts) and
//   calls `new BrowserWindow(buildWindowOptions(...))`: the checks see a call, not a literal, and
//   report contextIsolation/sandbox/auxclick as missing. Instead of disabling them, run.mjs adds
//   an "options probe" (see probeWindowOptions): every object literal with a `webPreferences` key
//   that is not already an argument of `new BrowserWindow` is copied into a generated file as
//   `new BrowserWindow(<literal>)`, so these checks judge the real literal (findings are mapped
//   back to its file:line), and the call-site findings are dropped only where the argument is a
//   call to / the name of the function or constant that holds such a literal.
// Navigation, permissions, CSP: each call is collected by an atomic check, then judged globally:
//   LIMIT_NAVIGATION_JS_CHECK + LIMIT_NAVIGATION_GLOBAL_CHECK HIGH: no .on('will-navigate') /
//     .on('new-window') / setWindowOpenHandler anywhere -> HIGH; will-navigate + setWindowOpenHandler
//     (Concordat, securityPolicy.ts) -> nothing; will-navigate + legacy 'new-window' -> every
//     handler is reported HIGH "for review". Kept.
//   PERMISSION_REQUEST_HANDLER_JS_CHECK + _GLOBAL_CHECK MEDIUM: no setPermissionRequestHandler call
//     -> MEDIUM; if there is one the global check hides the per-call findings. Kept (excluding the
//     global check would surface every call as MEDIUM).
//   CSP_GLOBAL_CHECK MEDIUM "no CSP" unless CSP_JS_CHECK found `callback({ responseHeaders: {
//     'Content-Security-Policy': [...] } })` or `x['content-security-policy'] = ...`. It does see
//     Concordat's session.webRequest.onHeadersReceived (securityPolicy.ts), so it does not fire;
//     it does not see the protocol handler's `new Response(..., { headers })` (one site is enough).
//     The CSP value is an imported constant, which it cannot read: that gives a LOW "failed to
//     parse CSP", i.e. electronegativity does not grade the policy itself. Kept.
// Other MEDIUM+ checks, none of which match Concordat's code today; all kept:
//   OPEN_EXTERNAL_JS_CHECK MEDIUM     shell.openExternal(non-literal): see DISABLED_CHECKS.
//   PROTOCOL_HANDLER_JS_CHECK MEDIUM  setAsDefaultProtocolClient, registerStandardSchemes,
//     registerServiceWorkerSchemes, register{File,Http,String,Buffer,Stream}Protocol. Not
//     protocol.handle() nor registerSchemesAsPrivileged() (what Concordat uses), so app:// does not
//     trigger it; if it fires, someone went back to a deprecated API or became an OS URL handler.
//   DANGEROUS_FUNCTIONS_JS_CHECK MEDIUM executeJavaScript/insertCSS(non-literal); eval, Function,
//     setTimeout/setInterval/setImmediate with a concatenated string.
//   HTTP_RESOURCES_JS_CHECK MEDIUM    loadURL('http://...') (also as template literal).
//   CERTIFICATE_ERROR_EVENT_JS_CHECK, CERTIFICATE_VERIFY_PROC_JS_CHECK MEDIUM: .on('certificate-error'),
//     setCertificateVerifyProc, importCertificate.   CUSTOM_ARGUMENTS_JS_CHECK MEDIUM:
//     appendSwitch/appendArgument with e.g. ignore-certificate-errors, remote-debugging-port, no-sandbox.
//   NODE_INTEGRATION_ATTACH_EVENT_JS_CHECK HIGH: a will-attach-webview handler setting
//     webPreferences.nodeIntegration = true.
//   HTTP_RESOURCES_WITH_NODE_INTEGRATION_GLOBAL_CHECK, AFFINITY_GLOBAL_CHECK MEDIUM: combinations of
//     the above. *_HTML_CHECK and *_JSON_CHECK: only .html / package.json, which are not scanned.
// ---------------------------------------------------------------------------------------------

// Findings of these checks are listed but never fail the run. Each entry needs a reason, and
// should be narrowed with `where` (a test on the finding: file, line, sample = the source line)
// when the false positive is about one site rather than the whole check.
const DISABLED_CHECKS = [
  {
    id: 'PRELOAD_JS_CHECK',
    // It flags every `preload:` key, whatever the preload does: a manual-review reminder that
    // can never pass for an app that has a preload. Concordat's preload runs with sandbox: true
    // and contextIsolation: true (checked by SANDBOX_/CONTEXT_ISOLATION_JS_CHECK through the
    // options probe) and exposes one object { call, on } via contextBridge; it is reviewed as code.
    why: 'flags any preload; the preload is sandboxed, context-isolated and reviewed',
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    // It flags every shell.openExternal whose argument is not a string literal: it cannot see
    // a guard. Only allowed on a line that first checks the URL with isVettedExternalUrl()
    // (electron/main/urlPolicy.ts: https only, fixed host allow-list, no credentials/port; unit
    // tested in test/unit/main/securityBaseline.test.ts). Any other openExternal call still fails.
    where: (f) => /\bisVettedExternalUrl\s*\(.*\bopenExternal\s*\(/.test(f.sample ?? ''),
    why: 'guarded by the isVettedExternalUrl allow-list on the same line',
  },
];

// Not run at all (passed to electronegativity's exclude list by class name). Not false positives:
// this check cannot work here.
const NOT_RUN = [
  // AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK fetches Electron's release list from GitHub on every
  // run (this project's machines reach the npm registry only) and only judges the Electron
  // version found in a scanned package.json, and package.json is not scanned. Keeping Electron
  // patched is the job of dependency updates, not of this scan.
  'AvailableSecurityFixesGlobalCheck',
];

// Babel parser plugins electronegativity does not enable but TypeScript 5 syntax needs:
// `accessor` class fields (TS 4.9) and `import defer` (TS 5.9). (`using`, `satisfies`, const type
// parameters, import attributes parse without a plugin in @babel/parser 7.29.)
const PARSER_PLUGINS = ['decoratorAutoAccessors', 'deferredImportEvaluation'];

// Checks that read the options object of `new BrowserWindow(...)` (see the options probe).
const WINDOW_OPTION_CHECKS = new Set([
  'CONTEXT_ISOLATION_JS_CHECK',
  'SANDBOX_JS_CHECK',
  'AUXCLICK_JS_CHECK',
  'NODE_INTEGRATION_JS_CHECK',
  'REMOTE_MODULE_JS_CHECK',
  'WEB_SECURITY_JS_CHECK',
  'INSECURE_CONTENT_JS_CHECK',
  'PRELOAD_JS_CHECK',
  'AFFINITY_JS_CHECK',
  'BLINK_FEATURES_JS_CHECK',
  'EXPERIMENTAL_FEATURES_JS_CHECK',
]);

const SOURCE_EXTENSIONS = new Map([
  // electronegativity only loads .js/.jsx/.ts/.tsx/.html/.htm: module variants are copied renamed.
  ['.ts', '.ts'],
  ['.tsx', '.tsx'],
  ['.mts', '.ts'],
  ['.cts', '.ts'],
  ['.js', '.js'],
  ['.jsx', '.jsx'],
  ['.mjs', '.js'],
  ['.cjs', '.js'],
  ['.html', '.html'],
  ['.htm', '.htm'],
]);
const PROBE_FILE = '__window_options_probe__.ts';

/** A path as the user would type it from the current directory. */
function show(p) {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

function fail(code, message) {
  console.error(`electronegativity: ${message}`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { dir: undefined, electronVersion: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? fail(2, `${name} needs a value`);
    if (name === '--dir') opts.dir = path.resolve(value());
    else if (name === '--electron-version') opts.electronVersion = value();
    else if (name === '--help' || name === '-h') {
      console.log('usage: node test/tools/electronegativity/run.mjs [--dir DIR] [--electron-version X.Y.Z]');
      process.exit(0);
    } else fail(2, `unknown argument ${arg} (try --help)`);
  }
  return opts;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** npm ci into this folder when electronegativity is missing or not the pinned version. */
function ensureInstalled() {
  const pinned = readJson(path.join(toolDir, 'package.json')).dependencies['@doyensec/electronegativity'];
  const installed = readJson(path.join(toolDir, 'node_modules', '@doyensec', 'electronegativity', 'package.json'));
  if (installed?.version === pinned && fs.existsSync(path.join(toolDir, 'node_modules', '@babel', 'parser', 'package.json'))) return;
  const prefix = show(toolDir);
  console.log(
    `electronegativity: ${installed ? `found ${installed.version}, want ${pinned}` : 'not installed'}; running npm ci --prefix ${prefix}`,
  );
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--prefix', prefix], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) fail(2, `npm ci --prefix ${prefix} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/** The Electron version whose defaults the checks assume (unknown = 0.1.0, the least safe). */
function electronVersionFor(scanRoot, override) {
  if (override) return override;
  for (const root of [scanRoot, projectRoot]) {
    const pkg = readJson(path.join(root, 'package.json'));
    const range = pkg?.dependencies?.electron ?? pkg?.devDependencies?.electron;
    const version = range?.match(/\d+\.\d+\.\d+/)?.[0];
    if (version) return version;
    const installed = readJson(path.join(root, 'node_modules', 'electron', 'package.json'))?.version;
    if (installed) return installed;
  }
  console.warn('electronegativity: Electron version not found; checks assume the oldest defaults');
  return undefined;
}

/** Copies the sources into tmp; returns [{ copy, original }] with original relative to scanRoot. */
function copySources(scanRoot, sourceDirs, tmp) {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && SOURCE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
        const original = path.relative(scanRoot, full);
        const ext = path.extname(original);
        const copy = path.join(tmp, original.slice(0, original.length - ext.length) + SOURCE_EXTENSIONS.get(ext.toLowerCase()));
        fs.mkdirSync(path.dirname(copy), { recursive: true });
        fs.copyFileSync(full, copy);
        files.push({ copy, original: original.split(path.sep).join('/') });
      }
    }
  };
  for (const dir of sourceDirs) walk(dir);
  return files;
}

/**
 * The options probe. electronegativity only judges an object literal written inside
 * `new BrowserWindow(...)`; Concordat builds it in a function. For every object literal with a
 * `webPreferences` key elsewhere, write `new BrowserWindow(<that literal>)` into PROBE_FILE, and
 * note which name holds it (enclosing function or const). Returns the probe's line map and the
 * `new BrowserWindow(name(...))` / `new BrowserWindow(name)` call sites whose options it covers.
 */
function probeWindowOptions(files, tmp, babelParser) {
  const blocks = []; // { probeLine, original, line }
  const holders = new Map(); // name -> "file:line" of its literal
  const callSites = []; // { original, line, name }
  let probe = '// Generated by run.mjs: BrowserWindow options literals, checked as if passed inline.\n';
  for (const file of files) {
    if (!/\.[jt]sx?$/.test(file.copy)) continue;
    const code = fs.readFileSync(file.copy, 'utf8');
    let ast;
    try {
      const plugins = [
        ...(/\.tsx?$/.test(file.copy) ? ['typescript'] : []),
        ...(/x$/.test(file.copy) ? ['jsx'] : []),
        'decorators-legacy',
        ...PARSER_PLUGINS,
      ];
      ast = babelParser.parse(code, { sourceType: 'unambiguous', plugins });
    } catch {
      continue; // electronegativity reports the parse error itself
    }
    const isWindowCtor = (n) =>
      n?.type === 'NewExpression' && n.callee.type === 'Identifier' && ['BrowserWindow', 'BrowserView'].includes(n.callee.name);
    // Names through which a literal reaches `new BrowserWindow(name)` or `new BrowserWindow(name(...))`:
    // a const initialised with it (through `as`/`satisfies`), and the nearest enclosing function.
    const holderNames = (stack, literal) => {
      const names = [];
      let inner = literal;
      for (let i = stack.length - 1; i >= 0; i--) {
        const n = stack[i];
        if (
          ['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'ParenthesizedExpression'].includes(n.type) &&
          n.expression === inner
        ) {
          inner = n;
          continue;
        }
        if (n.type === 'VariableDeclarator' && n.init === inner && n.id.type === 'Identifier') names.push(n.id.name);
        if (n.type === 'FunctionDeclaration' && n.id) return [...names, n.id.name];
        if ((n.type === 'ClassMethod' || n.type === 'ObjectMethod') && n.key.type === 'Identifier') return [...names, n.key.name];
        if (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression') {
          const decl = stack[i - 1];
          return decl?.type === 'VariableDeclarator' && decl.init === n && decl.id.type === 'Identifier' ? [...names, decl.id.name] : names;
        }
        inner = undefined; // only direct initialisers count for consts
      }
      return names;
    };
    const visit = (node, stack) => {
      if (!node || typeof node.type !== 'string') return;
      const parent = stack[stack.length - 1];
      if (isWindowCtor(node)) {
        const arg = node.arguments[0];
        const name =
          arg?.type === 'Identifier'
            ? arg.name
            : arg?.type === 'CallExpression' && arg.callee.type === 'Identifier'
              ? arg.callee.name
              : undefined;
        if (name) callSites.push({ original: file.original, line: node.loc.start.line, name });
      }
      if (
        node.type === 'ObjectExpression' &&
        !(isWindowCtor(parent) && parent.arguments[0] === node) &&
        node.properties.some((p) => p.type === 'ObjectProperty' && !p.computed && (p.key.name ?? p.key.value) === 'webPreferences')
      ) {
        blocks.push({ probeLine: probe.split('\n').length, original: file.original, line: node.loc.start.line });
        probe += `new BrowserWindow(${code.slice(node.start, node.end)});\n`;
        for (const name of holderNames(stack, node)) holders.set(name, `${file.original}:${node.loc.start.line}`);
      }
      stack.push(node);
      for (const [key, value] of Object.entries(node)) {
        if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
        if (Array.isArray(value)) value.forEach((v) => visit(v, stack));
        else if (value && typeof value === 'object') visit(value, stack);
      }
      stack.pop();
    };
    visit(ast.program, []);
  }
  if (blocks.length > 0) fs.writeFileSync(path.join(tmp, PROBE_FILE), probe);
  const covered = callSites.filter((c) => holders.has(c.name)).map((c) => ({ ...c, checkedAt: holders.get(c.name) }));
  const mapProbeLine = (line) => {
    const block = blocks.filter((b) => b.probeLine <= line).at(-1);
    return block ? { original: block.original, line: block.line + (line - block.probeLine) } : { original: PROBE_FILE, line };
  };
  return { covered, mapProbeLine };
}

function pad(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => String(c).padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const scanRoot = opts.dir ?? projectRoot;
  if (!fs.existsSync(scanRoot)) fail(2, `${scanRoot} does not exist`);
  const defaults = ['electron/main', 'electron/preload'].map((d) => path.join(scanRoot, d));
  const sourceDirs = defaults.filter((d) => fs.existsSync(d));
  if (sourceDirs.length === 0) {
    if (!opts.dir) fail(2, 'neither electron/main nor electron/preload exists');
    sourceDirs.push(scanRoot);
  }
  for (const d of defaults)
    if (!opts.dir && !fs.existsSync(d)) console.warn(`electronegativity: ${path.relative(scanRoot, d)} not found, not scanned`);

  ensureInstalled();
  const require = createRequire(path.join(toolDir, 'package.json'));
  const babelParser = require('@babel/parser');
  const electronVersion = electronVersionFor(scanRoot, opts.electronVersion);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-electronegativity-'));
  let result;
  let files;
  let probe;
  try {
    files = copySources(scanRoot, sourceDirs, tmp);
    if (files.length === 0) throw new Error(`no sources found in ${sourceDirs.map(show).join(', ')}`);
    probe = probeWindowOptions(files, tmp, babelParser);

    // Its messages come from i18n, which also tries to download translations for $LANG (1 s
    // timeout; this machine has no route to them): ask for en-US and drop that one notice.
    process.env.LANG = 'en-US';
    const run = require('@doyensec/electronegativity');
    const log = console.log;
    console.log = (...args) => {
      if (!String(args[0]).startsWith('Could not retrieve updated translations')) log(...args);
    };
    try {
      result = await run(
        {
          input: tmp,
          customScan: [],
          excludeFromScan: NOT_RUN.map((c) => c.toLowerCase()),
          electronVersionOverride: electronVersion,
          parserPlugins: PARSER_PLUGINS,
          isRelative: false,
        },
        false,
      );
    } finally {
      console.log = log;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const byCopy = new Map(files.map((f) => [f.copy, f.original]));
  const locate = (file, line) => {
    if (file === 'N/A' || file === undefined) return { original: '(global)', line: 0 };
    if (path.basename(file) === PROBE_FILE) return probe.mapProbeLine(line);
    return { original: byCopy.get(file) ?? path.relative(tmp, file), line };
  };

  const errors = result.errors.filter((e) => !e.tolerable);
  for (const e of result.errors) {
    const where = locate(e.file, 0).original;
    console.error(`electronegativity: ${e.tolerable ? 'warning' : 'error'}: could not fully parse ${where}: ${e.message}`);
  }
  if (errors.length > 0) console.error('  (TypeScript parse failures: write `x as T` rather than `<T>x`; see README.md)');

  const findings = result.issues.map((issue) => {
    const { original, line } = locate(issue.file, issue.location?.line ?? 0);
    const finding = {
      id: issue.id,
      severity: issue.severity.name,
      value: issue.severity.value,
      confidence: issue.confidence.name,
      file: original,
      line,
      sample: issue.sample,
      description: issue.description,
    };
    const coveredBy = WINDOW_OPTION_CHECKS.has(issue.id) && probe.covered.find((c) => c.original === original && c.line === line);
    const disabled = DISABLED_CHECKS.find((d) => d.id === issue.id && (!d.where || d.where(finding)));
    finding.status = coveredBy
      ? 'probed'
      : disabled
        ? 'disabled'
        : issue.severity.value >= SEVERITY_FAIL || issue.severity.name === 'CRITICAL'
          ? 'FAIL'
          : 'info';
    finding.note = coveredBy ? `options checked at ${coveredBy.checkedAt}` : disabled ? disabled.why : '';
    return finding;
  });

  const failing = findings.filter((f) => f.status === 'FAIL');
  const informational = findings.filter((f) => f.status === 'info');
  const disabled = findings.filter((f) => f.status === 'disabled');
  const probed = findings.filter((f) => f.status === 'probed');
  const bySeverity = (a, b) => b.value - a.value || a.file.localeCompare(b.file) || a.line - b.line;
  const shown = [...failing.sort(bySeverity), ...disabled.sort(bySeverity), ...informational.sort(bySeverity)];
  if (shown.length > 0) {
    const rows = [['status', 'check', 'severity', 'confidence', 'location', 'note']];
    for (const f of shown)
      rows.push([
        f.status,
        f.id,
        f.severity,
        f.confidence,
        f.line ? `${f.file}:${f.line}` : f.file,
        f.status === 'FAIL' ? f.description : f.note || f.description,
      ]);
    console.log(pad(rows));
  }
  for (const site of probe.covered) {
    if (probed.some((f) => f.file === site.original && f.line === site.line)) {
      console.log(`note: ${site.original}:${site.line} new BrowserWindow(${site.name}...): its options are checked at ${site.checkedAt}`);
    }
  }

  const summary = `electronegativity: ${files.length} files, ${failing.length} findings of medium or higher severity (${informational.length} informational, ${disabled.length} in disabled checks)`;
  console.log(summary);
  if (errors.length > 0) fail(2, `${errors.length} file(s) could not be analysed; the scan is incomplete`);
  process.exit(failing.length > 0 ? 1 : 0);
}

main().catch((error) => fail(2, error?.message?.startsWith('no sources') ? error.message : (error?.stack ?? String(error))));
