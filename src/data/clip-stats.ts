// Statistics of clips held as plain arrays (video [clips, frames, size, size, 3] in [−1, 1], masks
// [clips, frames, size, size] in [0, 1]) that say what a person sees: how much frames change, how grainy
// they are, how much a mask covers, how still the background stays. The research metrics
// (src/eval/metrics.ts) and quality while training (src/train/quality.ts) both read them;
// trainer/vgan/quality.py computes the same numbers in PyTorch.
import type { PreparedClip } from './loader';

export interface ClipShape {
  clips: number;
  frames: number;
  size: number;
}

function checkVideo(video: ArrayLike<number>, { clips, frames, size }: ClipShape, what: string): void {
  if (video.length !== clips * frames * size * size * 3) {
    throw new Error(`${what}: a video of ${video.length} values is not ${clips}×${frames}×${size}²×3`);
  }
}

/** Mean |x[t+1] − x[t]| over clips, frame pairs, pixels and channels; `video` is [clips, frames, size, size, 3]. */
export function flicker(video: ArrayLike<number>, shape: ClipShape): number {
  checkVideo(video, shape, 'flicker');
  const { clips, frames, size } = shape;
  const frame = size * size * 3;
  if (frames < 2) return 0;
  let sum = 0;
  for (let n = 0; n < clips; n++) {
    for (let t = 0; t + 1 < frames; t++) {
      const a = (n * frames + t) * frame;
      for (let i = 0; i < frame; i++) sum += Math.abs(video[a + frame + i] - video[a + i]);
    }
  }
  return sum / (clips * (frames - 1) * frame);
}

/** Mean |difference| of horizontal neighbours and of vertical neighbours, the two averaged: grain and checkerboards. */
export function highFrequency(video: ArrayLike<number>, shape: ClipShape): number {
  checkVideo(video, shape, 'high frequency');
  const { clips, frames, size } = shape;
  if (size < 2) return 0;
  let across = 0;
  let down = 0;
  for (let f = 0; f < clips * frames; f++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const i = ((f * size + y) * size + x) * 3 + c;
          if (x + 1 < size) across += Math.abs(video[i + 3] - video[i]);
          if (y + 1 < size) down += Math.abs(video[i + size * 3] - video[i]);
        }
      }
    }
  }
  const pairs = clips * frames * size * (size - 1) * 3;
  return (across / pairs + down / pairs) / 2;
}

/**
 * Mean over clips, background pixels and colour channels of the standard deviation over time.
 * `video` is [clips, frames, size, size, 3]; `mask` [clips, frames, size, size] marks the foreground
 * (≥ 0.5); a pixel is background when no frame marks it. NaN when no pixel is background.
 */
export function backgroundStillness(video: ArrayLike<number>, mask: ArrayLike<number>, { clips, frames, size }: ClipShape): number {
  const plane = size * size;
  if (video.length !== clips * frames * plane * 3 || mask.length !== clips * frames * plane) {
    throw new Error(`stillness: video of ${video.length} and mask of ${mask.length} values do not match ${clips}×${frames}×${size}²`);
  }
  let sum = 0;
  let count = 0;
  for (let n = 0; n < clips; n++) {
    for (let p = 0; p < plane; p++) {
      let background = true;
      for (let t = 0; t < frames && background; t++) background = mask[(n * frames + t) * plane + p] < 0.5;
      if (!background) continue;
      for (let c = 0; c < 3; c++) {
        let mean = 0;
        for (let t = 0; t < frames; t++) mean += video[((n * frames + t) * plane + p) * 3 + c];
        mean /= frames;
        let variance = 0;
        for (let t = 0; t < frames; t++) variance += (video[((n * frames + t) * plane + p) * 3 + c] - mean) ** 2;
        sum += Math.sqrt(variance / frames);
        count++;
      }
    }
  }
  return count === 0 ? NaN : sum / count;
}

/** Real clips held as plain arrays: video in [−1, 1], true masks in [0, 1] when the data has them. */
export interface RealClips extends ClipShape {
  video: Float32Array;
  mask?: Float32Array;
}

/** Share of mask values ≥ 0.5. */
export function maskCoverage(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] >= 0.5) n++;
  return n / mask.length;
}

/** The clips as plain arrays for the metrics; masks only when every clip has one. */
export function realClips(clips: PreparedClip[], frames: number, size: number): RealClips {
  const plane = frames * size * size;
  const video = new Float32Array(clips.length * plane * 3);
  clips.forEach((c, k) => {
    for (let i = 0; i < plane * 3; i++) video[k * plane * 3 + i] = c.rgb[i] / 127.5 - 1;
  });
  const withMask = clips.length > 0 && clips.every((c) => c.mask);
  const mask = withMask ? new Float32Array(clips.length * plane) : undefined;
  if (mask) {
    clips.forEach((c, k) => {
      for (let i = 0; i < plane; i++) mask[k * plane + i] = c.mask![i] / 255;
    });
  }
  return { clips: clips.length, frames, size, video, ...(mask ? { mask } : {}) };
}
