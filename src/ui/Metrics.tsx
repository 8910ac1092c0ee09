// Automatic metrics of a model against real clips, next to a repeated-first-frame baseline
// (src/eval/metrics.ts): Fréchet distance in a fixed network's features, mask agreement and stillness.
import { useState } from 'react';
import type { MetricsJob, ModelSource } from '../eval/research-protocol';
import type { ShippedDataset } from '../data/datasets';
import { ShippedDatasetOptions } from './DatasetOptions';
import { ModelSourcePicker } from './ModelSource';
import { ResearchStatus } from './ResearchStatus';
import { useResearch } from './research-store';

const show = (v: number | null, digits: number) => (v === null || Number.isNaN(v) ? '–' : v.toFixed(digits));

export function Metrics() {
  const { busy, metrics, send } = useResearch();
  const [source, setSource] = useState<ModelSource | null>(null);
  const [dataset, setDataset] = useState<ShippedDataset>('shapes');
  const [clips, setClips] = useState(64);
  const [features, setFeatures] = useState<MetricsJob['features']>('random');
  return (
    <section aria-label="metrics" className="research">
      <h2>Automatic metrics</h2>
      <p className="hint">
        Fréchet distance between real and generated clips in the features of a fixed network (lower is closer); on data whose true
        moving-object masks are known (shapes, moving-mnist), the agreement of the learnt mask with them (future models, which continue
        a real clip), the share of pixels the mask marks as moving, and how still the background is (temporal standard
        deviation, 0 = perfectly still; the real clips' own value is the noise of their JPEG coding). The baseline repeats
        each real clip's first frame.
      </p>
      <div className="row">
        <ModelSourcePicker onChange={setSource} />
        <label>
          real clips{' '}
          <select value={dataset} onChange={(e) => setDataset(e.target.value as ShippedDataset)}>
            <ShippedDatasetOptions />
          </select>
        </label>
        <label>
          clips <input type="number" min={2} value={clips} onChange={(e) => setClips(Number(e.target.value))} style={{ width: '4.5rem' }} />
        </label>
        <label>
          features{' '}
          <select value={features} onChange={(e) => setFeatures(e.target.value as MetricsJob['features'])}>
            <option value="random">fixed random network</option>
            <option value="discriminator">the model's discriminator</option>
          </select>
        </label>
        <button disabled={!source || busy !== null} onClick={() => source && send({ type: 'metrics', job: { source, dataset, clips, features, seed: 1 } })}>
          Score
        </button>
      </div>
      <ResearchStatus job="metrics" />
      {metrics && (
        <>
          <table className="study-table" data-testid="metrics-table">
            <thead>
              <tr><th></th><th>Fréchet distance</th><th>mask IoU</th><th>mask MAE</th><th>mask coverage</th><th>background stillness</th></tr>
            </thead>
            <tbody>
              {metrics.rows.map((r) => (
                <tr key={r.name}><td>{r.name}</td><td>{show(r.frechet, 4)}</td><td>{show(r.maskIoU, 3)}</td><td>{show(r.maskMAE, 3)}</td><td>{show(r.maskCoverage, 3)}</td><td>{show(r.stillness, 4)}</td></tr>
              ))}
            </tbody>
          </table>
          <p className="hint">{metrics.clips} clips; features of {metrics.features}. Mask agreement needs a future model on data with true masks.</p>
        </>
      )}
    </section>
  );
}
