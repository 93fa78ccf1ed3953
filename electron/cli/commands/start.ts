import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { ensureElectronSqliteBinding, findElectronBinary } from '../electronRuntime';
import { serveCommand } from './serve';
import { runsFromPortablePackage } from '../paths';

const projectRoot = path.join(__dirname, '..', '..');

/** Tries Electron's own installer once (it honours ELECTRON_MIRROR and electron_config_cache). */
function tryInstallElectron(): void {
  const installer = path.join(projectRoot, 'node_modules', 'electron', 'install.js');
  if (!fs.existsSync(installer)) return;
  spawnSync(process.execPath, [installer], { stdio: 'ignore', timeout: 120_000 });
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Open the desktop app, or browser mode where no Electron binary is available',
  usage: `concordat start [--data-dir D] [--port P]

Opens the Electron desktop app. Where no Electron binary can be found or downloaded,
says so and runs browser mode (as \`concordat serve\`) instead.`,
  async run(args) {
    const { values } = parseCommandArgs(args, { port: { type: 'string' }, browser: { type: 'boolean', default: false } });
    // The portable package is browser mode by design: it ships no Electron.
    if (runsFromPortablePackage()) return serveCommand.run(args.filter((a) => a !== '--browser'));
    let electron = values.browser ? undefined : findElectronBinary(projectRoot);
    if (!electron && !values.browser) {
      tryInstallElectron();
      electron = findElectronBinary(projectRoot);
    }
    const binding = electron ? ensureElectronSqliteBinding(projectRoot) : undefined;
    if (electron && binding) {
      const extra = values['data-dir'] ? [`--data-dir=${path.resolve(values['data-dir'])}`] : [];
      const child = spawn(electron, [projectRoot, ...extra], {
        stdio: 'inherit',
        env: { ...process.env, CONCORDAT_SQLITE_BINDING: binding },
      });
      return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
    }
    if (electron && !binding) {
      process.stderr.write('The desktop app cannot open its database without that build, so Concordat starts in browser mode.\n');
      return serveCommand.run(args.filter((a) => a !== '--browser'));
    }
    if (!values.browser) {
      process.stderr.write(
        'No Electron binary is available on this machine (it could not be downloaded), so Concordat starts in browser mode; ' +
          'to use the desktop app, supply one with ELECTRON_OVERRIDE_DIST_PATH=<folder with the electron binary>, ' +
          'or let `npm start` download it through ELECTRON_MIRROR=<mirror URL> or from a pre-filled cache named by electron_config_cache=<folder>.\n',
      );
    }
    return serveCommand.run(args.filter((a) => a !== '--browser'));
  },
};
