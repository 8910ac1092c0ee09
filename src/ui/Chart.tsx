// A small SVG line chart: one or more series over the training iterations, autoscaled.
export interface Series {
  label: string;
  color: string;
  values: number[];
}

const W = 280;
const H = 110;
const PAD = 4;

/** `hint` says what the chart shows and which way is better. */
export function Chart({ title, series, hint }: { title: string; series: Series[]; hint?: string }) {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const span = hi - lo || 1;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i: number) => PAD + (i / (n - 1)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - ((v - lo) / span) * (H - 2 * PAD);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
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
      <svg width={W} height={H} role="img" aria-label={title}>
        <rect x={0} y={0} width={W} height={H} fill="#fff" stroke="#ddd" />
        {series.map((s) => (
          <polyline
            key={s.label}
            fill="none"
            stroke={s.color}
            strokeWidth={1.5}
            points={s.values.map((v, i) => `${x(i).toFixed(1)},${y(Number.isFinite(v) ? v : lo).toFixed(1)}`).join(' ')}
          />
        ))}
        <text x={W - PAD} y={12} textAnchor="end" fontSize={10} fill="#888">
          {fmt(hi)}
        </text>
        <text x={W - PAD} y={H - 6} textAnchor="end" fontSize={10} fill="#888">
          {fmt(lo)}
        </text>
      </svg>
    </figure>
  );
}
