// Where a training session's real batches come from: the procedural shapes scenes (made on the fly from
// the seed, nothing to download), or a dataset of shards streamed by the loader.
import * as tf from '../tf';
import type { ModelConfig } from '../model/config';
import { deriveSeed } from '../model/seed';
import { generateShapesClip } from '../data/shapes';
import { openDataset, type LoaderOptions, type VideoDataset } from '../data/loader';

export interface BatchSource {
  /** A real batch [N, T, H, W, 3] in [−1, 1]; the caller disposes it. */
  next(): Promise<tf.Tensor5D>;
  dispose(): void;
}

/** Shapes scenes at the preset's size and frame count; clip k of the run comes from (seed, k). */
export function shapesSource(config: ModelConfig, batchSize: number, seed: number): BatchSource {
  let index = 0;
  return {
    async next() {
      const { size, frames } = config;
      const n = frames * size * size * 3;
      const values = new Float32Array(batchSize * n);
      for (let b = 0; b < batchSize; b++) {
        const { rgb } = generateShapesClip(deriveSeed(seed, 'shapes', index++), { size, frames });
        for (let i = 0; i < n; i++) values[b * n + i] = rgb[i] / 127.5 - 1;
      }
      return tf.tensor5d(values, [batchSize, frames, size, size, 3]);
    },
    dispose() {},
  };
}

/** Batches from a shard dataset at `baseUrl`, looping over it forever in a seeded order. */
export async function datasetSource(
  baseUrl: string,
  config: ModelConfig,
  batchSize: number,
  seed: number,
  options: Pick<LoaderOptions, 'decoder' | 'fetch' | 'onProgress' | 'onError'>,
): Promise<BatchSource & { dataset: VideoDataset }> {
  const dataset = await openDataset(baseUrl, {
    ...options,
    size: config.size,
    frames: config.frames,
    batchSize,
    seed,
    epochs: Infinity,
    // Keep short epochs: a small dataset of your own may hold fewer clips than one batch.
    dropRemainder: false,
  });
  const batches = dataset.batches();
  return {
    dataset,
    async next() {
      const { value, done } = await batches.next();
      if (done || !value) throw new Error(`dataset ${baseUrl} has no usable clips (${dataset.errors.length} problems reported)`);
      value.mask?.dispose();
      return value.video;
    },
    dispose() {
      void batches.return(undefined);
    },
  };
}
