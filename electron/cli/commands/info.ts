import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import type { AppInfo } from '../../../shared/contract/app';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the version, data directory and database schema',
  usage: 'concordat info [--data-dir D] [--json]',
  async run(args) {
    const { values } = parseCommandArgs(args, {});
    const out = createOutput(values.json);
    return withBackend(values['data-dir'], out, async (backend) => {
      const info = (await backend.call('app.info', {})) as AppInfo;
      out.result(info, () =>
        [
          `Concordat ${info.version}`,
          `Data directory: ${info.dataDir}`,
          `Schema version: ${info.schemaVersion}`,
          `SQLite: ${info.sqliteVersion}`,
        ].join('\n'),
      );
      return 0;
    });
  },
};
