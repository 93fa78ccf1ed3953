import { z } from 'zod';
import { method } from './method';

export interface AppInfo {
  name: 'Concordat';
  version: string;
  /** Where the backend runs: the Electron utility process, or the local server of browser mode. */
  mode: 'electron' | 'browser' | 'cli';
  dataDir: string;
  schemaVersion: number;
  sqliteVersion: string;
  /** True while the built-in demo data is being loaded on first start. */
  demoLoading: boolean;
}

export const appMethods = {
  'app.info': method<AppInfo>()(z.object({}).strict()),
};
