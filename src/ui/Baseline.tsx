// The paper's baseline in the page: train the autoencoder on a dataset, fit the Gaussian mixture on its
// codes, and watch videos decoded from mixture samples; its files download and load again.
import { useEffect, useState } from 'react';
import { presetNames } from '../model/config';
import { AUTOENCODER_LEARNING_RATE } from '../eval/autoencoder-defaults';
import type { BaselineSettings } from '../eval/baseline-protocol';
import { isShipped } from '../data/datasets';
import { useBaseline } from './baseline-store';
import { WeightsFilesInput } from './WeightsFilesInput';
import { FileInput } from './FileInput';
import { ProgressBar } from './ProgressBar';
import { ShippedDatasetOptions } from './DatasetOptions';
import { Chart } from './Chart';
import { usePlayground } from './store';
import { VideoCanvas } from './VideoCanvas';

function NumberField({
  label,
  value,
  onChange,
  min,
  step,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  min: number;
  step?: number;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        value={value}
        min={min}
        step={step ?? 1}
        onChange={(e) => Number.isFinite(e.target.valueAsNumber) && onChange(e.target.valueAsNumber)}
      />
    </label>
  );
}

export function Baseline() {
  const b = useBaseline();
  const page = usePlayground((s) => s.settings);
  const [settings, setSettings] = useState<BaselineSettings>(() => ({
    dataset: isShipped(page.dataset) ? page.dataset : 'shapes',
    preset: page.preset,
    seed: page.seed,
    batchSize: page.batchSize,
    learningRate: AUTOENCODER_LEARNING_RATE,
  }));
  const [steps, setSteps] = useState(200);
  const [clips, setClips] = useState(512);
  const [components, setComponents] = useState(256);
  const [draws, setDraws] = useState(0);
  const [gmm, setGmm] = useState<File | undefined>();
  const patch = (p: Partial<BaselineSettings>) => setSettings({ ...settings, ...p });
  // A loaded file fixes the preset and the seed; training goes on with them.
  useEffect(() => {
    if (b.loaded) setSettings((s) => ({ ...s, ...b.loaded }));
  }, [b.loaded]);
  const current = settings;
  const sample = () => {
    b.send({ type: 'sample', count: 8, seed: current.seed * 1000 + draws });
    setDraws(draws + 1);
  };
  return (
    <section aria-label="autoencoder baseline" className="controls research">
      <h2>Baseline: autoencoder + Gaussian mixture</h2>
      <p className="hint">
        The paper's baseline (§4.1): an encoder like the discriminator ending in a code of zDim numbers (100 in the paper), the two-stream
        generator as decoder, trained on squared reconstruction error; then a mixture of (up to) 256 diagonal Gaussians fitted on the codes
        of the training clips. New videos are mixture samples sent through the decoder.
      </p>
      <div className="fields">
        <label>
          dataset
          <select value={current.dataset} onChange={(e) => patch({ dataset: e.target.value as BaselineSettings['dataset'] })}>
            <ShippedDatasetOptions />
          </select>
        </label>
        <label>
          preset
          <select value={current.preset} onChange={(e) => patch({ preset: e.target.value })}>
            {presetNames.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <NumberField label="seed" value={current.seed} min={0} onChange={(seed) => patch({ seed })} />
        <NumberField label="batch" value={current.batchSize} min={1} onChange={(batchSize) => patch({ batchSize })} />
        <NumberField
          label="learning rate"
          value={current.learningRate}
          min={1e-6}
          step={1e-4}
          onChange={(learningRate) => patch({ learningRate })}
        />
        <NumberField label="steps" value={steps} min={1} onChange={setSteps} />
      </div>
      <div className="buttons">
        {b.training ? (
          <button type="button" onClick={b.stop}>
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => b.send({ type: 'train', settings: current, steps })}>
            Train {steps} steps
          </button>
        )}{' '}
        <span data-testid="baseline-iteration">step {b.iteration}</span>
        {b.progress && <ProgressBar label="training steps" done={b.progress.done} total={b.progress.total} />}
        {b.backend && <span className="hint"> · {b.backend.name}</span>}
      </div>
      {b.losses.length > 0 && (
        <Chart title="reconstruction error (mean squared)" series={[{ label: 'L2', color: '#1f77b4', values: b.losses }]} />
      )}
      <div className="fields">
        <NumberField label="clips to encode" value={clips} min={1} onChange={setClips} />
        <NumberField label="components" value={components} min={1} onChange={setComponents} />
      </div>
      <div className="buttons">
        <button
          type="button"
          disabled={b.training || b.iteration === 0}
          onClick={() => b.send({ type: 'fit', settings: current, clips, components })}
        >
          Fit mixture
        </button>
        <button type="button" disabled={b.training || !b.fit} onClick={sample}>
          Sample 8 videos
        </button>
      </div>
      {b.fit && (
        <p data-testid="baseline-fit">
          {b.fit.components} components on {b.fit.codes} codes, {b.fit.iterations} EM iterations{b.fit.converged ? '' : ' (not converged)'},
          log-likelihood {b.fit.logLikelihood.toFixed(2)} per code. {b.fit.notes.join(' ')}
        </p>
      )}
      <div className="row">
        {b.samples.map((clip, i) => (
          <VideoCanvas key={i} clip={clip} label={`baseline sample ${i}`} scale={Math.max(1, Math.round(64 / clip.size))} />
        ))}
      </div>
      {b.error && (
        <p role="alert" className="error">
          {b.error}
        </p>
      )}
      <div className="weights">
        <button type="button" disabled={b.iteration === 0 && !b.loaded} onClick={() => b.send({ type: 'export' })}>
          Download baseline
        </button>
        <FileInput label="gmm.json (optional, first)" accept=".json,application/json" onFiles={(files) => setGmm(files[0])} />
        <WeightsFilesInput
          label="Load: model.json and its .bin files"
          onLoad={async (upload) => b.send({ type: 'import', ...upload, gmmJson: await gmm?.text() })}
          onError={(message) => useBaseline.setState({ error: message })}
        />
      </div>
    </section>
  );
}
