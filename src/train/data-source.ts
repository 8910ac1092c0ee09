// Where a training session's real batches come from: the procedural shapes scenes (made on the fly from
// the seed, nothing to download), or a dataset of shards streamed by the loader.
import * as tf from '../tf';
import type { ModelConfig } from '../model/config';
import { deriveSeed } from '../model/seed';
import { generateShapesClip, type ShapesClip } from '../data/shapes';
import { openDataset, type LoaderOptions, type VideoDataset } from '../data/loader';

/**
 * Clip `index` of a training run with `seed`: `frames` frames, every `frameStride`-th of a clip drawn
 * frames·frameStride long, so the clip spans the config's time. trainer/vgan/procedural.py is its twin.
 */
export function shapesTrainingClip(
  seed: number,
  index: number,
  { size, frames, frameStride }: Pick<ModelConfig, 'size' | 'frames' | 'frameStride'>,
): ShapesClip {
  const full = generateShapesClip(deriveSeed(seed, 'shapes', index), { size, frames: frames * frameStride });
  if (frameStride === 1) return full;
  const plane = size * size;
  const rgb = new Uint8Array(frames * plane * 3);
  const mask = new Uint8Array(frames * plane);
  for (let t = 0; t < frames; t++) {
    rgb.set(full.rgb.subarray(t * frameStride * plane * 3, (t * frameStride + 1) * plane * 3), t * plane * 3);
    mask.set(full.mask.subarray(t * frameStride * plane, (t * frameStride + 1) * plane), t * plane);
  }
  return { rgb, mask, sprites: full.sprites };
}

export interface BatchSource {
  /** A real batch [N, T, H, W, 3] in [−1, 1]; the caller disposes it. */
  next(): Promise<tf.Tensor5D>;
  dispose(): void;
}

/**
 * Shapes scenes at the config's size, frame count and time span; clip k of the run comes from (seed, k).
 * trainer/vgan/procedural.py draws the same clips in Python.
 */
export function shapesSource(config: ModelConfig, batchSize: number, seed: number): BatchSource {
  let index = 0;
  return {
    async next() {
      const { size, frames } = config;
      const n = frames * size * size * 3;
      const values = new Float32Array(batchSize * n);
      for (let b = 0; b < batchSize; b++) {
        const { rgb } = shapesTrainingClip(seed, index++, config);
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
    frameStride: config.frameStride,
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
