import { useId, useState, type FormEvent } from 'react';
import type { Outcome } from '../../stores/cases.store';
import { ReasonField } from './ReasonField';
import { useChange } from './useChange';

/** "Withdraw…": nothing in a case is deleted; it is withdrawn with a reason, which the audit trail keeps. */
export function WithdrawForm<T>({
  what,
  withdraw,
  reload,
  explanation,
}: {
  what: string;
  withdraw: (reason: string) => Promise<Outcome<T>>;
  reload: () => Promise<void>;
  explanation: string;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const { run, busy, notice } = useChange(reload);
  const id = useId();
  if (!open)
    return (
      <button type="button" className="withdraw-button" onClick={() => setOpen(true)}>
        Withdraw {what}…
      </button>
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setError('The reason is required.');
    setError(undefined);
    const done = await run(() => withdraw(reason));
    if (done) setOpen(false);
  };
  return (
    <form className="withdraw-form" aria-label={`Withdraw ${what}`} onSubmit={(e) => void submit(e)} noValidate>
      <p className="muted small">{explanation}</p>
      {notice}
      <ReasonField id={id} label={`Reason for withdrawing ${what}`} reason={reason} error={error} onChange={setReason} />
      <div className="actions">
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" className="danger" disabled={busy}>
          Withdraw
        </button>
      </div>
    </form>
  );
}
