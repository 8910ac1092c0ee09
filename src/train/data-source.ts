// Where real batches come from, for every worker: a procedural dataset's clips made on the fly from the
// seed (nothing to download), a dataset of shards streamed by the loader, or the user's own video.
// openBatchSource makes that choice from the dataset registry (src/data/datasets.ts).
import * as tf from '../tf';
import type { ModelConfig } from '../model/config';
import { deriveSeed } from '../model/seed';
import { fromRgba } from '../data/codec';
import { datasets, type DatasetName, type Generator } from '../data/datasets';
import { DataError } from '../data/errors';
import { joinUrl } from '../data/http';
import { memoryFetch } from '../data/own-video';
import type { BuiltDataset } from '../data/shards';
import { atlasDigits, DIGITS_FILE, movingMnistClip, MOVING_MNIST_SIDE, type DigitAtlas } from '../data/moving-mnist';
import { generateShapesClip } from '../data/shapes';
import { openDataset, type LoaderOptions, type VideoDataset } from '../data/loader';

type Geometry = Pick<ModelConfig, 'size' | 'frames' | 'frameStride'>;

/** A clip drawn on the fly: frames × size × size × 3 bytes, and its true mask (frames × size × size, 0–255). */
export interface TrainingClip {
  rgb: Uint8Array;
  mask: Uint8Array;
}

/** Clip `index` of a run with `seed`, at a config's geometry: what a procedural dataset's generator gives. */
export type ClipMaker = (seed: number, index: number, geometry: Geometry) => TrainingClip;

/**
 * Frames 0, stride, 2·stride, … of a clip drawn `side` pixels wide, box-averaged down to `size` (a divisor
 * of `side`) with exact integer rounding, so that Python can repeat it byte for byte.
 */
function trainingFrames(full: TrainingClip, side: number, { size, frames, frameStride }: Geometry): TrainingClip {
  const k = side / size;
  if (!Number.isInteger(k)) throw new DataError(`clips drawn at ${side}² cannot be box-averaged to ${size}²`);
  const pick = (src: Uint8Array, channels: number) => {
    const [plane, outPlane] = [side * side * channels, size * size * channels];
    const out = new Uint8Array(frames * outPlane);
    for (let t = 0; t < frames; t++) {
      const from = t * frameStride * plane;
      // Drawn at the preset's size (shapes): the frame as it is.
      if (k === 1) out.set(src.subarray(from, from + plane), t * outPlane);
      else boxFrame(src.subarray(from, from + plane), side, k, channels, out.subarray(t * outPlane, (t + 1) * outPlane));
    }
    return out;
  };
  return { rgb: pick(full.rgb, 3), mask: pick(full.mask, 1) };
}

/** A frame `side` pixels wide, k×k box-averaged into `out` with exact half-up integer rounding. */
function boxFrame(frame: Uint8Array, side: number, k: number, channels: number, out: Uint8Array): void {
  const size = side / k;
  const area = k * k;
  for (let i = 0; i < out.length; i++) {
    const c = i % channels;
    const pixel = (i - c) / channels;
    const [y, x] = [Math.floor(pixel / size), pixel % size];
    let sum = 0;
    for (let dy = 0; dy < k; dy++) {
      for (let dx = 0; dx < k; dx++) sum += frame[((y * k + dy) * side + x * k + dx) * channels + c];
    }
    out[i] = Math.floor((2 * sum + area) / (2 * area));
  }
}

/**
 * Shapes clip `index` of a training run with `seed`: `frames` frames, every `frameStride`-th of a clip
 * drawn frames·frameStride long, so the clip spans the config's time. trainer/vgan/procedural.py is its twin.
 */
export const shapesTrainingClip: ClipMaker = (seed, index, geometry) =>
  trainingFrames(
    generateShapesClip(deriveSeed(seed, 'shapes', index), { size: geometry.size, frames: geometry.frames * geometry.frameStride }),
    geometry.size,
    geometry,
  );

/**
 * Moving-MNIST clips drawn from a digit atlas as the stored dataset's are (64², frames·frameStride frames),
 * then strided and box-averaged to the config's geometry. trainer/vgan/procedural.py is its twin.
 */
