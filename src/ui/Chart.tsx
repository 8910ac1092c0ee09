// A small SVG line chart: one or more series, autoscaled, over the training iterations where the series say
// which iteration each value belongs to (else over their index), optionally smoothed.
import { smooth } from './smooth';

export interface Series {
  label: string;
  color: string;
  values: number[];
  /** The iteration of each value; without it, values are spread evenly. */
  x?: number[];
}

const W = 280;
const H = 110;
const PAD = 4;
/** Room under the plot for the iteration axis. */
const AXIS = 14;

/** `hint` says what the chart shows and which way is better; `smoothing` the running average's weight (src/ui/smooth.ts). */
export function Chart({ title, series, hint, smoothing = 0 }: { title: string; series: Series[]; hint?: string; smoothing?: number }) {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const span = hi - lo || 1;
  const xs = series.map((s) => s.x ?? s.values.map((_, i) => i));
  const hasAxis = series.some((s) => s.x);
  const flat = xs.flat();
  const x0 = flat.length ? Math.min(...flat) : 0;
  const x1 = flat.length ? Math.max(...flat) : 1;
  const height = hasAxis ? H + AXIS : H;
  const x = (v: number) => PAD + ((v - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - ((v - lo) / span) * (H - 2 * PAD);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const line = (values: number[], k: number) =>
    values.map((v, i) => `${x(xs[k][i]).toFixed(1)},${y(Number.isFinite(v) ? v : lo).toFixed(1)}`).join(' ');
  return (
    <figure className="chart" data-testid={`chart-${title}`} data-points={series[0]?.values.length ?? 0} title={hint}>
      <figcaption>
        {title}{' '}
        {series.map((s) => (
          <span key={s.label} style={{ color: s.color }}>
            {s.label} {s.values.length ? fmt(s.values[s.values.length - 1]) : '–'}{' '}
          </span>
        ))}
      </figcaption>
      <svg width={W} height={height} role="img" aria-label={title}>
        <rect x={0} y={0} width={W} height={H} fill="#fff" stroke="#ddd" />
        {series.map((s, k) => (
          <g key={s.label}>
            {/* The raw values stay faint behind their running average. */}
            {smoothing > 0 && <polyline fill="none" stroke={s.color} strokeOpacity={0.25} strokeWidth={1} points={line(s.values, k)} />}
            <polyline fill="none" stroke={s.color} strokeWidth={1.5} points={line(smooth(s.values, smoothing), k)} />
          </g>
        ))}
        <text x={W - PAD} y={12} textAnchor="end" fontSize={10} fill="#888">
          {fmt(hi)}
        </text>
        <text x={W - PAD} y={H - 6} textAnchor="end" fontSize={10} fill="#888">
          {fmt(lo)}
        </text>
        {hasAxis && (
          <g fontSize={10} fill="#888" data-testid="iteration-axis">
            <text x={PAD} y={H + AXIS - 3}>
              {x0}
            </text>
            <text x={W / 2} y={H + AXIS - 3} textAnchor="middle">
              iteration
            </text>
            <text x={W - PAD} y={H + AXIS - 3} textAnchor="end">
              {x1}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}
