import { parseCommandArgs, positiveInt } from '../args';
import type { Command } from '../command';
import { followDemoLoad, followDrillRebuild, openBackend } from '../openBackend';
import { createOutput } from '../output';
import { rendererDir, resolveDataDir } from '../paths';
import { startServer } from '../../server/server';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run Concordat in browser mode on 127.0.0.1',
  usage: `concordat serve [--data-dir D] [--port P] [--json]

Starts the local server (127.0.0.1 only) and prints the URL to open, with a fresh
session token in its fragment. Stops on Ctrl-C.`,
  async run(args) {
    const { values } = parseCommandArgs(args, { port: { type: 'string' } });
    const out = createOutput(values.json);
    const port = values.port === undefined ? 0 : positiveInt('port', values.port);
    const dataDir = resolveDataDir(values['data-dir']);
    const backend = await openBackend(dataDir, 'browser');
    const server = await startServer({ backend, rendererDir, port });
    out.result({ url: server.url, port: server.port, dataDir }, () => `Concordat is running at ${server.url}`);
    void followDemoLoad(backend, out, false);
    void followDrillRebuild(backend, out);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    out.notice('Stopping Concordat…');
    await server.close();
    await backend.close();
    return 0;
  },
};
