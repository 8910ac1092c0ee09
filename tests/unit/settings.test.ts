import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  configSettings,
  type ConfigKey,
  defaultSettings,
  liveKeys,
  rebuildKeys,
  settingKeys,
  settingsFromQuery,
  settingsTable,
  settingsToQuery,
  type SettingKey,
  type Settings,
} from '../../src/settings';
import type { PretrainedCard } from '../../src/model/pretrained';
import { usePlayground } from '../../src/ui/store';
import type { ToWorker } from '../../src/train/protocol';

/** A valid value of `key` other than its default, taken from its table entry. */
function otherValue(key: SettingKey): Partial<Settings> {
  const s = settingsTable[key];
  switch (s.type) {
    case 'number':
      return { [key]: s.max !== s.default ? s.max : s.min };
    case 'choice':
      return { [key]: s.options.find((o) => o !== s.default) };
    case 'name':
      return { [key]: 'some-model-2' };
    case 'keys':
      return { [key]: ['lrD', 'seed'] };
  }
}

describe('URL state', () => {
  it('round-trips every setting and writes only what differs from the defaults', () => {
    expect(settingsToQuery(defaultSettings)).toBe('');
    const s = {
      ...defaultSettings,
      dataset: 'real' as const,
      preset: 'small' as const,
      generator: 'oneStream' as const,
      lrD: 5e-4,
      beta1: 0.9,
      seed: 42,
      weights: 'real-small',
      hide: ['lrD', 'seed'],
    };
    const q = settingsToQuery(s);
    expect(q).toBe('dataset=real&preset=small&generator=oneStream&lrD=0.0005&beta1=0.9&seed=42&weights=real-small&hide=lrD%2Cseed');
    expect(settingsFromQuery(q)).toEqual({ settings: s, problems: [] });
  });

  it.each(settingKeys)('round-trips a value of %s other than its default', (key) => {
    const s = { ...defaultSettings, ...otherValue(key) };
    const q = settingsToQuery(s);
    expect(q).toMatch(new RegExp(`^${key}=`));
    expect(settingsFromQuery(q)).toEqual({ settings: s, problems: [] });
  });

  it('has defaults that are values of their own settings', () => {
    // An empty default (no weights, nothing hidden) is never written, so it need not parse.
    const written = settingKeys.filter((k) => String(defaultSettings[k]) !== '');
    expect(settingsFromQuery(written.map((k) => `${k}=${String(defaultSettings[k])}`).join('&'))).toEqual({
      settings: defaultSettings,
      problems: [],
    });
  });

  it.each(settingKeys.filter((k) => settingsTable[k].type === 'number' || settingsTable[k].type === 'choice'))(
    'reports bad values of %s',
    (key) => {
      const s = settingsTable[key];
      const bad =
        s.type === 'number' ? ['banana', '', String(s.max * 2 + 1), String(s.min - 1), ...('int' in s ? ['1.5'] : [])] : ['nonsense', ''];
      for (const raw of bad) {
        const { settings, problems } = settingsFromQuery(new URLSearchParams({ [key]: raw }).toString());
        expect(settings).toEqual(defaultSettings);
        expect(problems).toEqual([expect.stringContaining(`${key}=${raw} is not`)]);
      }
    },
  );

  it('hides only hideable controls', () => {
    expect(settingsFromQuery('hide=lrD,hide,nothing,weights').settings.hide).toEqual(['lrD', 'weights']);
  });

  it('ignores bad values with a reason and keeps the defaults', () => {
    const { settings, problems } = settingsFromQuery(
      '?lrD=banana&batchSize=2.5&preset=huge&seed=-1&dSteps=&hide=lrG,nothing&unknown=1&weights=../secret',
    );
    expect(settings).toEqual({ ...defaultSettings, hide: ['lrG'] });
    expect(problems).toHaveLength(6);
    expect(problems.at(-1)).toMatch(/weights=\.\.\/secret is not a model name/);
    expect(problems.join('\n')).toMatch(/lrD=banana.*\n.*batchSize=2\.5.*integer.*\n.*preset=huge.*tiny, small, paper/s);
  });
});

