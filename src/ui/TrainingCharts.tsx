// The training charts: losses, D's outputs, the mask, the samples' quality, speed and memory, each over the
// iterations, smoothed as the `smoothing` setting says.
import type { StepReport } from '../train/session';
import { QUALITY_EVERY } from '../train/protocol';
import { Chart, type Series } from './Chart';
import { usePlayground } from './store';

type ReportNumber = 'dLossReal' | 'dLossFake' | 'gAdversarial' | 'dReal' | 'dFake' | 'maskMean';

/** One number of the reports that carry it (D steps carry D's, G steps G's), at the iteration of each. */
function column(history: StepReport[], key: ReportNumber, label: string, color: string): Series {
  const rows = history.filter((r) => r[key] !== undefined);
  return { label, color, values: rows.map((r) => r[key]!), x: rows.map((r) => r.iteration) };
}

/** The samples' numbers divided by the real clips' (1 = like the real clips), and the score that sums their distance. */
function QualityCharts({ smoothing }: { smoothing: number }) {
  const quality = usePlayground((s) => s.quality);
  const ratio = (k: 'flicker' | 'highFrequency' | 'maskCoverage', label: string, color: string): Series => {
    const rows = quality.filter((m) => m.quality[k] !== undefined && m.real[k]);
    return { label, color, values: rows.map((m) => m.quality[k]! / m.real[k]!), x: rows.map((m) => m.iterations) };
  };
  return (
    <>
      <Chart
        title="quality ÷ real clips"
        smoothing={smoothing}
        hint={`Every ${QUALITY_EVERY} iterations, the samples' frame-to-frame change (flicker), neighbouring-pixel difference (grain) and mask coverage, each divided by the real clips' own: 1 is like the real clips, above it flicker, grain or too large a mask.`}
        series={[
          ratio('flicker', 'flicker', '#e377c2'),
          ratio('highFrequency', 'grain', '#17becf'),
          ratio('maskCoverage', 'mask', '#9467bd'),
        ]}
      />
      <Chart
        title="quality score"
        smoothing={smoothing}
        hint="The sum of |log| of the three ratios: 0 is the real clips', lower is better."
        series={[{ label: 'score', color: '#bcbd22', values: quality.map((m) => m.score), x: quality.map((m) => m.iterations) }]}
      />
    </>
  );
}

export function TrainingCharts() {
  const history = usePlayground((s) => s.history);
  const smoothing = usePlayground((s) => s.settings.smoothing);
  const iterations = history.filter((r) => r.kind === 'both');
  const at = (rows: StepReport[]) => rows.map((r) => r.iteration);
  return (
    <section aria-label="charts" className="charts">
      <Chart
        title="D loss"
        smoothing={smoothing}
        series={[column(history, 'dLossReal', 'real', '#1f77b4'), column(history, 'dLossFake', 'fake', '#d62728')]}
      />
      <Chart title="G loss" smoothing={smoothing} series={[column(history, 'gAdversarial', 'G', '#2ca02c')]} />
      <Chart
        title="D output"
        smoothing={smoothing}
        series={[column(history, 'dReal', 'D(x)', '#1f77b4'), column(history, 'dFake', 'D(G(z))', '#d62728')]}
      />
      <Chart title="mask mean" smoothing={smoothing} series={[column(history, 'maskMean', 'mean m', '#9467bd')]} />
      <QualityCharts smoothing={smoothing} />
      <Chart
        title="speed"
        smoothing={smoothing}
        series={[{ label: 'it/s', color: '#ff7f0e', values: iterations.map((r) => 1000 / r.ms), x: at(iterations) }]}
      />
      <Chart
        title="memory"
        series={[
          { label: 'tensors', color: '#8c564b', values: history.map((r) => r.numTensors), x: at(history) },
          { label: 'MiB', color: '#7f7f7f', values: history.map((r) => r.numBytes / 2 ** 20), x: at(history) },
        ]}
      />
    </section>
  );
}
