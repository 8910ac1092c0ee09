// The experiment's controls. A shared link can hide some (?hide=lrD,lrG) so a class works on the rest.
import { presetConfig, presetNames } from '../model/config';
import { modelCost } from '../model/cost';
import { DATASETS, numberBounds, type DatasetName, type Settings } from '../settings';
import { usePlayground } from './store';

const labels: Partial<Record<keyof Settings, string>> = {
  lrD: 'D learning rate',
  lrG: 'G learning rate',
  beta1: 'Adam β1',
  batchSize: 'batch size',
  maskLambda: 'mask λ',
  dSteps: 'D steps / iteration',
  gSteps: 'G steps / iteration',
  seed: 'seed',
  autosaveEvery: 'autosave every',
};

function NumberInput({ name }: { name: keyof typeof numberBounds }) {
  const value = usePlayground((s) => s.settings[name]);
  const setSettings = usePlayground((s) => s.setSettings);
  const b = numberBounds[name];
  return (
    <label>
      {labels[name]}
      <input
        type="number"
        name={name}
        min={b.min}
        max={b.max}
        step={b.int ? 1 : 'any'}
        defaultValue={value}
        key={value}
        onBlur={(e) => {
          const v = Number(e.target.value);
          const ok = Number.isFinite(v) && v >= b.min && v <= b.max && (!b.int || Number.isInteger(v));
          if (ok) setSettings({ [name]: v });
          else e.target.value = String(value);
        }}
      />
    </label>
  );
}

function Select<K extends 'dataset' | 'preset' | 'kind' | 'generator'>({ name, options, label }: { name: K; options: readonly string[]; label: string }) {
  const value = usePlayground((s) => s.settings[name]);
  const setSettings = usePlayground((s) => s.setSettings);
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(e) => setSettings({ [name]: e.target.value } as Partial<Settings>)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Start from a shipped model: it fixes dataset, preset and generator, and training goes on from it. */
function Pretrained() {
  const { pretrained, settings, setSettings } = usePlayground();
  const usable = pretrained.filter((m) => m.kind === 'unconditional');
  const card = usable.find((m) => m.name === settings.weights);
  if (usable.length === 0) return null;
  return (
    <div className="pretrained">
      <label>
        start from
        <select
          name="weights"
          value={settings.weights}
          onChange={(e) => {
            const m = usable.find((c) => c.name === e.target.value);
            setSettings(m ? { weights: m.name, dataset: m.dataset as DatasetName, preset: m.preset, kind: m.kind, generator: m.generator } : { weights: '' });
          }}
        >
          <option value="">fresh weights</option>
          {usable.map((m) => (
            <option key={m.name} value={m.name}>
              pretrained: {m.title}
            </option>
          ))}
        </select>
      </label>
      {card && (
        <p className="hint" data-testid="model-card">
          {card.title}: {card.iterations} iterations at batch {card.batch} on “{card.dataset}”, {(card.wallClockSeconds / 60).toFixed(0)} min on {card.hardware}.{' '}
          <a href={`weights/${card.name}/README.md`} target="_blank" rel="noreferrer">Model card</a>
        </p>
      )}
    </div>
  );
}

function PresetCost() {
  const { preset, batchSize } = usePlayground((s) => s.settings);
  const history = usePlayground((s) => s.history);
  const cost = modelCost(presetConfig(preset), batchSize);
  const recent = history.filter((r) => r.kind === 'both').slice(-10);
  const ms = recent.length ? recent.reduce((a, r) => a + r.ms, 0) / recent.length : null;
  return (
    <p className="cost" data-testid="preset-cost">
      {(cost.parameters / 1e6).toFixed(2)} M parameters · ≈{(cost.memoryBytes / 2 ** 20).toFixed(0)} MiB to train ·{' '}
      {(cost.flopsPerIteration / 1e9).toFixed(1)} GFLOP per iteration
      {ms !== null && ` · ${(ms / 1000).toFixed(2)} s per iteration here`}
    </p>
  );
}

export function Controls() {
  const s = usePlayground();
  const hidden = new Set(s.settings.hide);
  const show = (k: keyof Settings) => !hidden.has(k);
  const busy = !s.ready;
  return (
    <section className="controls" aria-label="controls">
      <div className="buttons">
        <button onClick={() => s.send({ type: s.running ? 'pause' : 'play' })} disabled={busy} data-testid="play">
          {s.running ? 'Pause' : 'Train'}
        </button>
        <button onClick={() => s.send({ type: 'step', kind: 'D' })} disabled={busy || s.running} data-testid="step-d">Step D</button>
        <button onClick={() => s.send({ type: 'step', kind: 'G' })} disabled={busy || s.running} data-testid="step-g">Step G</button>
        <button onClick={() => s.send({ type: 'step', kind: 'both' })} disabled={busy || s.running} data-testid="step-both">Step both</button>
        <button
          onClick={() => {
            if (confirm('Start this experiment again from fresh weights? The autosave is discarded.')) {
              usePlayground.setState({ ready: false, running: false, history: [] });
              s.send({ type: 'init', settings: s.settings, fresh: true });
            }
          }}
          disabled={busy}
          data-testid="reset"
        >
          Reset
        </button>
      </div>
      {show('weights') && <Pretrained />}
      <div className="fields">
        {show('dataset') && <Select name="dataset" options={DATASETS} label="dataset" />}
        {show('preset') && <Select name="preset" options={presetNames} label="preset" />}
        {show('kind') && <Select name="kind" options={['unconditional', 'future']} label="model" />}
        {show('generator') && <Select name="generator" options={['twoStream', 'oneStream']} label="generator" />}
        {(Object.keys(numberBounds) as Array<keyof typeof numberBounds>).filter(show).map((k) => (
          <NumberInput key={k} name={k} />
        ))}
      </div>
      <PresetCost />
    </section>
  );
}
