// The experiment's controls. A shared link can hide some (?hide=lrD,lrG) so a class works on the rest.
import { modelCost } from '../model/cost';
import { resolveConfig } from '../model/config';
import type { DatasetName } from '../data/datasets';
import {
  configOverrides,
  configSettings,
  parseSetting,
  paperBeta1,
  paperLearningRate,
  settingKeys,
  settingsTable,
  type ChoiceKey,
  type ChoiceSetting,
  type NumberKey,
  type NumberSetting,
  type SettingKey,
  type Settings,
} from '../settings';
import { useEffect } from 'react';
import { startRun, usePlayground, type FixedByPretrained } from './store';
import { onShortcut } from './shortcuts';
import { firstObjectsAfter } from './first-objects';

function NumberInput({ name }: { name: NumberKey }) {
  const value = usePlayground((s) => s.settings[name]);
  const setSettings = usePlayground((s) => s.setSettings);
  const b: NumberSetting = settingsTable[name];
  return (
    <label title={b.help}>
      {b.label}
      <input
        type="number"
        name={name}
        min={b.min}
        max={b.max}
        step={b.int ? 1 : 'any'}
        defaultValue={value}
        key={value}
        onBlur={(e) => {
          const parsed = parseSetting(name, e.target.value);
          if ('value' in parsed) setSettings({ [name]: parsed.value });
          else e.target.value = String(value);
        }}
      />
    </label>
  );
}

export function Select({ name }: { name: ChoiceKey }) {
  const value = usePlayground((s) => s.settings[name]);
  const setSettings = usePlayground((s) => s.setSettings);
  const spec: ChoiceSetting = settingsTable[name];
  return (
    <label title={spec.help}>
      {spec.label}
      <select name={name} value={value} onChange={(e) => setSettings({ [name]: e.target.value })}>
        {spec.options.map((o) => (
          <option key={o} value={o}>
            {spec.optionLabels?.[o] ?? o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The control of a number or choice setting; names and key lists have their own (or none). */
function Field({ name }: { name: SettingKey }) {
  const { type } = settingsTable[name];
  if (type === 'number') return <NumberInput name={name as NumberKey} />;
  if (type === 'choice') return <Select name={name as ChoiceKey} />;
  return null;
}

/** Start from a shipped model: it fixes dataset, preset and generator, and training goes on from it. */
function Pretrained() {
  const { pretrained, settings, setSettings } = usePlayground();
  const usable = pretrained.filter((m) => m.kind === 'unconditional');
  const card = usable.find((m) => m.name === settings.weights);
  if (usable.length === 0) return null;
  return (
    <div className="pretrained">
      <label title={settingsTable.weights.help}>
        {settingsTable.weights.label}
        <select
          name="weights"
          value={settings.weights}
          onChange={(e) => {
            const m = usable.find((c) => c.name === e.target.value);
            if (!m) return setSettings({ weights: '' });
            const fixed: Pick<Settings, FixedByPretrained> = {
              dataset: m.dataset as DatasetName,
              preset: m.preset,
              kind: m.kind,
              generator: m.generator,
              upsample: m.upsample ?? 'transposed',
              ...configSettings(m.preset, { baseChannels: m.baseChannels, frameStride: m.frameStride }),
            };
            // Going on from a shipped model with the optimiser it was trained with, not the page's faster start.
            setSettings({ weights: m.name, ...fixed, lrD: paperLearningRate, lrG: paperLearningRate, beta1: paperBeta1 });
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
          {card.title}: {card.iterations} iterations at batch {card.batch} on “{card.dataset}”, {(card.wallClockSeconds / 60).toFixed(0)}{' '}
          min on {card.hardware}.{' '}
          <a href={`weights/${card.name}/README.md`} target="_blank" rel="noreferrer">
            Model card
          </a>
        </p>
      )}
    </div>
  );
}

function PresetCost() {
  const settings = usePlayground((s) => s.settings);
  const history = usePlayground((s) => s.history);
  const config = resolveConfig({ preset: settings.preset, ...configOverrides(settings) });
  const cost = modelCost(config, settings.batchSize, settings.kind, settings.generator);
  const recent = history.filter((r) => r.kind === 'both').slice(-10);
  const ms = recent.length ? recent.reduce((a, r) => a + r.ms, 0) / recent.length : null;
  const firstObjects = firstObjectsAfter(settings);
  return (
    <p className="cost" data-testid="preset-cost">
      {(cost.parameters / 1e6).toFixed(2)} M parameters · ≈{(cost.memoryBytes / 2 ** 20).toFixed(0)} MiB to train ·{' '}
      {(cost.flopsPerIteration / 1e9).toFixed(1)} GFLOP per iteration
      {ms !== null && ` · ${(ms / 1000).toFixed(2)} s per iteration here`}
      {firstObjects !== null &&
        ` · objects on a still background appear after about ${firstObjects} iterations` +
          (ms !== null ? ` (≈${Math.ceil((firstObjects * ms) / 60_000)} min at this speed)` : '')}
    </p>
  );
}

/** Settings with controls of their own elsewhere: the header's large-text box, the sample grid's options. */
const ownControls = new Set<SettingKey>(['textSize', 'gridPerRow', 'gridStream']);

export function Controls() {
  const s = usePlayground();
  const hidden = new Set(s.settings.hide);
  const show = (k: SettingKey) => !hidden.has(k) && !ownControls.has(k);
  const busy = !s.ready;
  // Space trains or pauses, s steps a whole iteration (never while typing in a field).
  useEffect(
    () =>
      onShortcut({
        ' ': () => usePlayground.getState().ready && s.send({ type: usePlayground.getState().running ? 'pause' : 'play' }),
        s: () => usePlayground.getState().ready && !usePlayground.getState().running && s.send({ type: 'step', kind: 'both' }),
      }),
    [s.send],
  );
  return (
    <section className="controls" aria-label="controls">
      <div className="buttons">
        <button
          type="button"
          onClick={() => s.send({ type: s.running ? 'pause' : 'play' })}
          disabled={busy}
          data-testid="play"
          aria-keyshortcuts="Space"
        >
          {s.running ? 'Pause' : 'Train'}
        </button>
        <button type="button" onClick={() => s.send({ type: 'step', kind: 'D' })} disabled={busy || s.running} data-testid="step-d">
          Step D
        </button>
        <button type="button" onClick={() => s.send({ type: 'step', kind: 'G' })} disabled={busy || s.running} data-testid="step-g">
          Step G
        </button>
        <button
          type="button"
          onClick={() => s.send({ type: 'step', kind: 'both' })}
          disabled={busy || s.running}
          data-testid="step-both"
          aria-keyshortcuts="S"
        >
          Step both
        </button>
        <button
          type="button"
          onClick={() => {
            if (confirm('Start this experiment again from fresh weights? The autosave is discarded.')) {
              startRun(s.settings, s.importedRun, true);
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
        {settingKeys.filter(show).map((k) => (
          <Field key={k} name={k} />
        ))}
      </div>
      <PresetCost />
    </section>
  );
}