describe('store', () => {
  it('rebuilds for exactly the rebuild settings and applies the others live', () => {
    const applied: SettingKey[] = [];
    for (const key of settingKeys) {
      const sent: ToWorker[] = [];
      usePlayground.setState({ send: (m) => sent.push(m), settings: defaultSettings, ready: true });
      usePlayground.getState().setSettings(otherValue(key));
      if (sent.at(-1)?.type === 'update') applied.push(key);
    }
    expect(applied).toEqual(liveKeys);
    expect(settingKeys.filter((k) => !applied.includes(k))).toEqual(rebuildKeys);
    expect(liveKeys).toEqual(settingKeys.filter((k) => !settingsTable[k].rebuild));
  });

  it('rebuilds the session for model settings and updates it live for the rest', () => {
    const sent: ToWorker[] = [];
    usePlayground.setState({ send: (m) => sent.push(m), settings: defaultSettings, ready: true });
    usePlayground.getState().setSettings({ lrG: 1e-3 });
    expect(sent.at(-1)).toMatchObject({ type: 'update', settings: { lrG: 1e-3 } });
    expect(usePlayground.getState().ready).toBe(true);
    usePlayground.getState().setSettings({ preset: 'small' });
    expect(sent.at(-1)).toMatchObject({ type: 'init', settings: { preset: 'small', lrG: 1e-3 } });
    expect(usePlayground.getState().ready).toBe(false);
  });

  it('leaves a pretrained model when the dataset or the model changes', () => {
    const sent: ToWorker[] = [];
    usePlayground.setState({ send: (m) => sent.push(m), settings: defaultSettings, ready: true });
    const { setSettings } = usePlayground.getState();
    setSettings({ weights: 'real-small', dataset: 'real', preset: 'small' });
    expect(sent.at(-1)).toMatchObject({ type: 'init', settings: { weights: 'real-small', dataset: 'real', preset: 'small' } });
    setSettings({ lrD: 1e-3 });
    expect(usePlayground.getState().settings.weights).toBe('real-small');
    setSettings({ preset: 'tiny' });
    expect(sent.at(-1)).toMatchObject({ type: 'init', settings: { weights: '', preset: 'tiny' } });
    // The upsampling is the model's too: a shipped model of the paper's layers cannot train as resize-convolutions.
    setSettings({ weights: 'shapes-tiny', dataset: 'shapes', upsample: 'transposed' });
    setSettings({ upsample: 'resize' });
    expect(sent.at(-1)).toMatchObject({ type: 'init', settings: { weights: '', upsample: 'resize' } });
    // So are the width and the time span: the worker would restore the file's and show another.
    for (const patch of [{ baseChannels: '16' }, { frameStride: '1' }] as const) {
      setSettings({ weights: 'shapes-tiny', dataset: 'shapes', preset: 'tiny', baseChannels: 'preset', frameStride: 'preset' });
      setSettings(patch);
      expect(sent.at(-1)).toMatchObject({ type: 'init', settings: { weights: '', ...patch } });
    }
  });

  it("gives a model's width and time span as settings: the preset's where they are the preset's", () => {
    expect(configSettings('tiny', { baseChannels: 32, frameStride: 4 })).toEqual({ baseChannels: 'preset', frameStride: 'preset' });
    expect(configSettings('tiny', {})).toEqual({ baseChannels: 'preset', frameStride: 'preset' });
    expect(configSettings('small', { baseChannels: 16, frameStride: 1 })).toEqual({ baseChannels: '16', frameStride: '1' });
    // Every shipped model's width and time span are values the page can show.
    const cards = JSON.parse(readFileSync('public/weights/index.json', 'utf8')).models as PretrainedCard[];
    for (const card of cards) {
      const shown = configSettings(card.preset, { baseChannels: card.baseChannels, frameStride: card.frameStride });
      for (const [key, value] of Object.entries(shown) as [ConfigKey, string][]) {
        expect(settingsTable[key].options, `${card.name} ${key}`).toContain(value);
      }
    }
  });

  it('asks before a weights file replaces a run with iterations, and goes back to that run under its own autosave', () => {
    const sent: ToWorker[] = [];
    const asked: string[] = [];
    let answer = false;
    vi.stubGlobal('confirm', (q: string) => asked.push(q) && answer);
    usePlayground.setState({ send: (m) => sent.push(m), settings: defaultSettings, importedRun: null, previous: null, iteration: 3 });
    const file = { name: 'model.json', modelJson: '{}', weights: new ArrayBuffer(4) };
    usePlayground.getState().loadWeights(file);
    expect(asked[0]).toMatch(
      /^Load these weights in place of the run being trained\? The run being trained \(iteration 3\) is saved first/,
    );
    expect(sent).toEqual([]);
    answer = true;
    usePlayground.getState().loadWeights(file);
    const imported = sent.at(-1);
    expect(imported).toMatchObject({ type: 'importWeights', name: 'model.json', importedRun: expect.stringMatching(/^model\.json-\d+$/) });
    expect(usePlayground.getState().previous).toEqual({ settings: defaultSettings, importedRun: null, iteration: 3 });
    usePlayground.setState({ iteration: 1 });
    usePlayground.getState().backToPrevious();
    // The settings' own run again (no importedRun), and the file's run kept to come back to.
    expect(sent.at(-1)).toEqual({ type: 'init', settings: defaultSettings, fresh: false });
    expect(usePlayground.getState().previous).toMatchObject({
      importedRun: (imported as { importedRun: string }).importedRun,
      iteration: 1,
    });
    vi.unstubAllGlobals();
  });

  it('keeps a bounded history of reports and collects errors', () => {
    const { receive } = usePlayground.getState();
    usePlayground.setState({ history: [], errors: [] });
    for (let i = 0; i < 600; i++)
      receive({ type: 'report', report: { kind: 'both', iteration: i + 1, ms: 10, numTensors: 5, numBytes: 100 } });
    const s = usePlayground.getState();
    expect(s.history).toHaveLength(500);
    expect(s.iteration).toBe(600);
    receive({ type: 'error', message: 'GPU device lost' });
    expect(usePlayground.getState().errors).toEqual(['GPU device lost']);
    usePlayground.getState().dismissError(0);
    expect(usePlayground.getState().errors).toEqual([]);
  });
});
