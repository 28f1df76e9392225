import { useEffect } from 'react';
import type { PackSummary } from '../../../workers/protocol';
import { ProgressBar } from '../../ui/ProgressBar';
import { useStore } from '../../store';
import { jobLabel } from './job-label';

/** Packs (by their summary, replaced on every load) that have run a step: their shaders are compiled. */
const warmed = new WeakSet<PackSummary>();

/** Step count, time left, and how the job ended. */
export function JobProgress() {
  const job = useStore((s) => s.job);
  const pack = useStore((s) => s.pack);
  const summary = pack.status === 'done' ? pack.summary : null;
  const running = job.status === 'running';
  useEffect(() => {
    if (running && summary) warmed.add(summary);
  }, [running, summary]);
  const fraction = job.status === 'running' ? job.step / job.totalSteps : job.status === 'done' ? 1 : 0;
  const label = jobLabel(job, {
    pack: pack.status,
    ep: summary?.runtime.ep ?? null,
    firstJob: summary === null || !warmed.has(summary),
  });
  return (
    <div className="job-progress" data-testid="job-progress" data-status={job.status}>
      <ProgressBar label="Generation progress" fraction={fraction} />
      <span className="job-progress__label">{label}</span>
    </div>
  );
}
