// Every setting of an experiment, declared once in `settingsTable`: its default, its bounds or choices,
// its label and help, whether changing it needs a new model, and whether a shared link may hide it. The
// URL form, the controls and the rebuild/apply split are derived from the table, so adding a setting is
// adding one entry. Only settings that differ from the defaults are written to the URL: a teacher's link
// opens the same experiment.
import { datasetNames, datasets } from './data/datasets';
import { type PresetName, presetConfig, presetNames } from './model/config';
import { MODEL_NAME } from './model/model-name';
import constants from './model/constants.json';

interface SettingCommon {
  /** The control's label. */
  label: string;
  /** A line of help shown on hovering the control. */
  help?: string;
  /** Changing it needs a new model; the others apply to the running trainer or the page. */
  rebuild: boolean;
  /** A shared link's `?hide=` may hide its control. */
  hideable: boolean;
  /** Passed on to the Trainer as its option of the same name. */
  trainer?: boolean;
  /** Overrides the preset's model-config field of the same name, unless it is 'preset'. */
  config?: boolean;
}
/** A number in [min, max], an integer where `int`. */
export interface NumberSetting extends SettingCommon {
  type: 'number';
  default: number;
  min: number;
  max: number;
  int?: boolean;
}
/** One of `options`, shown as its `optionLabels` entry where it has one. */
export interface ChoiceSetting extends SettingCommon {
  type: 'choice';
  default: string;
  options: readonly string[];
  optionLabels?: Readonly<Record<string, string>>;
}
/** A name matching `pattern`; `what` says what it names, for problem reports. */
export interface NameSetting extends SettingCommon {
  type: 'name';
  default: string;
  pattern: RegExp;
  what: string;
}
/** A comma-separated list of hideable setting keys. */
export interface KeysSetting extends SettingCommon {
  type: 'keys';
  default: readonly string[];
}
export type SettingSpec = NumberSetting | ChoiceSetting | NameSetting | KeysSetting;

/** The paper's Adam learning rate for D and G: the trainers' default, and the rate every shipped model was trained at first. */
export const paperLearningRate = constants.learningRate;
/** The paper's Adam β1 (the trainers' default; the page trains without momentum, see beta1's help). */
export const paperBeta1 = constants.adamBeta1;

