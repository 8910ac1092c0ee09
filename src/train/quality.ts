// Quality while training: the numbers of src/data/clip-stats.ts for samples from fixed latent codes, beside
// the same numbers for real clips, and one score (0 = the real clips') to keep the best checkpoint by.
// trainer/vgan/quality.py is the PyTorch twin (same definitions, same score).
import * as tf from '../tf';
import { deriveSeed } from '../model/seed';
import type { ModelConfig } from '../model/config';
import type { VganModel } from '../model/networks';
import type { ClipMaker } from './data-source';
import { backgroundStillness, flicker, highFrequency, maskCoverage, realClips, type ClipShape, type RealClips } from '../data/clip-stats';
import type { ClipData } from '../model/sample';

export interface QualityNumbers {
  flicker: number;
  highFrequency: number;
  /** Two-stream samples, or real clips with true masks. */
  maskCoverage?: number;
  stillness?: number;
}

export interface QualityMeasurement {
  /** Iterations completed when measured. */
  iterations: number;
  quality: QualityNumbers;
  real: QualityNumbers;
  score: number;
}

export function describeClips(video: Float32Array, mask: Float32Array | undefined, shape: ClipShape): QualityNumbers {
  const numbers: QualityNumbers = { flicker: flicker(video, shape), highFrequency: highFrequency(video, shape) };
  if (mask) {
    numbers.maskCoverage = maskCoverage(mask);
    numbers.stillness = backgroundStillness(video, mask, shape);
  }
  return numbers;
}

/**
 * Distance from the real clips' numbers: the sum of |log ratio| of flicker, high frequency and, where both
 * have one, mask coverage. 0 is the real clips'; flicker or grain twice the real clips' each add log 2.
 */
export function qualityScore(model: QualityNumbers, real: QualityNumbers): number {
  const ratio = (a: number, b: number) => Math.abs(Math.log(Math.max(a, 1e-6) / Math.max(b, 1e-6)));
  let score = ratio(model.flicker, real.flicker) + ratio(model.highFrequency, real.highFrequency);
  if (model.maskCoverage !== undefined && real.maskCoverage !== undefined) score += ratio(model.maskCoverage, real.maskCoverage);
  return score;
}

/** Scores a generator's samples (inference mode) against real clips: fixed codes from `seed`, or the real first frames. */
export async function measureQuality(model: VganModel, real: RealClips, seed: number, iterations: number): Promise<QualityMeasurement> {
  const { clips, frames, size } = real;
  const out = tf.tidy(() => {
    const input =
      model.kind === 'future'
        ? tf
            .tensor5d(real.video, [clips, frames, size, size, 3])
            .slice([0, 0, 0, 0, 0], [clips, 1, size, size, 3])
            .reshape([clips, size, size, 3])
        : tf.randomNormal([clips, model.config.zDim], 0, 1, 'float32', deriveSeed(seed, 'quality'));
    const generated = model.generate(input, { training: false });
    return { video: generated.video, mask: generated.mask };
  });
  try {
    // One wait for both read-backs.
    const [video, mask] = (await Promise.all([out.video.data(), out.mask?.data()])) as [Float32Array, Float32Array | undefined];
    const quality = describeClips(video, mask, real);
    const realNumbers = describeClips(real.video, real.mask, real);
    return { iterations, quality, real: realNumbers, score: qualityScore(quality, realNumbers) };
  } finally {
    tf.dispose([out.video, out.mask]);
  }
}

/**
 * Real procedural clips to score samples against: clips no training stream draws (run seed derived from
 * `seed` and "reference"), with their true masks; trainer/train.py's reference_clips draws the same ones.
 */
export function referenceClips(maker: ClipMaker, seed: number, count: number, config: ModelConfig): RealClips {
  const clips = Array.from({ length: count }, (_, i) => {
    const { rgb, mask } = maker(deriveSeed(seed, 'reference'), i, config);
    return { key: `reference${i}`, rgb, mask };
  });
  return realClips(clips, config.frames, config.size);
}

/** Clips as the training worker sends them to the page (same size, no masks), joined as RealClips. */
export function clipDataToReal(clips: ClipData[]): RealClips {
  if (clips.length === 0) throw new Error('no real clips to compare with');
  const { frames, size } = clips[0];
  const video = new Float32Array(clips.length * frames * size * size * 3);
  clips.forEach((c, k) => {
    video.set(c.data, k * c.data.length);
  });
  return { clips: clips.length, frames, size, video };
}
