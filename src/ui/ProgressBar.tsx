// A progress bar that a screen reader names and reads as a share: its label is shown beside it and is its
// accessible name (a bare <progress> is "progress bar, 40").
export function ProgressBar({ label, done, total }: { label: string; done: number; total: number }) {
  const max = total || 1;
  return (
    <span className="progress">
      {label} <progress aria-label={label} aria-valuetext={`${Math.round((100 * done) / max)}%`} value={done} max={max} />
    </span>
  );
}