/** The settings in URL and control order. */
export const settingsTable = {
  dataset: {
    type: 'choice',
    options: datasetNames,
    default: 'shapes',
    label: 'dataset',
    rebuild: true,
    hideable: true,
    optionLabels: Object.fromEntries(datasetNames.map((d) => [d, datasets[d].label])),
  },
  preset: { type: 'choice', options: presetNames, default: 'tiny', label: 'preset', rebuild: true, hideable: true, trainer: true },
  kind: {
    type: 'choice',
    options: ['unconditional', 'future'],
    default: 'unconditional',
    label: 'model',
    rebuild: true,
    hideable: true,
    trainer: true,
    help: 'The unconditional VGAN, or the future model that predicts a video from its first frame (two-stream only).',
  },
  generator: {
    type: 'choice',
    options: ['twoStream', 'oneStream'],
    default: 'twoStream',
    label: 'generator',
    rebuild: true,
    hideable: true,
    trainer: true,
  },
  upsample: {
    type: 'choice',
    options: ['transposed', 'resize'],
    default: 'resize',
    label: 'upsampling',
    rebuild: true,
    hideable: true,
    trainer: true,
    optionLabels: { transposed: 'transposed conv (paper)', resize: 'resize-conv' },
    help:
      "How the generator's layers double the frame: resize-convolutions (nearest ×2, then 3 taps: the paper's layers with a " +
      'constrained kernel), which cannot draw checkerboards, so a live run shows objects about 4× sooner; or the paper’s ' +
      'transposed convolutions, whose first thousands of iterations are checkerboards. The trainers default to the paper’s.',
  },
  baseChannels: {
    type: 'choice',
    options: ['preset', '8', '16', '32', '64'],
    default: 'preset',
    label: 'width',
    rebuild: true,
    hideable: true,
    config: true,
    optionLabels: { preset: "the preset's", 8: '8 channels', 16: '16 channels', 32: '32 channels', 64: '64 channels' },
    help: "Channels of the widest-resolution layers (the paper: 64; tiny: 32). Arithmetic grows with its square; at 8, tiny's samples stay noise.",
  },
  frameStride: {
    type: 'choice',
    options: ['preset', '1', '2', '4', '8'],
    default: 'preset',
    label: 'time span',
    rebuild: true,
    hideable: true,
    config: true,
    optionLabels: { preset: "the preset's", 1: 'every frame', 2: 'every 2nd frame', 4: 'every 4th frame', 8: 'every 8th frame' },
    help:
      "Which source frames (25 fps) a clip keeps. The presets keep the paper's 1.28 s (tiny: every 4th of 32 frames). With every frame, " +
      "tiny's 8 frames last 0.32 s, objects barely move, and the background stream learns them instead of the foreground.",
  },
  lrD: {
    type: 'number',
    default: paperLearningRate,
    min: 1e-6,
    max: 1e-1,
    label: 'D learning rate',
    rebuild: false,
    hideable: true,
    trainer: true,
  },
  lrG: {
    type: 'number',
    default: 1e-3,
    min: 1e-6,
    max: 1e-1,
    label: 'G learning rate',
    rebuild: false,
    hideable: true,
    trainer: true,
    help:
      "The page's default is 5× the paper's 2e-4 (D keeps 2e-4): with resize-convolutions a live run's backgrounds turn " +
      'smooth and still, and objects appear over them, sooner (the cost line under the controls gives the iterations ' +
      'measured). The trainers and the shipped models use the paper’s.',
  },
  beta1: {
    type: 'number',
    default: 0,
    min: 0,
    max: 0.999,
    label: 'Adam β1',
    rebuild: false,
    hideable: true,
    trainer: true,
    help:
      "The page's default is 0, Adam without momentum, where the paper uses 0.5: with the page's other defaults a live run " +
      'draws objects over a still background sooner still (the cost line gives the iterations measured). The trainers ' +
      'and the shipped models use the paper’s.',
  },
  batchSize: { type: 'number', default: 8, min: 1, max: 64, int: true, label: 'batch size', rebuild: true, hideable: true },
  mirror: {
    type: 'choice',
    options: ['off', 'on'],
    default: 'off',
    label: 'mirror clips',
    rebuild: true,
    hideable: true,
    help: 'Flip each stored clip left–right half the time, so a dataset of few sources (real) shows the discriminator twice the scenes. Procedural datasets draw fresh clips instead.',
  },
  maskLambda: { type: 'number', default: 0.1, min: 0, max: 10, label: 'mask λ', rebuild: false, hideable: true, trainer: true },
  dSteps: {
    type: 'number',
    default: 1,
    min: 1,
    max: 10,
    int: true,
    label: 'D steps / iteration',
    rebuild: false,
    hideable: true,
    trainer: true,
  },
  gSteps: {
    type: 'number',
    default: 1,
    min: 1,
    max: 10,
    int: true,
    label: 'G steps / iteration',
    rebuild: false,
    hideable: true,
    trainer: true,
  },
  emaDecay: {
    type: 'number',
    default: 0,
    min: 0,
    max: 0.9999,
    label: 'G weight average',
    rebuild: true,
    hideable: true,
    trainer: true,
    help:
      "Samples and saved weights from a moving average of G's weights with this decay (e.g. 0.999, as shapes-tiny was published); " +
      "0: G's own weights, the paper's. Training is unchanged.",
  },
  augment: {
    type: 'choice',
    options: ['off', 'on'],
    default: 'off',
    label: "augment D's clips",
    rebuild: true,
    hideable: true,
    help:
      'Show the discriminator every clip, real or generated, with its colours changed, shifted and a square cut out (the same for all ' +
      'its frames), so that it cannot memorise a few stored clips (real). Off: the paper.',
  },
  seed: { type: 'number', default: 1, min: 0, max: 2 ** 31 - 1, int: true, label: 'seed', rebuild: true, hideable: true, trainer: true },
  autosaveEvery: {
    type: 'number',
    default: 50,
    min: 0,
    max: 100_000,
    int: true,
    label: 'autosave every',
    rebuild: false,
    hideable: true,
    help: 'Autosave a checkpoint every this many iterations (0: only on pause).',
  },
  weights: {
    // Which models exist is known only once the index loads; the worker reports an unknown name.
    type: 'name',
    pattern: MODEL_NAME,
    what: 'a model name',
    default: '',
    label: 'start from',
    rebuild: true,
    hideable: true,
    help: 'A shipped pretrained model (public/weights/<name>) to start from; none trains from scratch.',
  },
  smoothing: {
    type: 'number',
    default: 0,
    min: 0,
    max: 0.99,
    label: 'chart smoothing',
    rebuild: false,
    hideable: true,
    help: 'Weight of the running average drawn over the training charts (0: none; 0.9 follows the trend); the raw values stay faint behind it.',
  },
  gridPerRow: {
    type: 'choice',
    options: ['1', '2', '4', '8'],
    default: '2',
    label: 'samples per row',
    rebuild: false,
    hideable: true,
    help: 'How many samples each row of the grid holds: fewer, larger samples for a projector.',
  },
  gridStream: {
    type: 'choice',
    options: ['video', 'background', 'foreground', 'mask'],
    optionLabels: { video: 'composite', background: 'background b', foreground: 'foreground f', mask: 'mask m' },
    default: 'video',
    label: 'play as',
    rebuild: false,
    hideable: true,
    help: 'What each sample in the grid plays: the composite video or one of the streams it is made of.',
  },
  textSize: {
    type: 'choice',
    options: ['normal', 'large'],
    default: 'normal',
    label: 'text size',
    rebuild: false,
    hideable: true,
    help: 'Large text, for a projector.',
  },
  hide: {
    type: 'keys',
    default: [],
    label: 'hidden controls',
    rebuild: false,
    hideable: false,
    help: 'Controls a shared link hides, e.g. "lrD,lrG": a teacher can fix what a class should not change.',
  },
} as const satisfies Record<string, SettingSpec>;

