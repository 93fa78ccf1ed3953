import { ContractError } from '../../shared/contract/errors';

/** Runs work that a first Ctrl-C (or SIGTERM) cancels cleanly; a second one exits at once. */
export async function withCancelOnSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nCancelling… (press Ctrl-C again to stop at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } catch (error) {
    // Work that stops with the platform's AbortError (demo generation, archive reading) was cancelled by the user:
    // said in one line like every other cancel, not as an unexpected error with a stack.
    if (controller.signal.aborted && error instanceof Error && error.name === 'AbortError')
      throw new ContractError('CANCELLED', 'Cancelled; nothing unfinished was kept.');
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
