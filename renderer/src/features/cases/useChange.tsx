import { useState, type ReactNode } from 'react';
import type { Failure, Outcome } from '../../stores/cases.store';
import { FailureNotice } from './FailureNotice';

/**
 * One change a form makes: busy while it runs, the refusal (with Reload on a version conflict)
 * or a confirmation after it. What the form holds is the form's own state, never cleared here.
 */
export function useChange(reload?: () => Promise<void>): {
  run: <T>(call: () => Promise<Outcome<T>>, done?: string) => Promise<T | undefined>;
  busy: boolean;
  failure: Failure | undefined;
  notice: ReactNode;
} {
  const [failure, setFailure] = useState<Failure>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async <T,>(call: () => Promise<Outcome<T>>, done?: string): Promise<T | undefined> => {
    setBusy(true);
    setFailure(undefined);
    setStatus(undefined);
    const outcome = await call();
    setBusy(false);
    if (outcome.ok) {
      if (done) setStatus(done);
      return outcome.value;
    }
    setFailure(outcome);
    return undefined;
  };
  const onReload = reload
    ? () => {
        void reload().then(() => {
          setFailure(undefined);
          setStatus('Reloaded the latest version. What you typed is kept: check it against the change made elsewhere, then save again.');
        });
      }
    : undefined;
  const notice = (
    <>
      <FailureNotice failure={failure} onReload={onReload} />
      {status && (
        <p className="muted small" role="status">
          {status}
        </p>
      )}
    </>
  );
  return { run, busy, failure, notice };
}
