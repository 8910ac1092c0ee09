// Messages between the page and the training worker.
import type { BackendInfo } from '../backend';
import type { GpuErrorEvent } from '../gpu-watch';
import type { BuiltDataset } from '../data/shards';
import type { ClipData, SampleClips } from '../model/sample';
import type { Settings } from '../settings';
import type { LayerView, StepKind, StepReport } from './session';
import type { QualityMeasurement } from './quality';
import type { StageReport } from './stages';

/** The samples' quality is measured every this many iterations. */
export const QUALITY_EVERY = 25;

/** Reports and quality measurements kept for the charts, in the page and in an autosave. */
export const HISTORY = 500;

/** What the charts show, saved with an autosave so that a resumed run shows its past. */
export interface Charts {
  history: StepReport[];
  quality: QualityMeasurement[];
}

/** Where a session's weights came from, when not fresh. */
export type ResumedFrom = 'autosave' | 'file' | 'pretrained' | null;

export type ToWorker =
  /**
   * (Re)builds the session; resumes from the autosave when it was made with the same model settings (and,
   * for a run started from a weights file, the same `importedRun`).
   */
  | { type: 'init'; settings: Settings; fresh?: boolean; importedRun?: string }
  /** Applies settings that need no new model. */
  | { type: 'update'; settings: Settings }
  /** The user's own video, cut into shards in the page; the `own` dataset trains on it. */
  | { type: 'ownDataset'; dataset: BuiltDataset }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; kind: StepKind }
  /** The rest of the iteration, stage by stage: an `iterationStage` event after each (the page's step-through view). */
  | { type: 'stepThrough' }
  | { type: 'interpolate'; a: number; b: number; steps: number }
  /** Chooses the grid sample whose layers the diagram shows. */
  | { type: 'select'; index: number }
  /** The model's weights file, for a download, the Future view's predictor or a research panel. */
  | { type: 'exportWeights' }
  /** Destroys the GPU device, to show (and test) recovery from a lost device. */
  | { type: 'loseDevice' }
  /** Compiles a shader that is not WGSL, to show (and test) that an uncaptured GPU error reaches the page. */
  | { type: 'gpuFault' }
  /** `name`: the model.json's, for messages; `importedRun` names the run it starts, whose autosave is its own. */
  | { type: 'importWeights'; name: string; importedRun: string; modelJson: string; weights: ArrayBuffer };

/** A model as tfjs's model.json and its one weights file. */
export interface WeightsFile {
  modelJson: string;
  weights: ArrayBuffer;
}

export interface TrainApi {
  requests: ToWorker;
  results: { exportWeights: WeightsFile };
  progress: never;
  events: FromWorker;
}

/** What the worker says unasked: the session's state as it trains. */
export type FromWorker =
  | { type: 'backend'; info: BackendInfo }
  | GpuErrorEvent
  /** `from`: where the weights came from, when not fresh; `charts`: the run's charts so far (empty when fresh). */
  | { type: 'ready'; iteration: number; from: ResumedFrom; charts: Charts }
  | { type: 'report'; report: StepReport }
  /** The samples' flicker, high frequency and mask coverage beside the real clips', every QUALITY_EVERY iterations. */
  | { type: 'quality'; measurement: QualityMeasurement }
  | { type: 'samples'; iteration: number; samples: SampleClips[] }
  | { type: 'real'; clips: ClipData[] }
  | { type: 'interpolation'; samples: SampleClips[] }
  | { type: 'layers'; index: number; views: LayerView[] }
  | { type: 'running'; running: boolean }
  | { type: 'progress'; label: string; done: number; total: number }
  /** What the worker is waiting for when it has no count to give (null: nothing), e.g. kernels compiling. */
  | { type: 'stage'; label: string | null }
  | { type: 'saved'; iteration: number }
  /** One stage of a `stepThrough` iteration, with the numbers it computed. */
  | { type: 'iterationStage'; report: StageReport }
  | { type: 'error'; message: string };
