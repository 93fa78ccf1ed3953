import fs from 'node:fs';
import type { JobStarted } from '../../../shared/contract/jobs';
import type { ImportInput } from '../../../shared/contract/snapshots';
import { ContractError } from '../../../shared/contract/errors';
import type { ServiceContext } from '../context';
import { claimUploads, resolveUpload, sweepUploads } from '../uploads/uploadStore';
import type { ImportTaskParams } from '../jobs/tasks';

/**
 * The one answer browser mode gives to a file path, whether or not the path exists, so that a page cannot use
 * imports to read or probe the server's files. Paths stay a feature of the command line and the desktop dialogs.
 */
export function pathsRefusedInBrowserMode(): ContractError {
  return new ContractError(
    'FORBIDDEN',
    'In browser mode files are imported as uploads only ({ uploadId }, from "Import file…"); file paths are accepted only from the command line and the desktop app.',
  );
}

/** Starts `snapshots.import` as a job (in a worker thread): uploads and paths resolved first. */
export function startImport(ctx: ServiceContext, input: ImportInput): JobStarted {
  // The browser-mode server refuses paths before they reach the backend; this covers any other way in.
  if (input.files.some((f) => 'path' in f) && ctx.info().mode === 'browser') throw pathsRefusedInBrowserMode();
  const uploadIds: string[] = [];
  if (input.files.some((f) => 'uploadId' in f)) sweepUploads(ctx.dataDir);
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
  // The uploads stay until the job ends (its task removes them): no sweep may remove them while it reads them.
  const release = claimUploads(ctx.dataDir, uploadIds);
  try {
    const started = ctx.jobs.start('snapshots.import', 'snapshots.import', params);
    void ctx.jobs.wait(started.jobId).then(release, release);
    return started;
  } catch (error) {
    release();
    throw error;
  }
}
