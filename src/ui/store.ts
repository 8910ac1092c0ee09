// The page's state: the experiment's settings (mirrored in the URL) and what the training worker reports.
import { create } from 'zustand';
import type { BackendInfo } from '../backend';
import type { ClipData, SampleClips } from '../model/sample';
import { defaultSettings, rebuildKeys, reconcile, type Settings } from '../settings';
import { HISTORY, type FromWorker, type ResumedFrom, type ToWorker, type TrainApi } from '../train/protocol';
import type { ResultOf } from '../worker-rpc';
import type { PretrainedCard } from '../model/pretrained';
import type { LayerView, StepReport } from '../train/session';
import type { StageReport } from '../train/stages';
import type { QualityMeasurement } from '../train/quality';
import { keepStorage } from './persist';
import { gpuErrorText } from './gpu-errors';

export interface PlaygroundState {
  settings: Settings;
  backend: BackendInfo | null;
  ready: boolean;
  running: boolean;
  iteration: number;
  /** Where the current weights came from, when not fresh. */
  resumedFrom: ResumedFrom;
  /** Cards of the shipped pretrained models (public/weights/index.json). */
  pretrained: PretrainedCard[];
  history: StepReport[];
  /** The samples' quality beside the real clips', every few iterations. */
  quality: QualityMeasurement[];
  samples: SampleClips[];
  samplesIteration: number;
  real: ClipData[];
  interpolation: SampleClips[];
  selected: number;
  layers: LayerView[];
  savedIteration: number | null;
  progress: { label: string; done: number; total: number } | null;
  /** What the worker waits for when it has no count to give, e.g. kernels compiling. */
  stage: string | null;
  errors: string[];
  /** The stages of the iteration being stepped through, as they arrive. */
  iterationStages: StageReport[];
  /** The run started from a weights file, if this is one (its autosave is its own). */
  importedRun: string | null;
  /** The run a settings change or a weights file replaced (saved by the worker first), to go back to. */
  previous: { settings: Settings; importedRun: string | null; iteration: number } | null;
  /** Set once the worker exists; tests and components send through it. A failed request becomes an error. */
  send: (m: ToWorker) => void;
  /** A request whose answer the caller wants, e.g. the weights file. */
  request: <R extends ToWorker>(m: R) => Promise<ResultOf<TrainApi, R>>;
  setSettings: (patch: Partial<Settings>) => void;
  /** Trains on from a weights file, in place of the current run (asked first, and kept). */
  loadWeights: (file: { name: string; modelJson: string; weights: ArrayBuffer }) => void;
  backToPrevious: () => void;
  select: (i: number) => void;
  dismissError: (i: number) => void;
  receive: (m: FromWorker) => void;
}

/**
 * Asks before replacing a run that has iterations, and remembers it as the previous run (the worker saves it
 * first); false: the user said no.
 */
function keepsCurrentRun(question: string): boolean {
  const { iteration, settings, importedRun } = usePlayground.getState();
  if (iteration === 0) return true;
  const kept = `The run being trained (iteration ${iteration}) is saved first: “Back to the previous run” above, or its link, reopens it where it stopped.`;
  if (!confirm(`${question} ${kept}`)) return false;
  usePlayground.setState({ previous: { settings, importedRun, iteration } });
  return true;
}

/** Builds a run's session: resumed from its autosave if it has one, unless `fresh` (which discards the autosave). */
export function startRun(settings: Settings, importedRun: string | null, fresh = false) {
  const { send } = usePlayground.getState();
  usePlayground.setState({
    settings,
    importedRun,
    ready: false,
    running: false,
    history: [],
    quality: [],
    samples: [],
    real: [],
    interpolation: [],
    layers: [], // the diagram shows the new model's layers, never the replaced one's
  });
  send({ type: 'init', settings, fresh, ...(importedRun ? { importedRun } : {}) });
}

/** The settings a pretrained model decides (the picker sets them from its card); changing one leaves the model. */
export const fixedByPretrained = ['dataset', 'preset', 'kind', 'generator', 'upsample', 'baseChannels', 'frameStride'] as const;
export type FixedByPretrained = (typeof fixedByPretrained)[number];

export const usePlayground = create<PlaygroundState>((set, get) => ({
  settings: defaultSettings,
  backend: null,
  ready: false,
  running: false,
  iteration: 0,
  resumedFrom: null,
  pretrained: [],
  history: [],
  quality: [],
  samples: [],
  samplesIteration: 0,
  real: [],
  interpolation: [],
  selected: 0,
  layers: [],
  savedIteration: null,
  progress: null,
  stage: null,
  errors: [],
  iterationStages: [],
  importedRun: null,
  previous: null,
  send: () => {},
  request: () => Promise.reject(new Error('The training worker has not started.')),
  setSettings: (patch) => {
    const settings = { ...get().settings, ...patch };
    if (patch.weights === undefined && fixedByPretrained.some((k) => patch[k] !== undefined && patch[k] !== get().settings[k])) {
      settings.weights = '';
    }
    reconcile(settings); // e.g. the future model has no one-stream form
    const rebuild = rebuildKeys.some((k) => patch[k] !== undefined && patch[k] !== get().settings[k]);
    if (rebuild) {
      if (keepsCurrentRun('Switch to another run?')) startRun(settings, null);
    } else {
      set({ settings });
      get().send({ type: 'update', settings });
    }
  },
  loadWeights: ({ name, modelJson, weights }) => {
    if (!keepsCurrentRun('Load these weights in place of the run being trained?')) return;
    const importedRun = `${name}-${Date.now()}`;
    set({ importedRun });
    get().send({ type: 'importWeights', name, importedRun, modelJson, weights });
  },
  backToPrevious: () => {
    const { previous } = get();
    if (previous && keepsCurrentRun('Switch to another run?')) startRun(previous.settings, previous.importedRun);
  },
  select: (selected) => {
    set({ selected });
    get().send({ type: 'select', index: selected });
  },
  dismissError: (i) => set({ errors: get().errors.filter((_, j) => j !== i) }),
  receive: (m) => {
    switch (m.type) {
      case 'backend':
        return set({ backend: m.info });
      case 'ready':
        // "autosaved at" speaks of this run only: a run just replaced was saved under its own link.
        return set({
          ready: true,
          iteration: m.iteration,
          resumedFrom: m.from,
          ...m.charts,
          savedIteration: m.from === 'autosave' ? m.iteration : null,
          progress: null,
        });
      case 'report':
        return set({ iteration: m.report.iteration, history: [...get().history.slice(-(HISTORY - 1)), m.report] });
      case 'quality':
        return set({ quality: [...get().quality.slice(-(HISTORY - 1)), m.measurement] });
      case 'samples':
        return set({ samples: m.samples, samplesIteration: m.iteration });
      case 'real':
        return set({ real: m.clips });
      case 'interpolation':
        return set({ interpolation: m.samples });
      case 'layers':
        return set({ layers: m.views });
      case 'running':
        return set({ running: m.running });
      case 'stage':
        return set({ stage: m.label });
      case 'progress':
        return set({ progress: m.done >= m.total ? null : { label: m.label, done: m.done, total: m.total } });
      case 'iterationStage':
        return set({ iterationStages: [...get().iterationStages, m.report] });
      case 'saved':
        keepStorage();
        return set({ savedIteration: m.iteration });
      case 'error':
        return set({ errors: [...get().errors, m.message] });
      case 'gpuError':
        return set({ errors: [...get().errors, gpuErrorText('training', m.message)] });
    }
  },
}));