type Table = typeof settingsTable;
type ValueOf<S> = S extends { type: 'choice'; options: readonly (infer T)[] }
  ? T
  : S extends { type: 'number' }
    ? number
    : S extends { type: 'keys' }
      ? string[]
      : string;
export type Settings = { -readonly [K in keyof Table]: ValueOf<Table[K]> };
export type SettingKey = keyof Settings;
type KeysWhere<Spec> = { [K in SettingKey]: Table[K] extends Spec ? K : never }[SettingKey];
export type NumberKey = KeysWhere<{ type: 'number' }>;
export type ChoiceKey = KeysWhere<{ type: 'choice' }>;
/** The settings the Trainer takes as options. */
export type TrainerKey = KeysWhere<{ trainer: true }>;
export type ConfigKey = KeysWhere<{ config: true }>;

export const settingKeys = Object.keys(settingsTable) as SettingKey[];
const spec = (key: SettingKey): SettingSpec => settingsTable[key];

export const defaultSettings = Object.fromEntries(
  settingKeys.map((k) => [k, structuredClone(settingsTable[k].default)]),
) as unknown as Settings;

/** Settings that need a new model when they change. */
export const rebuildKeys: readonly SettingKey[] = settingKeys.filter((k) => spec(k).rebuild);
/** Settings that apply to the running session or the page without a new model. */
export const liveKeys: readonly SettingKey[] = settingKeys.filter((k) => !spec(k).rebuild);
export const trainerKeys = settingKeys.filter((k) => spec(k).trainer === true) as TrainerKey[];
/** The settings that override a model-config field of the same name. */
export const configKeys = settingKeys.filter((k) => spec(k).config === true) as ConfigKey[];

