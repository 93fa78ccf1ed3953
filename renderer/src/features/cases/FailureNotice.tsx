import type { Failure } from '../../stores/cases.store';

/**
 * Why a change was refused. A version conflict (someone changed it since it was read) offers to
 * reload it: the form stays as typed, so the change can be applied again to the fresh version.
 */
export function FailureNotice({ failure, onReload }: { failure: Failure | undefined; onReload?: () => void }) {
  if (!failure) return null;
  const conflict = failure.code === 'CONFLICT' && onReload;
  return (
    <p className="error small failure" role="alert" data-testid={conflict ? 'conflict' : 'failure'}>
      {failure.message}{' '}
      {conflict && (
        <button type="button" onClick={onReload}>
          Reload
        </button>
      )}
    </p>
  );
}
