// Streams a dataset's shards (fetch in the browser, an injected fetch in Node), verifies size and
// sha256, decodes clips with an injected decoder (a worker pool in the browser, jpeg-js in Node),
// shuffles them through a seeded buffer and yields [batch, frames, size, size, 3] tensors in [−1, 1].
import * as tf from '@tensorflow/tfjs-core';
import { sha256Hex, type ImageDecoder } from './codec';
import { DataError, IntegrityError, errorMessage } from './errors';
import { fetchJson, joinUrl, readBody, type Fetch } from './http';
import { checkShard, parseManifest, type Labels, type Manifest, type ShardInfo } from './format';
import { centreSquare, resizeRegion } from './image';
import { randomInt, seededRandom, shuffle } from './random';
import { decodeClip, type Clip } from './shards';
import { groupByKey, readTar } from './tar';

export interface LoadProgress {
  shardsDone: number;
  shards: number;
  bytesLoaded: number;
  bytesTotal: number;
  clipsLoaded: number;
  /** The shard being fetched, if any: shards are fetched only as batches are asked for, so a bar over the whole dataset would stall. */
  shard: { name: string; bytesLoaded: number; bytes: number } | null;
}

export interface LoaderOptions {
  /** Output frame side; frames are centre-cropped to a square and resampled. */
  size: number;
  /** Output frames per clip: source frames 0, s, 2s, … (s = frameStride), the last repeated when a clip is short. */
  frames: number;
  /** Keep every frameStride-th source frame (default 1): the model config's time span. */
  frameStride?: number;
  batchSize: number;
  decoder: ImageDecoder;
  fetch?: Fetch;
  seed?: number;
  /** Clips held for shuffling (default 8 batches). */
  shuffleBuffer?: number;
  /** Passes over the data (default 1; Infinity streams forever). */
  epochs?: number;
  /** Also yield the ground-truth masks, for datasets that have them. */
  withMask?: boolean;
  /** Drop the last, smaller batch of an epoch (default false). */
  dropRemainder?: boolean;
  /** Flip each clip left–right with probability ½ (a seeded stream of its own): twice the scenes from few sources. */
  mirror?: boolean;
  onProgress?: (p: LoadProgress) => void;
  /** Called for every problem; the loader skips what is broken and goes on. */
  onError?: (e: DataError) => void;
}

/** One clip resampled to the requested size and frame count. */
export interface PreparedClip {
  key: string;
  labels?: Labels;
  /** frames × size × size × 3. */
  rgb: Uint8Array;
  /** frames × size × size, 0-255. */
  mask?: Uint8Array;
}

export interface Batch {
  /** [batch, frames, size, size, 3] in [−1, 1]. */
  video: tf.Tensor5D;
  /** [batch, frames, size, size, 1] in [0, 1], when asked for and present in every clip of the batch. */
  mask?: tf.Tensor5D;
  keys: string[];
  labels: (Labels | undefined)[];
}

/** Keep verified shards in memory between epochs when the whole dataset is at most this big. */
const CACHE_LIMIT_BYTES = 256 << 20;

/**
 * Resamples a decoded clip to `size` × `size` × `frames`, taking every `stride`-th source frame and repeating
 * its last frame when it is short.
 */
export function prepareClip(clip: Clip, size: number, frames: number, stride = 1): PreparedClip {
  const { frameWidth: w, frameHeight: h, frames: have } = clip.meta;
  const square = centreSquare(w, h);
  const plane = size * size;
  const rgb = new Uint8Array(frames * plane * 3);
  const mask = clip.mask && new Uint8Array(frames * plane);
  for (let t = 0; t < frames; t++) {
    const rect = { ...square, y: square.y + Math.min(t * stride, have - 1) * h };
    resizeRegion(clip.rgb, w, h * have, 3, rect, size, size, rgb, t * plane * 3);
    if (mask) resizeRegion(clip.mask!, w, h * have, 1, rect, size, size, mask, t * plane);
  }
  return { key: clip.key, labels: clip.meta.labels, rgb, ...(mask ? { mask } : {}) };
}

