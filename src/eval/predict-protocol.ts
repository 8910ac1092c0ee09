// Messages between the page and the prediction worker (src/eval/predict-worker.ts).
import type { BackendInfo } from '../backend';
import type { GpuErrorEvent } from '../gpu-watch';
import type { ModelConfig } from '../model/config';
import type { ClipData, SampleClips } from '../model/sample';
import type { StillInfo } from '../data/still-image';
import type { FutureOptions } from './predict';

/** Where the model in use came from, in words for the page, e.g. "shipped: real-small-future". */
export type ModelSource = { kind: 'shipped'; name: string } | { kind: 'playground'; iteration: number };

export type ToPredictor =
  /** Loads a shipped model from public/weights/<name>/. */
  | { type: 'loadShipped'; name: string }
  /** Loads weights in the page's hands, e.g. the playground's current model. */
  | { type: 'loadWeights'; source: ModelSource; modelJson: string; weights: ArrayBuffer }
  /** Predicts from an image file's bytes (transferred). */
  | { type: 'predict'; name: string; bytes: ArrayBuffer; options: FutureOptions }
  /** Destroys the GPU device, to show (and test) recovery from a lost device (?debug). */
  | { type: 'loseDevice' };

export interface Prediction {
  /** The model's input frame, as a one-frame clip. */
  input: ClipData;
  info: StillInfo;
  notes: string[];
  /** Entry 0 the prediction, then the futures (src/eval/predict.ts). */
  clips: SampleClips[];
  reconstruction: number[];
  /** Preprocessing and prediction, and the prediction alone (generate and read back). */
  msTotal: number;
  msPredict: number;
  /** The model's first prediction, whose time includes compiling its GPU kernels. */
  firstRun: boolean;
  options: FutureOptions;
}

/** What the worker says unasked: a model is in use or failed to load (on request, or again after a lost device). */
export type PredictorEvent =
  | { type: 'backend'; info: BackendInfo }
  | GpuErrorEvent
  | { type: 'model'; source: ModelSource; config: ModelConfig }
  | { type: 'modelError'; source: ModelSource; message: string }
  /** A failure outside any request, e.g. a lost device. */
  | { type: 'error'; message: string };

export interface PredictorApi {
  requests: ToPredictor;
  results: { predict: Prediction };
  progress: never;
  events: PredictorEvent;
}
