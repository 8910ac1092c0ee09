// Where real batches come from, for every worker: a procedural dataset's clips made on the fly from the
// seed (nothing to download), a dataset of shards streamed by the loader, or the user's own video.
// openBatchSource makes that choice from the dataset registry (src/data/datasets.ts).
import * as tf from '../tf';
import type { ModelConfig } from '../model/config';
import { deriveSeed } from '../model/seed';
import { datasets, type DatasetName, type PageGenerator } from '../data/datasets';
import { DataError } from '../data/errors';
import { joinUrl } from '../data/http';
import { memoryFetch } from '../data/own-video';
import type { BuiltDataset } from '../data/shards';
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

/** The generators that run in the page, by the name a procedural dataset gives. */
const proceduralSources: Record<PageGenerator, typeof shapesSource> = { shapes: shapesSource };

export interface SourceOptions extends Pick<LoaderOptions, 'decoder' | 'fetch' | 'onProgress' | 'onError'> {
  /** The site's root, under which a dataset's `files` lie: the base URL in a worker; '' in Node, with `fetch` reading public/. */
  root: string;
  /** The user's own video, cut into shards in the page: what the `own` dataset reads. */
  own?: BuiltDataset | null;
}

/** Batches, and how many clips one pass over them holds (Infinity for clips made on the fly). */
export type CountedSource = BatchSource & { clips: number };

/** A registered dataset's batches, made, streamed or read from the page as its entry's kind says. */
export async function openBatchSource(
  name: DatasetName,
  config: ModelConfig,
  batchSize: number,
  seed: number,
  options: SourceOptions,
): Promise<CountedSource> {
  const entry = datasets[name];
  if (entry.kind === 'procedural') return { ...proceduralSources[entry.generator](config, batchSize, seed), clips: Infinity };
  const { root, own, ...loader } = options;
  let source: Awaited<ReturnType<typeof datasetSource>>;
  if (entry.kind === 'own') {
    if (!own) throw new DataError('No video of your own is loaded in this page: drop or pick one under "Your own video" first.');
    source = await datasetSource('', config, batchSize, seed, { decoder: loader.decoder, fetch: memoryFetch(own) });
  } else {
    source = await datasetSource(joinUrl(root, entry.files), config, batchSize, seed, loader);
  }
  return { next: () => source.next(), dispose: () => source.dispose(), clips: source.dataset.manifest.clips };
}
