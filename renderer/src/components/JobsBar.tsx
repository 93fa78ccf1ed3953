import { useAppStore } from '../stores/StoresContext';
import { jobTitles } from './jobTitles';

/** Progress of running jobs, each with a Cancel button; a failed job stays until dismissed. */
export function JobsBar() {
  const jobs = useAppStore((s) => s.jobs);
  const failed = useAppStore((s) => s.failedJob);
  const dismiss = useAppStore((s) => s.dismissFailedJob);
  const cancel = useAppStore((s) => s.cancelJob);
  const running = Object.values(jobs);
  if (running.length === 0 && !failed) return null;
  return (
    <div className="jobs" role="status" aria-live="polite">
      {running.map((job) => {
        const pct = job.total ? Math.min(100, Math.round((job.done / job.total) * 100)) : undefined;
        return (
          <div key={job.jobId} className="job" data-testid="job-progress">
            <span>{job.message}</span>
            <progress max={100} value={pct} aria-label={job.message} />
            {pct !== undefined && <span className="muted">{pct}%</span>}
            <button type="button" onClick={() => void cancel(job.jobId)}>
              Cancel
            </button>
          </div>
        );
      })}
      {failed && (
        <div className="job failed" role="alert">
          <span data-testid="job-failed">
            {jobTitles[failed.kind].title} did not finish: {failed.error?.message ?? 'no reason was given.'} {jobTitles[failed.kind].next}
          </span>
          <button type="button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
