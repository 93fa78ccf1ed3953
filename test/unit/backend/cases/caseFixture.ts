import fs from 'node:fs';
import path from 'node:path';
import { Backend } from '../../../../electron/backend/backend';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import { generateDemoData } from '../../../../electron/backend/demo/generateDemo';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { tempDir } from '../../../helpers/tempDir';

/** A real backend on a real data directory with one small imported snapshot, called through the contract. */
export async function caseBackend(): Promise<{
  backend: Backend;
  dataDir: string;
  snapshotId: number;
  call: <T>(method: string, input: unknown) => Promise<T>;
}> {
  const dataDir = tempDir();
  const backend = await Backend.open({
    dataDir,
    mode: 'cli',
    version: '0.0.0-test',
    executor: inProcessExecutor,
    loadDemoOnFirstStart: false,
  });
  const files = tempDir();
  const demo = await generateDemoData({ trades: 600, seed: 7, outDir: files });
  const { snapshotId } = await importSnapshot(backend.db, {
    files: Object.values(demo.files),
    sourceName: 'Case TR',
    regime: 'EMIR',
    asOfDate: '2026-06-30',
  });
  const call = <T>(method: string, input: unknown) => backend.call(method, input) as Promise<T>;
  return { backend, dataDir, snapshotId, call };
}

export function writeFile(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}