export function movingMnistClips(atlas: DigitAtlas): ClipMaker {
  const { digits, samplesPerDigit } = atlasDigits(atlas);
  return (seed, index, geometry) => {
    const frames = geometry.frames * geometry.frameStride;
    const clip = movingMnistClip(digits, deriveSeed(seed, 'moving-mnist', index), index, {
      size: MOVING_MNIST_SIDE,
      frames,
      samplesPerDigit,
    });
    return trainingFrames(clip, MOVING_MNIST_SIDE, geometry);
  };
}

export interface BatchSource {
  /** A real batch [N, T, H, W, 3] in [−1, 1]; the caller disposes it. */
  next(): Promise<tf.Tensor5D>;
  dispose(): void;
}

/** Batches of clips made on the fly at the config's geometry; clip k of the run comes from (seed, k). */
export function proceduralSource(clip: ClipMaker, config: ModelConfig, batchSize: number, seed: number): BatchSource {
  let index = 0;
  return {
    async next() {
      const { size, frames } = config;
      const n = frames * size * size * 3;
      const values = new Float32Array(batchSize * n);
      for (let b = 0; b < batchSize; b++) {
        const { rgb } = clip(seed, index++, config);
        for (let i = 0; i < n; i++) values[b * n + i] = rgb[i] / 127.5 - 1;
      }
      return tf.tensor5d(values, [batchSize, frames, size, size, 3]);
    },
    dispose() {},
  };
}

/** Shapes batches, the default dataset's, which need nothing downloaded. */
export const shapesSource = (config: ModelConfig, batchSize: number, seed: number) =>
  proceduralSource(shapesTrainingClip, config, batchSize, seed);

/** Batches from a shard dataset at `baseUrl`, looping over it forever in a seeded order. */
export async function datasetSource(
  baseUrl: string,
  config: ModelConfig,
  batchSize: number,
  seed: number,
  options: Pick<LoaderOptions, 'decoder' | 'fetch' | 'onProgress' | 'onError' | 'mirror'>,
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

/** The clip maker of a procedural dataset's generator, with what it reads from `root` (moving-mnist's digits). */
export async function openClipMaker(generator: Generator, options: Pick<SourceOptions, 'root' | 'fetch' | 'decoder'>): Promise<ClipMaker> {
  if (generator === 'shapes') return shapesTrainingClip;
  const url = joinUrl(joinUrl(options.root, datasets['moving-mnist'].files), DIGITS_FILE);
  const response = await (options.fetch ?? fetch)(url);
  if (!response.ok) throw new DataError(`${url}: HTTP ${response.status}; the moving-mnist digits are needed to draw its clips`);
  const image = await options.decoder.decode(new Uint8Array(await response.arrayBuffer()), 'png', url);
  return movingMnistClips({ grey: fromRgba(image, 1), width: image.width, height: image.height });
}

export interface SourceOptions extends Pick<LoaderOptions, 'decoder' | 'fetch' | 'onProgress' | 'onError' | 'mirror'> {
  /** The site's root, under which a dataset's `files` lie: the base URL in a worker; '' in Node, with `fetch` reading public/. */
  root: string;
  /** The user's own video, cut into shards in the page: what the `own` dataset reads. */
  own?: BuiltDataset | null;
}

/** Batches, and how many clips one pass over them holds (Infinity for clips made on the fly, with their maker). */
export type CountedSource = BatchSource & { clips: number; maker?: ClipMaker };

/** A registered dataset's batches, made, streamed or read from the page as its entry's kind says. */
export async function openBatchSource(
  name: DatasetName,
  config: ModelConfig,
  batchSize: number,
  seed: number,
  options: SourceOptions,
): Promise<CountedSource> {
  const entry = datasets[name];
  const { root, own, ...loader } = options;
  if (entry.kind === 'procedural') {
    const maker = await openClipMaker(entry.generator, { root, ...loader });
    return { ...proceduralSource(maker, config, batchSize, seed), clips: Infinity, maker };
  }
  let source: Awaited<ReturnType<typeof datasetSource>>;
  if (entry.kind === 'own') {
    if (!own) throw new DataError('No video of your own is loaded in this page: drop or pick one under "Your own video" first.');
    source = await datasetSource('', config, batchSize, seed, { decoder: loader.decoder, fetch: memoryFetch(own), mirror: loader.mirror });
  } else {
    source = await datasetSource(joinUrl(root, entry.files), config, batchSize, seed, loader);
  }
  return { next: () => source.next(), dispose: () => source.dispose(), clips: source.dataset.manifest.clips };
}
