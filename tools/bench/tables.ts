// The kernel benchmark's markdown tables, as docs/kernels.md shows them.
import type { LayerRow } from './layers';
import type { Timing } from './measure';
import type { Profile } from './profile';
import type { TrainRow } from './training';

const fmt = (t: Timing | null) => (t ? t.gflops.toFixed(2) : '–');
const ratio = (a: Timing | null, b: Timing | null) => (a && b ? `${(a.gflops / b.gflops).toFixed(1)}×` : '–');
const pct = (a: Timing | null, b: Timing | null) => (a && b ? `${Math.round((100 * a.gflops) / b.gflops)}%` : '–');

/** One kernel's row of layerTable (printed alone as each measurement finishes). */
export const layerLine = (r: LayerRow) =>
  `| ${r.layer} | ${r.kernel} (${r.role}) | ${r.gemm.join('×')} | ${r.gflop.toFixed(3)} | ${fmt(r.ours)} | ${fmt(r.tfjs)} | ${fmt(r.gemmCeiling)} | ${ratio(r.ours, r.tfjs)} | ${pct(r.ours, r.gemmCeiling)} |`;

export function layerTable(rows: LayerRow[]): string {
  const head = '| layer | kernel (role) | GEMM M×N×K | GFLOP | ours GFLOP/s | tfjs GFLOP/s | GEMM GFLOP/s | ours/tfjs | ours/GEMM |';
  const sep = '|---|---|---|---:|---:|---:|---:|---:|---:|';
  return [head, sep, ...rows.map(layerLine)].join('\n');
}

export function profileTable(p: Profile, batch: number): string {
  const total = p.rows.reduce((a, r) => a + r.gpuMs, 0);
  const shown = p.rows.filter((r) => r.gpuMs >= total / 200);
  const calls = p.rows.reduce((a, r) => a + r.calls, 0);
  return [
    `${p.preset}, batch ${batch}: one iteration ${p.seconds.toFixed(2)} s wall, ${calls} kernel calls, ${(total / 1000).toFixed(2)} s of GPU time`,
    '',
    '| kernel | calls | GPU ms | share |',
    '|---|---:|---:|---:|',
    ...shown.map((r) => `| ${r.kernel} | ${r.calls} | ${r.gpuMs.toFixed(1)} | ${((100 * r.gpuMs) / total).toFixed(1)}% |`),
    `| (${p.rows.length - shown.length} others, each under 0.5%) | ${calls - shown.reduce((a, r) => a + r.calls, 0)} | ${(total - shown.reduce((a, r) => a + r.gpuMs, 0)).toFixed(1)} | |`,
  ].join('\n');
}

const secs = (v: number | null) => (v === null ? '–' : v.toFixed(2));
const speedup = (a: number | null, b: number | null) => (a && b ? `${(b / a).toFixed(1)}×` : '–');

/** Rows of seconds, shown in `unit` (seconds × `scale`). */
export function trainTable(rows: TrainRow[], what = 'preset', unit = 's/it', scale = 1): string {
  const v = (x: number | null) => secs(x === null ? null : x * scale);
  const head = `| ${what} | batch | ours ${unit} | tfjs kernels ${unit} | cpu ${unit} | ours vs tfjs | ours vs cpu | first: ours / tfjs / cpu (${unit.split('/')[0]}) |`;
  const sep = '|---|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.preset} | ${r.batch} | ${v(r.perIteration.ours)} | ${v(r.perIteration.tfjs)} | ${v(r.perIteration.cpu)} | ${speedup(r.perIteration.ours, r.perIteration.tfjs)} | ${speedup(r.perIteration.ours, r.perIteration.cpu)} | ${v(r.first.ours)} / ${v(r.first.tfjs)} / ${v(r.first.cpu)} |`,
  );
  return [head, sep, ...lines].join('\n');
}
