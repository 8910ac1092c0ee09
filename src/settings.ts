// Every setting of an experiment, with its default, its bounds and its URL form: a teacher's link opens
// the same experiment. Only settings that differ from the defaults are written to the URL.
import { presetNames, type GeneratorKind, type ModelKind, type PresetName } from './model/config';

/** A shipped model's name is its directory under public/weights: nothing that could climb out of it. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Built-in datasets, and `own`: the video the user dropped in (it lives in the page, not in the URL). */
export const DATASETS = ['shapes', 'moving-mnist', 'real', 'own'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface Settings {
  dataset: DatasetName;
  preset: PresetName;
  /** The unconditional VGAN, or the future model that predicts a video from its first frame (two-stream only). */
  kind: ModelKind;
  generator: GeneratorKind;
  lrD: number;
  lrG: number;
  beta1: number;
  batchSize: number;
  maskLambda: number;
  dSteps: number;
  gSteps: number;
  seed: number;
  /** Autosave a checkpoint every this many iterations (0: only on pause). */
  autosaveEvery: number;
  /** A shipped pretrained model (public/weights/<name>) to start from; '' trains from scratch. */
  weights: string;
  /** Controls a shared link hides, e.g. "lrD,lrG" — a teacher can fix what a class should not change. */
  hide: string[];
}

export const defaultSettings: Settings = {
  dataset: 'shapes',
  preset: 'tiny',
  kind: 'unconditional',
  generator: 'twoStream',
  lrD: 2e-4,
  lrG: 2e-4,
  beta1: 0.5,
  batchSize: 8,
  maskLambda: 0.1,
  dSteps: 1,
  gSteps: 1,
  seed: 1,
  autosaveEvery: 50,
  weights: '',
  hide: [],
};

type NumberKey = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];
/** Inclusive bounds of the numeric settings; integers where `int`. */
export const numberBounds: Record<NumberKey, { min: number; max: number; int?: boolean }> = {
  lrD: { min: 1e-6, max: 1e-1 },
  lrG: { min: 1e-6, max: 1e-1 },
  beta1: { min: 0, max: 0.999 },
  batchSize: { min: 1, max: 64, int: true },
  maskLambda: { min: 0, max: 10 },
  dSteps: { min: 1, max: 10, int: true },
  gSteps: { min: 1, max: 10, int: true },
  seed: { min: 0, max: 2 ** 31 - 1, int: true },
  autosaveEvery: { min: 0, max: 100_000, int: true },
};

const choices = {
  dataset: DATASETS as readonly string[],
  preset: presetNames as readonly string[],
  kind: ['unconditional', 'future'] as readonly string[],
  generator: ['twoStream', 'oneStream'] as readonly string[],
};

/** Settings from a query string; unknown keys are ignored, bad values fall back to the default and are reported. */
export function settingsFromQuery(query: string): { settings: Settings; problems: string[] } {
  const params = new URLSearchParams(query);
  const settings: Settings = { ...defaultSettings, hide: [] };
  const problems: string[] = [];
  for (const [key, raw] of params) {
    if (key in numberBounds) {
      const b = numberBounds[key as NumberKey];
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v) || v < b.min || v > b.max || (b.int && !Number.isInteger(v))) {
        problems.push(`${key}=${raw} is not ${b.int ? 'an integer' : 'a number'} in [${b.min}, ${b.max}]`);
      } else {
        settings[key as NumberKey] = v;
      }
    } else if (key in choices) {
      const options = choices[key as keyof typeof choices];
      if (options.includes(raw)) Object.assign(settings, { [key]: raw });
      else problems.push(`${key}=${raw} is not one of ${options.join(', ')}`);
    } else if (key === 'weights') {
      // Which models exist is known only once the index loads; the worker reports an unknown name.
      if (MODEL_NAME.test(raw)) settings.weights = raw;
      else problems.push(`weights=${raw} is not a model name`);
    } else if (key === 'hide') {
      settings.hide = raw.split(',').filter((k) => k in defaultSettings);
    }
  }
  if (settings.kind === 'future' && settings.generator !== 'twoStream') {
    problems.push(`generator=${settings.generator} does not go with kind=future: the future model is two-stream only`);
    settings.generator = 'twoStream';
  }
  return { settings, problems };
}

/** The query string of settings, without the defaults. */
export function settingsToQuery(settings: Settings): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(defaultSettings) as Array<keyof Settings>) {
    const v = settings[key];
    if (key === 'hide') {
      if (settings.hide.length > 0) params.set('hide', settings.hide.join(','));
    } else if (v !== defaultSettings[key]) {
      params.set(key, String(v));
    }
  }
  return params.toString();
}

/** Settings that need a new model when they change (the others apply to the running trainer). */
export const rebuildKeys: ReadonlyArray<keyof Settings> = ['dataset', 'preset', 'kind', 'generator', 'seed', 'batchSize', 'weights'];
