// Messages between the page and the research worker, which runs the representation-learning experiment,
// the encoder unit search and the automatic metrics off the main thread, one job at a time.
import type { BackendInfo } from '../backend';
import type { GpuErrorEvent } from '../gpu-watch';
import type { ShippedDataset } from '../data/datasets';
import type { ClipData } from '../model/sample';
import type { BudgetResult } from './finetune';
import type { MetricRow } from './metrics';
import type { UnitHit } from './units';

/** Where a job's model comes from. */
export type ModelSource =
  /** A shipped model under public/weights/. */
  | { from: 'pretrained'; name: string }
  /** A playground autosave in this browser's IndexedDB (tf.io URL `indexeddb://…`). */
  | { from: 'autosave'; url: string }
  /** `name`: the model.json's file name (or where it came from), for messages. */
  | { from: 'file'; name: string; modelJson: string; weights: ArrayBuffer };

export interface RepresentationJob {
  source: ModelSource;
  /** Clips of moving-mnist to use (at most the dataset's 448). */
  clips: number;
  steps: number;
  batchSize: number;
  seed: number;
}

export interface UnitsJob {
  source: ModelSource;
  dataset: ShippedDataset;
  /** First frames searched. */
  images: number;
  layer: string;
  channel: number;
  k: number;
}

export interface MetricsJob {
  source: ModelSource;
  dataset: ShippedDataset;
  clips: number;
  features: 'random' | 'discriminator';
  seed: number;
}

export type ToResearch =
  | { type: 'representation'; job: RepresentationJob }
  | { type: 'units'; job: UnitsJob }
  | { type: 'metrics'; job: MetricsJob }
  /** Lists the playground's autosaves in this browser. */
  | { type: 'autosaves' };

export interface ModelSummary {
  kind: 'unconditional' | 'future';
  size: number;
  frames: number;
  /** The future model's encoder layers and their channel counts (for the unit picker). */
  encoder: Array<{ name: string; channels: number }>;
}

export interface RepresentationResult {
  rows: BudgetResult[];
  /** With the run's last rows. */
  summary?: { train: number; test: number; features: string };
}
/** Top images: each hit with its first frame (one-frame ClipData). */
export interface UnitsResult {
  hits: Array<UnitHit & { frame: ClipData }>;
}
export interface MetricsResult {
  rows: MetricRow[];
  clips: number;
  /** Other real clips behind an unconditional model's baseline and the Fréchet floor (0: none). */
  heldOut: number;
  features: string;
}

/** A job's progress: a step of it, or the representation experiment's rows so far. */
export type ResearchProgress = { label: string; done: number; total: number } | { rows: BudgetResult[] };

export interface ResearchApi {
  requests: ToResearch;
  results: { representation: RepresentationResult; units: UnitsResult; metrics: MetricsResult; autosaves: string[] };
  progress: ResearchProgress;
  events: { type: 'backend'; info: BackendInfo } | GpuErrorEvent | { type: 'model'; summary: ModelSummary };
}
