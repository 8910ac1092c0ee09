// The mix grid: every row keeps one sample's background, every column one sample's foreground and mask.
// What stays along a row is content, what stays down a column is motion; the diagonal is the samples.
import { useMemo, useState } from 'react';
import { mixClips } from './mix';
import { usePlayground } from './store';
import { VideoCanvas } from './VideoCanvas';

const SIZES = [2, 3, 4, 6, 8];

export function Mix() {
  const samples = usePlayground((s) => s.samples);
  const kind = usePlayground((s) => s.settings.kind);
  const [n, setN] = useState(4);
  const used = useMemo(() => samples.slice(0, n), [samples, n]);
  const cells = useMemo(() => used.map((b) => used.map((m) => mixClips(b, m))), [used]);
  if (samples.length === 0) return null;
  return (
    <section aria-label="mix" className="mix">
      <h2>Mix: backgrounds against foregrounds</h2>
      {cells[0]?.[0] ? (
        <>
          <p className="hint">
            Row i keeps sample i's background b; column j takes sample j's foreground f and mask m; each cell is m·f + (1−m)·b. The diagonal
            is the samples themselves.
            {kind === 'future' && " Here each background was drawn from its own clip's first frame."}
          </p>
          <label>
            samples{' '}
            <select value={n} onChange={(e) => setN(Number(e.target.value))}>
              {SIZES.filter((k) => k <= samples.length).map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <div className="mix-scroll">
            <table className="mix-grid">
              <thead>
                <tr>
                  <th>b ╲ f, m</th>
                  {used.map((s, j) => (
                    <th key={j}>
                      <VideoCanvas clip={s.foreground!} label={`mix foreground ${j}`} scale={2} />
                      <VideoCanvas clip={s.mask!} label={`mix mask ${j}`} scale={2} />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {used.map((s, i) => (
                  <tr key={i}>
                    <th>
                      <VideoCanvas clip={s.background!} label={`mix background ${i}`} scale={2} />
                    </th>
                    {cells[i].map((clip, j) => (
                      <td key={j}>
                        <VideoCanvas clip={clip!} label={`mix ${i} ${j}`} scale={3} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <p className="hint" data-testid="mix-none">
          The one-stream generator draws each video whole: it has no background, foreground or mask to mix. Choose the two-stream generator
          to see content and motion apart.
        </p>
      )}
    </section>
  );
}
