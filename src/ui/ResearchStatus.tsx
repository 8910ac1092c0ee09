// A research job's progress bar and error, shown under the panel that started it.
import { ProgressBar } from './ProgressBar';
import { useResearch, type Job } from './research-store';

export function ResearchStatus({ job }: { job: Job }) {
  const { busy, last, progress, error } = useResearch();
  if (busy !== job)
    return error && last === job ? (
      <p role="alert" className="error">
        {error}
      </p>
    ) : null;
  return (
    <p>
      <ProgressBar label={progress?.label ?? 'Starting…'} done={progress?.done ?? 0} total={progress?.total ?? 0} />
    </p>
  );
}
