// Automatic metrics of a generator against real clips, and of a repeated-first-frame baseline, each beside
// the real clips' own number (trainer/vgan/quality.py computes the same ones while training):
//   flicker: how much the frames change (real clips: the motion of the data; noise and flicker: more);
//   high frequency: the difference of neighbouring pixels (grain and checkerboards raise it);
//   Fréchet distance in the feature space of a fixed network (features.ts says which and why), beside the
//   distance between two draws of real clips: the floor at this number of clips, which is far from 0 for few;
//   on data with true masks (shapes), agreement of the generator's mask with the true moving-object mask;
//   background stillness: the mean temporal standard deviation of the pixels that are background in
//   every frame (0 for a perfectly still background).
import * as tf from '../tf';
import { deriveSeed } from '../model/seed';
import type { VganModel } from '../model/networks';
import { pooledFeatures } from './features';
import { backgroundStillness, flicker, highFrequency, maskCoverage, type RealClips } from '../data/clip-stats';
import { frechetDistanceOfSamples } from './frechet';

/** Intersection over union of the masks thresholded at 0.5, and mean absolute error, over all pixels. */
export function maskAgreement(predicted: ArrayLike<number>, truth: ArrayLike<number>): { iou: number; mae: number } {
  if (predicted.length !== truth.length) throw new Error(`mask sizes differ: ${predicted.length} vs ${truth.length}`);
  let intersection = 0;
  let union = 0;
  let error = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i] >= 0.5;
    const t = truth[i] >= 0.5;
    if (p && t) intersection++;
    if (p || t) union++;
    error += Math.abs(predicted[i] - truth[i]);
  }
  // Two empty masks agree perfectly.
  return { iou: union === 0 ? 1 : intersection / union, mae: error / truth.length };
}

export interface MetricRow {
  name: string;
  /** Mean frame-to-frame change (flicker()); compare with the real clips' row. */
  flicker: number;
  /** Mean neighbouring-pixel difference (highFrequency()); compare with the real clips' row. */
  highFrequency: number;
  /** Fréchet distance to the real clips' features; in the real clips' row, that of held-out real clips (else none). */
  frechet: number | null;
  /** Against the true masks: only where generation is paired with real clips (the future model). */
  maskIoU: number | null;
  maskMAE: number | null;
  /** Share of pixels the mask marks as moving (≥ 0.5): comparable with the true masks' share even unpaired. */
  maskCoverage: number | null;
  stillness: number | null;
}

export interface MetricsOptions {
  /** The fixed network whose pooled trunk features the Fréchet distance compares. */
  featureModel: VganModel;
  /** Seed of the latent codes (unconditional models). */
  seed?: number;
  /**
   * Real clips other than `real` (any number), for an unconditional model: its samples pair with no real clip,
   * so its baseline repeats the first frames of these, not of the clips it is scored against (which would
   * share their sampling noise and favour the baseline), and the real clips' row gets their Fréchet distance
   * to `real`. Without them (and always for a future model, whose samples continue `real`) the baseline
   * repeats `real`'s first frames.
   */
  heldOut?: RealClips;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Frame 0 of every clip repeated over time: what a model that learnt no motion would show. */
export function repeatFirstFrame(video: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => {
    const [n, t, h, w, c] = video.shape;
    const first = video.slice([0, 0, 0, 0, 0], [n, 1, h, w, c]);
    return tf.concat(
      Array.from({ length: t }, () => first),
      1,
    ) as tf.Tensor5D;
  });
}

/** Each clip's first-frame mask copied to all its frames (masks are clips × frames × size × size). */
function repeatFirstFrameMask(mask: Float32Array, clips: number, frames: number, size: number): Float32Array {
  const frame = size * size;
  const out = new Float32Array(clips * frames * frame);
  for (let c = 0; c < clips; c++) {
    const first = mask.subarray(c * frames * frame, (c * frames + 1) * frame);
    for (let t = 0; t < frames; t++) out.set(first, (c * frames + t) * frame);
  }
  return out;
}

/** Pooled features of clips (a flat [clips, frames, size, size, 3] array), optionally transformed, batch by batch. */
async function featuresOf(
  net: VganModel,
  { video, clips, frames, size }: RealClips,
  batchSize: number,
  transform: (v: tf.Tensor5D) => tf.Tensor5D = (v) => v,
): Promise<Float32Array> {
  const plane = frames * size * size * 3;
  const out = new Chunks();
  for (let start = 0; start < clips; start += batchSize) {
    const n = Math.min(batchSize, clips - start);
    const f = tf.tidy(() =>
      pooledFeatures(net, transform(tf.tensor5d(video.subarray(start * plane, (start + n) * plane), [n, frames, size, size, 3]))),
    );
    try {
      await out.add(f);
    } finally {
      f.dispose();
    }
  }
  return out.join();
}

/** Chunks read back batch by batch, joined once at the end. */
class Chunks {
  private readonly parts: Float32Array[] = [];

  async add(t: tf.Tensor | undefined): Promise<void> {
    if (t) this.parts.push((await t.data()) as Float32Array);
  }