export class VideoDataset {
  readonly errors: DataError[] = [];
  private readonly cache = new Map<string, Uint8Array>();
  private readonly progress: LoadProgress;

  constructor(
    readonly manifest: Manifest,
    private readonly baseUrl: string,
    private readonly opts: LoaderOptions,
  ) {
    this.progress = { shardsDone: 0, shards: 0, bytesLoaded: 0, bytesTotal: 0, clipsLoaded: 0, shard: null };
  }

  private report(e: unknown, context: string) {
    const err = e instanceof DataError ? e : new DataError(errorMessage(e), { cause: e });
    err.message = `${context}: ${err.message}`;
    this.errors.push(err);
    this.opts.onError?.(err);
  }

  private async fetchShard(info: ShardInfo): Promise<Uint8Array> {
    const cached = this.cache.get(info.name);
    if (cached) return cached;
    const response = await (this.opts.fetch ?? fetch)(joinUrl(this.baseUrl, info.name));
    if (!response.ok) throw new DataError(`HTTP ${response.status} ${response.statusText}`);
    const shard = { name: info.name, bytesLoaded: 0, bytes: info.bytes };
    const bytes = await readBody(response, info.bytes, (n) => {
      this.progress.bytesLoaded += n;
      shard.bytesLoaded += n;
      this.opts.onProgress?.({ ...this.progress, shard: { ...shard } });
    });
    // A shard that is not the one the manifest describes is skipped whole, as trainer/vgan/data.py does:
    // clips salvaged from a replaced or damaged file would train on data nobody vetted.
    if (bytes.length !== info.bytes) {
      throw new IntegrityError(`${bytes.length} bytes, the manifest declares ${info.bytes} (truncated or replaced); shard skipped`);
    }
    if ((await sha256Hex(bytes)) !== info.sha256) {
      throw new IntegrityError(`sha256 differs from the manifest's ${info.sha256} (corrupted or replaced); shard skipped`);
    }
    if (this.manifest.shards.reduce((n, s) => n + s.bytes, 0) <= CACHE_LIMIT_BYTES) {
      this.cache.set(info.name, bytes);
    }
    return bytes;
  }

  /** Every usable clip of one pass, shards in a seeded order; broken parts are reported and skipped. */
  async *clips(epoch = 0): AsyncGenerator<PreparedClip> {
    const { size, frames, decoder, withMask = false } = this.opts;
    const shards: ShardInfo[] = [];
    this.manifest.shards.forEach((s, i) => {
      try {
        shards.push(checkShard(s, i));
      } catch (e) {
        this.report(e, 'manifest');
      }
    });
    shuffle(shards, seededRandom((this.opts.seed ?? 0) + 7919 * epoch));
    Object.assign(this.progress, {
      shardsDone: 0,
      shards: shards.length,
      bytesLoaded: 0,
      bytesTotal: shards.reduce((n, s) => n + s.bytes, 0),
    });
    for (const info of shards) {
      let bytes: Uint8Array;
      try {
        bytes = await this.fetchShard(info);
      } catch (e) {
        this.report(e, info.name);
        continue;
      }
      const { entries, errors } = readTar(bytes);
      errors.forEach((e) => {
        this.report(e, info.name);
      });
      const decoded = await Promise.allSettled([...groupByKey(entries)].map(([key, files]) => decodeClip(key, files, decoder, withMask)));
      for (const result of decoded) {
        if (result.status === 'rejected') {
          this.report(result.reason, info.name);
          continue;
        }
        this.progress.clipsLoaded++;
        yield prepareClip(result.value, size, frames, this.opts.frameStride);
      }
      this.progress.shardsDone++;
      this.opts.onProgress?.({ ...this.progress, shard: null });
    }
  }

