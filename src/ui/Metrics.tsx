// Automatic metrics of a model against real clips, next to a repeated-first-frame baseline and the real
// clips' own numbers (src/eval/metrics.ts): flicker, high frequency, Fréchet distance, mask agreement and stillness.
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
        Each number beside the real clips' own. <b>Flicker</b> (mean change from one frame to the next) and <b>high frequency</b> (mean
        difference of neighbouring pixels): better is closer to the real clips' row; above it means flicker or grain, below it too little
        motion or blur. <b>Fréchet distance</b> between real and generated clips in the features of a fixed network: lower is better. On
        data whose true moving-object masks are known (shapes, moving-mnist): <b>mask IoU</b> (higher is better) and <b>MAE</b> (lower is
        better) against the true masks, for future models, which continue a real clip; <b>mask coverage</b>, the share of pixels the mask
        marks as moving (closer to the real clips' share is better); and <b>background stillness</b>, the temporal standard deviation of the
        background (lower is better, 0 = perfectly still; the real clips' own value is the noise of their JPEG coding). The baseline repeats
        real clips' first frames: for a future model, those of the clips it continues, and its mask is that frame's true mask, held still
        (objects that stay where they are); for an unconditional model, whose samples pair with no real clip, those of other real clips. The
        real clips' Fréchet distance is that of those other clips: the lowest to expect at this number of clips (it shrinks as clips grow).
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
        <button
          type="button"
          disabled={!source || busy !== null}
          onClick={() => source && send({ type: 'metrics', job: { source, dataset, clips, features, seed: 1 } })}
        >
          Score
        </button>
      </div>
      <ResearchStatus job="metrics" />
      {metrics && (
        <>
          <table className="study-table" data-testid="metrics-table">
            <thead>
              <tr>
                <th></th>
                <th title="closer to the real clips is better">flicker</th>
                <th title="closer to the real clips is better">high frequency</th>
                <th title="lower is better">Fréchet distance</th>
                <th title="higher is better">mask IoU</th>
                <th title="lower is better">mask MAE</th>
                <th title="closer to the real clips is better">mask coverage</th>
                <th title="lower is better">background stillness</th>
              </tr>
            </thead>
            <tbody>
              {metrics.rows.map((r) => (
                <tr key={r.name}>
                  <td>{r.name}</td>
                  <td>{show(r.flicker, 4)}</td>
                  <td>{show(r.highFrequency, 4)}</td>
                  <td>{show(r.frechet, 4)}</td>
                  <td>{show(r.maskIoU, 3)}</td>
                  <td>{show(r.maskMAE, 3)}</td>
                  <td>{show(r.maskCoverage, 3)}</td>
                  <td>{show(r.stillness, 4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            {metrics.clips} clips
            {metrics.heldOut > 0 && `, and ${metrics.heldOut} others for the baseline and the real clips' Fréchet distance`}; features of{' '}
            {metrics.features}. Mask agreement needs a future model on data with true masks.
          </p>
        </>
      )}
    </section>
  );
}
