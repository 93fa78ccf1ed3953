import { ContractError } from '../../shared/contract/errors';
import { UsageError } from './args';
import type { Command } from './command';
import { bundleCommand } from './commands/bundle';
import { caseCommand } from './commands/case';
import { demoCommand } from './commands/demo';
import { exposureCommand } from './commands/exposure';
import { mouCommand } from './commands/mou';
import { feedCommand } from './commands/feed';
import { importCommand } from './commands/import';
import { infoCommand } from './commands/info';
import { issuesCommand } from './commands/issues';
import { keysCommand } from './commands/keys';
import { marginCommand } from './commands/margin';
import { stressCommand } from './commands/stress';
import { alertsCommand } from './commands/alerts';
import { protocolsCommand } from './commands/protocols';
import { releaseCommand } from './commands/release';
import { updateCommand } from './commands/update';
import { serveCommand } from './commands/serve';
import { snapshotsCommand } from './commands/snapshots';
import { startCommand } from './commands/start';
import { appVersion } from './paths';

const commands: readonly Command[] = [
  startCommand,
  serveCommand,
  importCommand,
  snapshotsCommand,
  issuesCommand,
  exposureCommand,
  mouCommand,
  caseCommand,
  bundleCommand,
  keysCommand,
  marginCommand,
  stressCommand,
  alertsCommand,
  protocolsCommand,
  feedCommand,
  releaseCommand,
  updateCommand,
  demoCommand,
  infoCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Concordat ${appVersion}: supervisory workstation for cross-border crypto-asset derivatives`,
    '',
    'Usage: concordat <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --data-dir D (default: the desktop app\u2019s data folder, or $CONCORDAT_DATA_DIR)',
    'and --json (machine-readable output on stdout). `concordat <command> --help` shows its options.',
  ].join('\n');
}

/** Runs the CLI; resolves to the process exit code. */
/** Output piped into a program that stops reading (`| head`) ends the command quietly, as Unix tools do. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${appVersion}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${overview()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (error instanceof ContractError) {
      process.stderr.write(`${error.message}\n`);
      return error.code === 'CANCELLED' ? 130 : 1;
    }
    process.stderr.write(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
