// Augmenting what the discriminator sees (the trainer's `augment`, a named setting; off as in the paper).
// With few training clips D memorises them and wins outright, and G learns nothing usable (docs/quality.md,
// `real`). Differentiable augmentation (Zhao et al. 2020, "DiffAugment") transforms every clip D sees, real
// and generated alike, in G's update too, so D cannot memorise the stored clips and G still gets gradients
// through the transform. Per clip and the same for all its frames, so that no motion is added: brightness,
// saturation and contrast; a shift by up to an eighth of the frame (zero padded); a cut-out square of half
// the frame's side set to 0. trainer/vgan/augment.py is the twin: the same draws from the same seed.
import * as tf from '../tf';
import { seededRandom } from '../data/random';
import { deriveSeed } from '../model/seed';

export interface AugmentParams {
  brightness: Float32Array;
  saturation: Float32Array;
  contrast: Float32Array;
  /** Whole-pixel shifts of the content, right and down. */
  dx: Int32Array;
  dy: Int32Array;
  /** Centre of the cut-out square. */
  cx: Int32Array;
  cy: Int32Array;
}

export const maxShift = (size: number) => Math.max(1, Math.floor(size / 8));

/** The parameters of n clips of size×size frames, drawn in the Python twin's order. */
export function drawAugment(seed: number, n: number, size: number): AugmentParams {
  const rand = seededRandom(seed);
  const shift = maxShift(size);
  const p: AugmentParams = {
    brightness: new Float32Array(n),
    saturation: new Float32Array(n),
    contrast: new Float32Array(n),
    dx: new Int32Array(n),
    dy: new Int32Array(n),
    cx: new Int32Array(n),
    cy: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    p.brightness[i] = rand() - 0.5;
    p.saturation[i] = rand() * 2;
    p.contrast[i] = rand() + 0.5;
    p.dx[i] = Math.floor(rand() * (2 * shift + 1)) - shift;
    p.dy[i] = Math.floor(rand() * (2 * shift + 1)) - shift;
    p.cx[i] = Math.floor(rand() * size);
    p.cy[i] = Math.floor(rand() * size);
  }
  return p;
}

/** [n, size, size] of 1 with 0 in each clip's square of side size/2 centred at (cx, cy), clipped to the frame. */
export function cutoutMask(p: AugmentParams, size: number): Float32Array {
  const half = Math.floor(size / 4);
  const n = p.cx.length;
  const mask = new Float32Array(n * size * size).fill(1);
  for (let i = 0; i < n; i++) {
    for (let y = Math.max(0, p.cy[i] - half); y < Math.min(size, p.cy[i] + half); y++) {
      for (let x = Math.max(0, p.cx[i] - half); x < Math.min(size, p.cx[i] + half); x++) mask[(i * size + y) * size + x] = 0;
    }
  }
  return mask;
}

/** Clips [N, T, H, W, 3] transformed by the parameters of N clips, differentiably in `video`. */
export function augmentClips(video: tf.Tensor5D, p: AugmentParams): tf.Tensor5D {
  return tf.tidy(() => {
    const [n, frames, size, , channels] = video.shape;
    const perClip = (v: Float32Array) => tf.tensor5d(v, [n, 1, 1, 1, 1]);
    let x: tf.Tensor5D = video.add(perClip(p.brightness));
    let mean = x.mean(4, true);
    x = x.sub(mean).mul(perClip(p.saturation)).add(mean);
    mean = x.mean([1, 2, 3, 4], true);
    x = x.sub(mean).mul(perClip(p.contrast)).add(mean);
    // Shift and pad as [clips · frames, H, W, 3]: tfjs-webgpu's pad cannot compile for rank 5.
    const s = maxShift(size);
    const padded = x.reshape([n * frames, size, size, channels]).pad([
      [0, 0],
      [s, s],
      [s, s],
      [0, 0],
    ]);
    // Content moves by (dx, dy): output pixel (y, x) reads input (y − dy, x − dx).
    const shifted = Array.from({ length: n }, (_, i) =>
      padded.slice([i * frames, s - p.dy[i], s - p.dx[i], 0], [frames, size, size, channels]),
    );
    const cut = tf.tensor5d(cutoutMask(p, size), [n, 1, size, size, 1]);
    return tf.concat(shifted, 0).reshape([n, frames, size, size, channels]).mul(cut);
  });
}

/** A batch as D sees it with augmentation, drawn for the seed and the update's label. */
export function augmentBatch(video: tf.Tensor5D, seed: number, ...label: Array<string | number>): tf.Tensor5D {
  return augmentClips(video, drawAugment(deriveSeed(seed, 'augment', ...label), video.shape[0], video.shape[2]));
}