/** The model-config fields the settings override (those not set to 'preset'). */
export function configOverrides(s: Settings): Partial<Record<ConfigKey, number>> {
  return Object.fromEntries(configKeys.filter((k) => s[k] !== 'preset').map((k) => [k, Number(s[k])]));
}

/** The config settings that give a model these config values: 'preset' where a value is the preset's or absent. */
export function configSettings(preset: PresetName, values: Partial<Record<ConfigKey, number>>): Pick<Settings, ConfigKey> {
  const fromPreset = presetConfig(preset);
  return Object.fromEntries(
    configKeys.map((k) => {
      const v = values[k];
      return [k, v === undefined || v === fromPreset[k] ? 'preset' : String(v)];
    }),
  ) as Pick<Settings, ConfigKey>;
}

/** The settings of `keys`, e.g. `pick(s, trainerKeys)` for the Trainer's options. */
export function pick<K extends SettingKey>(settings: Settings, keys: readonly K[]): Pick<Settings, K> {
  return Object.fromEntries(keys.map((k) => [k, settings[k]])) as Pick<Settings, K>;
}

/** The URL text of one setting's value. */
function format(s: SettingSpec, value: unknown): string {
  return s.type === 'keys' ? (value as readonly string[]).join(',') : String(value);
}

/** One setting's value from its URL text, or why the text is not a value of it. */
export function parseSetting<K extends SettingKey>(key: K, raw: string): { value: Settings[K] } | { problem: string } {
  const s = spec(key);
  const value = (v: unknown) => ({ value: v as Settings[K] });
  switch (s.type) {
    case 'number': {
      const v = Number(raw);
      const ok = raw.trim() !== '' && Number.isFinite(v) && v >= s.min && v <= s.max && (!s.int || Number.isInteger(v));
      return ok ? value(v) : { problem: `${key}=${raw} is not ${s.int ? 'an integer' : 'a number'} in [${s.min}, ${s.max}]` };
    }
    case 'choice':
      return s.options.includes(raw) ? value(raw) : { problem: `${key}=${raw} is not one of ${s.options.join(', ')}` };
    case 'name':
      return s.pattern.test(raw) ? value(raw) : { problem: `${key}=${raw} is not ${s.what}` };
    case 'keys':
      // Names of nothing hideable are dropped quietly: an old link may name a control that has gone.
      return value(raw.split(',').filter((k) => (settingKeys as string[]).includes(k) && spec(k as SettingKey).hideable));
  }
}

/** Makes settings that contradict each other agree; says what it changed. */
export function reconcile(settings: Settings): string[] {
  if (settings.kind === 'future' && settings.generator !== 'twoStream') {
    const problem = `generator=${settings.generator} does not go with kind=future: the future model is two-stream only`;
    settings.generator = 'twoStream';
    return [problem];
  }
  return [];
}

/** Settings from a query string; unknown keys are ignored, bad values fall back to the default and are reported. */
export function settingsFromQuery(query: string): { settings: Settings; problems: string[] } {
  const settings = structuredClone(defaultSettings);
  const problems: string[] = [];
  for (const [key, raw] of new URLSearchParams(query)) {
    if (!Object.hasOwn(settingsTable, key)) continue;
    const parsed = parseSetting(key as SettingKey, raw);
    if ('problem' in parsed) problems.push(parsed.problem);
    else Object.assign(settings, { [key]: parsed.value });
  }
  problems.push(...reconcile(settings));
  return { settings, problems };
}

/** The query string of settings, without the defaults. */
export function settingsToQuery(settings: Settings): string {
  const params = new URLSearchParams();
  for (const key of settingKeys) {
    const text = format(spec(key), settings[key]);
    if (text !== format(spec(key), settingsTable[key].default)) params.set(key, text);
  }
  return params.toString();
}