  /** Shuffled batches; the tensors belong to the caller, who must dispose of them. */
  async *batches(): AsyncGenerator<Batch> {
    const { batchSize, epochs = 1, dropRemainder = false } = this.opts;
    const rand = seededRandom(this.opts.seed ?? 0);
    const flip = this.opts.mirror ? seededRandom((this.opts.seed ?? 0) + MIRROR_STREAM) : null;
    const capacity = Math.max(1, this.opts.shuffleBuffer ?? 8 * batchSize);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const buffer: PreparedClip[] = [];
      let batch: PreparedClip[] = [];
      let usable = 0;
      const take = () => {
        const i = randomInt(rand, buffer.length);
        [buffer[i], buffer[buffer.length - 1]] = [buffer[buffer.length - 1], buffer[i]];
        const clip = buffer.pop()!;
        batch.push(flip && flip() < 0.5 ? this.mirrored(clip) : clip);
      };
      for await (const clip of this.clips(epoch)) {
        usable++;
        buffer.push(clip);
        if (buffer.length >= capacity) take();
        if (batch.length === batchSize) {
          yield this.toBatch(batch);
          batch = [];
        }
      }
      while (buffer.length > 0) {
        take();
        if (batch.length === batchSize) {
          yield this.toBatch(batch);
          batch = [];
        }
      }
      if (batch.length > 0 && !dropRemainder) yield this.toBatch(batch);
      if (usable === 0) throw new DataError(`dataset "${this.manifest.name}" has no usable clips (${this.errors.length} errors)`);
    }
  }

  /** A left–right flipped copy (the clip itself may be cached for the next epoch). */
  private mirrored(clip: PreparedClip): PreparedClip {
    const { size } = this.opts;
    const flip = (pixels: Uint8Array, channels: number) => {
      const out = new Uint8Array(pixels.length);
      for (let row = 0; row < pixels.length / (size * channels); row++) {
        for (let x = 0; x < size; x++) {
          const from = (row * size + x) * channels;
          out.set(pixels.subarray(from, from + channels), (row * size + size - 1 - x) * channels);
        }
      }
      return out;
    };
    return { ...clip, rgb: flip(clip.rgb, 3), mask: clip.mask && flip(clip.mask, 1) };
  }

  private toBatch(clips: PreparedClip[]): Batch {
    const { size, frames } = this.opts;
    const n = frames * size * size;
    const video = new Float32Array(clips.length * n * 3);
    clips.forEach((c, b) => {
      for (let i = 0; i < n * 3; i++) video[b * n * 3 + i] = c.rgb[i] / 127.5 - 1;
    });
    const shape: [number, number, number, number, number] = [clips.length, frames, size, size, 3];
    const batch: Batch = {
      video: tf.tensor5d(video, shape),
      keys: clips.map((c) => c.key),
      labels: clips.map((c) => c.labels),
    };
    if (this.opts.withMask && clips.every((c) => c.mask)) {
      const mask = new Float32Array(clips.length * n);
      clips.forEach((c, b) => {
        for (let i = 0; i < n; i++) mask[b * n + i] = c.mask![i] / 255;
      });
      batch.mask = tf.tensor5d(mask, [clips.length, frames, size, size, 1]);
    }
    return batch;
  }
}

/** Offset of the mirroring stream's seed from the shuffle's, so the two never coincide. */
const MIRROR_STREAM = 104729;

/** Fetches and checks `<baseUrl>/manifest.json`; shards are fetched lazily by `batches()`. */
export async function openDataset(baseUrl: string, opts: LoaderOptions): Promise<VideoDataset> {
  const url = joinUrl(baseUrl, 'manifest.json');
  const json = await fetchJson(url, opts.fetch ?? fetch, `no such dataset: ${baseUrl || 'here'}`);
  return new VideoDataset(parseManifest(json), baseUrl, opts);
}
