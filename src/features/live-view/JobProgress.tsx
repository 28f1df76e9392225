import { ProgressBar } from '../../ui/ProgressBar';
import { formatDuration } from '../../lib/format';
import { useStore } from '../../store';
import { jobEtaMs, type JobState } from '../../store/job-slice';

/** Step count, time left, and how the job ended. */
export function JobProgress() {
  const job = useStore((s) => s.job);
  const fraction = job.status === 'running' ? job.step / job.totalSteps : job.status === 'done' ? 1 : 0;
  return (
    <div className="job-progress" data-testid="job-progress" data-status={job.status}>
      <ProgressBar label="Generation progress" fraction={fraction} />
      <span className="job-progress__label">{label(job)}</span>
    </div>
  );
}

function label(job: JobState): string {
  switch (job.status) {
    case 'idle':
      return 'Ready when the pack is';
    case 'loading':
      return `Preparing · ${job.phase}`;
    case 'running': {
      const eta = jobEtaMs(job);
      return `Step ${job.step} of ${job.totalSteps}${eta === null ? '' : ` · ${formatDuration(eta)} left`}`;
    }
    case 'done':
      return `Done in ${formatDuration(job.totalMs)}`;
    case 'cancelled':
      return `Cancelled at step ${job.atStep}`;
    case 'error':
      return job.error.message;
  }
}
