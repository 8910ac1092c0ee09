// A playground training session: the trainer, its data, and the fixed latent codes whose samples show
// progress. The worker drives it from messages; tests drive it directly.
import * as tf from '../tf';
import type { ClipData, SampleClips } from '../model/sample';
import { sampleClips } from '../model/sample';
import { configOverrides, liveKeys, pick, trainerKeys, type Settings } from '../settings';
import type { BatchSource } from './data-source';
import type { StageListener } from './stages';
import { Trainer, type DStats, type GStats, type TrainerOptions } from './trainer';

export type StepKind = 'D' | 'G' | 'both';

export interface StepReport extends Partial<DStats & GStats> {
  kind: StepKind;
  /** Completed generator updates after this step. */
  iteration: number;
  /** Wall-clock time of the step, data included. */
  ms: number;
  numTensors: number;
  numBytes: number;
}

/** Samples in the grid of fixed latent codes. */
export const GRID_SIZE = 8;

/** The Trainer's options among the settings (the table marks them), and the config fields settings override. */
export function trainerOptions(s: Settings): Partial<TrainerOptions> {
  return { ...pick(s, trainerKeys), augment: s.augment === 'on', config: configOverrides(s) };
}

/** The trainer options that apply to a running trainer: a restored model keeps the rest from its file. */
const liveTrainerKeys = trainerKeys.filter((k) => liveKeys.includes(k));
export function liveTrainerOptions(s: Settings): Partial<TrainerOptions> {
  return pick(s, liveTrainerKeys);
}

/** One layer's output for one sample, drawn as a picture: the channel mean of its middle frame, scaled to [0, 1]. */
export interface LayerView {
  name: string;
  /** The layer's output shape for one sample, channels last. */
  shape: number[];
  side: [number, number];
  pixels: Float32Array;
}

export class TrainingSession {
  readonly trainer: Trainer;
  /** The grid's fixed generator inputs: latent codes, or for the future model the first frames of real clips. */
  private grid: Promise<tf.Tensor> | null = null;

  constructor(
    settings: Settings,
    private readonly source: BatchSource,
    trainer?: Trainer,
  ) {
    this.trainer = trainer ?? new Trainer(trainerOptions(settings));
    if (this.trainer.model.kind === 'unconditional') this.grid = Promise.resolve(this.trainer.latent(GRID_SIZE, 'grid'));
  }

  /** The future model's frames are taken on first use: the data loads asynchronously. */
  private gridInput(): Promise<tf.Tensor> {
    this.grid ??= this.withBatch(async (batch) =>
      tf.tidy(() => {
        const [n, , h, w, c] = batch.shape;
        const k = Math.min(GRID_SIZE, n);
        return batch.slice([0, 0, 0, 0, 0], [k, 1, h, w, c]).reshape([k, h, w, c]);
      }),
    ).catch((e: unknown) => {
      this.grid = null; // a data error: try another batch next time
      throw e;
    });
    return this.grid;
  }

  /** Applies the settings that need no new model: the live trainer options, learning rates and β1. */
  update(settings: Settings): void {
    const t = this.trainer;
    Object.assign(t.options, liveTrainerOptions(settings));
    t.optD.learningRate = settings.lrD;
    t.optG.learningRate = settings.lrG;
    t.optD.beta1 = t.optG.beta1 = settings.beta1;
  }

  private async withBatch<T>(run: (batch: tf.Tensor5D) => Promise<T>): Promise<T> {
    const batch = await this.source.next();
    try {
      return await run(batch);
    } finally {
      batch.dispose();
    }
  }

  /**
   * One D update, one G update, or the rest of the iteration (Trainer.step: dSteps D updates then gSteps G
   * updates, each on a fresh batch); with `onStage`, the iteration is run stage by stage (Trainer.stepThrough).
   */
  async step(kind: StepKind, onStage?: StageListener): Promise<StepReport> {
    const start = performance.now();
    let stats: Partial<DStats & GStats>;
    if (kind === 'D') stats = await this.withBatch((b) => this.trainer.stepD(b));
    else if (kind === 'G') stats = await this.withBatch((b) => this.trainer.stepG(b));
    else {
      const batches: tf.Tensor5D[] = [];
      try {
        while (batches.length < this.trainer.batchesPerIteration) batches.push(await this.source.next());
        stats = await (onStage ? this.trainer.stepThrough(batches, onStage) : this.trainer.step(...batches));
      } finally {
        tf.dispose(batches);
      }
    }
    const { numTensors, numBytes } = tf.memory();
    return { ...stats, kind, iteration: this.trainer.iteration, ms: performance.now() - start, numTensors, numBytes };
  }

  /** The grid's samples, with BatchNorm on the grid's own statistics (running ones left alone). */
  async samples(): Promise<SampleClips[]> {
    return sampleClips(this.trainer.sampler, await this.gridInput(), { batchStatistics: true });
  }

  /** `steps` samples along the straight line between grid codes a and b. */
  async interpolate(a: number, b: number, steps: number): Promise<SampleClips[]> {
    if (this.trainer.model.kind === 'future') throw new Error('Interpolation moves between latent codes, and the future model has none.');
    const grid = await this.gridInput();
    const z = tf.tidy(() => {
      const za = grid.slice([a, 0], [1, -1]);
      const zb = grid.slice([b, 0], [1, -1]);
      const t = tf.linspace(0, 1, steps).reshape([steps, 1]);
      return za.mul(tf.sub(1, t)).add(zb.mul(t));
    });
    try {
      return await sampleClips(this.trainer.sampler, z, { batchStatistics: true });
    } finally {
      z.dispose();
    }
  }

  /** Every generator layer's output for grid sample `index`, for the teaching diagram. */
  async layerViews(index: number): Promise<LayerView[]> {
    const shapes: Array<{ name: string; shape: number[] }> = [];
    const grid = await this.gridInput();
    const pictures = tf.tidy(() => {
      const out: tf.Tensor2D[] = [];
      // One grid input: a latent code, or the future model's input frame.
      const input = grid.slice(index, 1);
      this.trainer.sampler.generate(input, {
        training: true,
        freezeStatistics: true,
        onLayer: (name, y) => {
          shapes.push({ name, shape: y.shape.slice(1) });
          const frame = y.rank === 5 ? y.slice([0, Math.floor(y.shape[1]! / 2)], [1, 1]).squeeze([0, 1]) : y.squeeze([0]);
          const m = frame.mean(-1) as tf.Tensor2D;
          const [lo, hi] = [m.min(), m.max()];
          out.push(tf.keep(m.sub(lo).div(hi.sub(lo).add(1e-8))));
        },
      });
      return out;
    });
    const data = await Promise.all(pictures.map((p) => p.data() as Promise<Float32Array>));
    const views = pictures.map((p, i) => ({ ...shapes[i], side: p.shape as [number, number], pixels: data[i] }));
    tf.dispose(pictures);
    return views;
  }

  /** A few real training clips, to show beside the samples. */
  realClips(n: number): Promise<ClipData[]> {
    return this.withBatch(async (batch) => {
      const { frames, size } = this.trainer.config;
      const data = (await batch.data()) as Float32Array;
      const len = frames * size * size * 3;
      return Array.from({ length: Math.min(n, batch.shape[0]) }, (_, i) => ({
        data: data.slice(i * len, (i + 1) * len),
        frames,
        size,
        channels: 3 as const,
      }));
    });
  }

  dispose(): void {
    void this.grid?.then(
      (t) => t.dispose(),
      () => undefined,
    );
    this.trainer.dispose();
    this.source.dispose();
  }
}
