// Messages between the page and the baseline worker, which trains the autoencoder, fits its mixture,
// draws its samples and serves real clips of a dataset (the human study's real and static pools).
import type { BackendInfo } from '../backend';
import type { GpuErrorEvent } from '../gpu-watch';
import type { ShippedDataset } from '../data/datasets';
import type { ClipData } from '../model/sample';

export interface BaselineSettings {
  /** A shipped dataset (the page's own video lives in the playground's worker). */
  dataset: ShippedDataset;
  preset: string;
  seed: number;
  batchSize: number;
  learningRate: number;
}

export type ToBaseline =
  /** Trains `steps` more steps (or until cancelled), first (re)building the autoencoder when the settings that define it changed. */
  | { type: 'train'; settings: BaselineSettings; steps: number }
  /** Fits the mixture on the codes of `clips` clips of the settings' dataset (at most the dataset's size). */
  | { type: 'fit'; settings: BaselineSettings; clips: number; components: number }
  | { type: 'sample'; count: number; seed: number }
  /** `count` real clips of a dataset at a preset's size and length. */
  | { type: 'real'; dataset: ShippedDataset; preset: string; count: number; seed: number }
  | { type: 'export' }
  | { type: 'import'; name: string; modelJson: string; weights: ArrayBuffer; gmmJson?: string };

export interface FitReport {
  components: number;
  codes: number;
  iterations: number;
  /** Mean log-likelihood per code of the fitted codes. */
  logLikelihood: number;
  converged: boolean;
  notes: string[];
}

/** The autoencoder as a VGAN weights file, and the mixture's JSON when one is fitted. */
export interface BaselineFiles {
  modelJson: string;
  weights: ArrayBuffer;
  gmmJson: string | null;
}

/** A loaded file: the settings it fixes, so that training goes on with them. */
export interface BaselineLoaded {
  iteration: number;
  preset: string;
  seed: number;
  fitted: boolean;
}

export interface BaselineApi {
  requests: ToBaseline;
  results: {
    train: { iteration: number };
    fit: FitReport;
    sample: ClipData[];
    real: ClipData[];
    export: BaselineFiles;
    import: BaselineLoaded;
  };
  /** A training step done. */
  progress: { iteration: number; loss: number; done: number; total: number };
  /** `skipped`: a bad clip or shard that the data loader left out; the work went on. */
  events: { type: 'backend'; info: BackendInfo } | GpuErrorEvent | { type: 'skipped'; message: string };
}
