import fs from 'node:fs';
import type { JobStarted } from '../../../shared/contract/jobs';
import type { ImportInput } from '../../../shared/contract/snapshots';
import { ContractError } from '../../../shared/contract/errors';
import type { ServiceContext } from '../service';
import { resolveUpload } from '../uploads/uploadStore';
import type { ImportTaskParams } from '../jobs/tasks';

/** Starts `snapshots.import` as a job (in a worker thread): uploads and paths resolved first. */
export function startImport(ctx: ServiceContext, input: ImportInput): JobStarted {
  const uploadIds: string[] = [];
  const files = input.files.map((f) => {
    if ('uploadId' in f) {
      uploadIds.push(f.uploadId);
      return resolveUpload(ctx.dataDir, f.uploadId);
    }
    if (!fs.existsSync(f.path) || !fs.statSync(f.path).isFile())
      throw new ContractError('NOT_FOUND', `${f.path} is not a file.`, { path: f.path });
    return f.path;
  });
  const params: ImportTaskParams = {
    dbFile: ctx.dbFile,
    dataDir: ctx.dataDir,
    files,
    uploadIds,
    request: {
      sourceName: input.sourceName,
      regime: input.regime,
      asOfDate: input.asOfDate,
      ...(input.trLei ? { trLei: input.trLei } : {}),
      ...(input.maxErrorRatio !== undefined ? { maxErrorRatio: input.maxErrorRatio } : {}),
    },
  };
  return ctx.jobs.start('snapshots.import', 'snapshots.import', params);
}
