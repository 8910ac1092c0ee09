// A research job's progress bar and error, shown under the panel that started it.
import { useResearch, type Job } from './research-store';

export function ResearchStatus({ job }: { job: Job }) {
  const { busy, last, progress, error } = useResearch();
  if (busy !== job) return error && last === job ? <p role="alert" className="error">{error}</p> : null;
  return (
    <p>
      {progress?.label ?? 'Starting…'} <progress value={progress?.done ?? 0} max={progress?.total || 1} />
    </p>
  );
}
