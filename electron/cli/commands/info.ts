import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { followDemoLoad, openBackend } from '../openBackend';
import { createOutput } from '../output';
import { resolveDataDir } from '../paths';
import type { AppInfo } from '../../../shared/contract/app';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the version, data directory and database schema',
  usage: 'concordat info [--data-dir D] [--json]',
  async run(args) {
    const { values } = parseCommandArgs(args, {});
    const out = createOutput(values.json);
    const backend = await openBackend(resolveDataDir(values['data-dir']), 'cli');
    try {
      await followDemoLoad(backend, out, true);
      const info = (await backend.call('app.info', {})) as AppInfo;
      out.result(info, () =>
        [`Concordat ${info.version}`, `Data directory: ${info.dataDir}`, `Schema version: ${info.schemaVersion}`, `SQLite: ${info.sqliteVersion}`].join('\n'),
      );
      return 0;
    } finally {
      await backend.close();
    }
  },
};
