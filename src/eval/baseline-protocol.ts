// Messages between the page and the baseline worker, which trains the autoencoder, fits its mixture,
// draws its samples and serves real clips of a dataset (the human study's real and static pools).
import type { BackendInfo } from '../backend';
import type { ShippedDataset } from '../data/datasets';
import type { ClipData } from '../model/sample';

/** Adam's usual rate: the paper gives none for its baseline, and a class wants it to learn in minutes. */
export const AUTOENCODER_LEARNING_RATE = 1e-3;

export interface BaselineSettings {
  /** A shipped dataset (the page's own video lives in the playground's worker). */
  dataset: ShippedDataset;
  preset: string;
  seed: number;
  batchSize: number;
  learningRate: number;
}

export type ToBaseline =
  /** Trains `steps` more steps, first (re)building the autoencoder when the settings that define it changed. */
  | { type: 'train'; settings: BaselineSettings; steps: number }
  | { type: 'stop' }
  /** Fits the mixture on the codes of `clips` clips of the settings' dataset (at most the dataset's size). */
  | { type: 'fit'; settings: BaselineSettings; clips: number; components: number }
  | { type: 'sample'; count: number; seed: number }
  /** `count` real clips of a dataset at a preset's size and length. */
  | { type: 'real'; dataset: ShippedDataset; preset: string; count: number; seed: number }
  | { type: 'export' }
  | { type: 'import'; modelJson: string; weights: ArrayBuffer; gmmJson?: string };

export interface FitReport {
  components: number;
  codes: number;
  iterations: number;
  /** Mean log-likelihood per code of the fitted codes. */
  logLikelihood: number;
  converged: boolean;
  notes: string[];
}

export type FromBaseline =
  | { type: 'backend'; info: BackendInfo }
  | { type: 'step'; iteration: number; loss: number; done: number; total: number }
  | { type: 'stopped'; iteration: number }
  | { type: 'fitted'; report: FitReport }
  | { type: 'samples'; clips: ClipData[] }
  | { type: 'real'; clips: ClipData[] }
  /** The autoencoder as a VGAN weights file, and the mixture's JSON when one is fitted. */
  | { type: 'files'; modelJson: string; weights: ArrayBuffer; gmmJson: string | null }
  /** A file was loaded: the settings it fixes, so that training goes on with them. */
  | { type: 'loaded'; iteration: number; preset: string; seed: number; fitted: boolean }
  /** `skipped`: a bad clip or shard that the data loader left out; the work went on. */
  | { type: 'error'; message: string; skipped?: boolean };