  join(): Float32Array {
    const out = new Float32Array(this.parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}

/**
 * Scores `model` and the repeated-first-frame baseline against `real`. Unconditional models draw one clip
 * per real clip from seeded codes; the future model continues each real clip's first frame, which pairs
 * its masks with the true ones. Stillness uses the true masks when paired, else the model's own mask.
 */
export async function evaluateGenerator(model: VganModel, real: RealClips, opts: MetricsOptions): Promise<MetricRow[]> {
  const { frames, size, clips } = real;
  if (frames !== model.config.frames || size !== model.config.size) {
    throw new Error(`real clips are ${frames}×${size}², the model makes ${model.config.frames}×${model.config.size}²`);
  }
  const batchSize = opts.batchSize ?? 8;
  const other = model.kind === 'future' ? undefined : opts.heldOut;
  if (other && (other.frames !== frames || other.size !== size)) {
    throw new Error(`held-out clips are ${other.frames}×${other.size}², the real clips ${frames}×${size}²`);
  }
  const plane = frames * size * size;
  const [realFeatures, modelFeatures, modelVideo, modelMask] = Array.from({ length: 4 }, () => new Chunks());
  for (let start = 0; start < clips; start += batchSize) {
    const n = Math.min(batchSize, clips - start);
    const batch = tf.tidy(() => {
      const video = tf.tensor5d(real.video.subarray(start * plane * 3, (start + n) * plane * 3), [n, frames, size, size, 3]);
      const input =
        model.kind === 'future'
          ? video.slice([0, 0, 0, 0, 0], [n, 1, size, size, 3]).reshape([n, size, size, 3])
          : tf.randomNormal([n, model.config.zDim], 0, 1, 'float32', deriveSeed(opts.seed ?? 0, 'metrics', start));
      const out = model.generate(input);
      return {
        real: pooledFeatures(opts.featureModel, video),
        fake: pooledFeatures(opts.featureModel, out.video),
        video: out.video,
        mask: out.mask,
      };
    });
    try {
      await realFeatures.add(batch.real);
      await modelFeatures.add(batch.fake);
      await modelVideo.add(batch.video);
      await modelMask.add(batch.mask);
    } finally {
      tf.dispose(Object.values(batch));
    }
    opts.onProgress?.(start + n, clips);
  }
  const reference = realFeatures.join();
  const dim = reference.length / clips;
  const frechet = (features: Float32Array, count = clips) => frechetDistanceOfSamples(features, count, reference, clips, dim);
  const floor = other ? frechet(await featuresOf(opts.featureModel, other, batchSize), other.clips) : null;
  const stillClips = other ?? real;
  const baselineFrechet = frechet(await featuresOf(opts.featureModel, stillClips, batchSize, repeatFirstFrame), stillClips.clips);
  const video = modelVideo.join();
  const ownMask = model.generatorKind === 'twoStream' ? modelMask.join() : null;
  const paired = model.kind === 'future' && real.mask !== undefined && ownMask !== null;
  const agreement = paired ? maskAgreement(ownMask!, real.mask!) : null;
  const stillMask = paired ? real.mask! : ownMask;
  // The baseline's mask: for a future model, the input frame's true mask held still (objects that stay where
  // they are: the best a predictor can do where motion cannot be told from one frame); for an unconditional
  // model, whose samples pair with no clip, an empty one (a still video has nothing moving).
  const stillTruth = real.mask ? (paired ? repeatFirstFrameMask(real.mask, clips, frames, size) : new Float32Array(clips * plane)) : null;
  const baseline = stillTruth ? maskAgreement(stillTruth, real.mask!) : null;
  const first = repeatedFirstFrames(stillClips);
  const rows: MetricRow[] = [
    {
      name: 'model',
      flicker: flicker(video, real),
      highFrequency: highFrequency(video, real),
      frechet: frechet(modelFeatures.join()),
      maskIoU: agreement?.iou ?? null,
      maskMAE: agreement?.mae ?? null,
      maskCoverage: ownMask ? maskCoverage(ownMask) : null,
      stillness: stillMask ? backgroundStillness(video, stillMask, real) : null,
    },
    {
      name: 'repeated first frame',
      flicker: 0,
      highFrequency: highFrequency(first, stillClips),
      frechet: baselineFrechet,
      maskIoU: baseline?.iou ?? null,
      maskMAE: baseline?.mae ?? null,
      maskCoverage: stillTruth ? maskCoverage(stillTruth) : null,
      stillness: 0,
    },
  ];
  // The real clips' own numbers are the reference: their stillness is the data's noise floor (JPEG), and their
  // Fréchet distance (to other real clips) the floor of that metric at this number of clips.
  rows.push({
    name: 'real clips',
    flicker: flicker(real.video, real),
    highFrequency: highFrequency(real.video, real),
    frechet: floor,
    maskIoU: real.mask ? 1 : null,
    maskMAE: real.mask ? 0 : null,
    maskCoverage: real.mask ? maskCoverage(real.mask) : null,
    stillness: real.mask ? backgroundStillness(real.video, real.mask, real) : null,
  });
  return rows;
}

/** Each clip's first frame repeated, as plain values (the baseline's video). */
function repeatedFirstFrames({ video, clips, frames, size }: RealClips): Float32Array {
  const frame = size * size * 3;
  const out = new Float32Array(video.length);
  for (let n = 0; n < clips; n++) {
    const first = video.subarray(n * frames * frame, (n * frames + 1) * frame);
    for (let t = 0; t < frames; t++) out.set(first, (n * frames + t) * frame);
  }
  return out;
}
