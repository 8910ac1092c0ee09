// Camera stabilisation as the VGAN authors did it, with opencv.js (which has no SIFT): ORB keypoints +
// RANSAC homography between adjacent frames, accumulated from each clip's first frame; frames warped to
// cancel the camera motion; pixels that leave the view filled from the previous output frame; clips
// containing a transition whose re-projection error is too large are dropped. Runs in Node and in workers.
import type * as OpenCvModule from '@techstark/opencv-js';

export type CV = typeof OpenCvModule;
type Mat = InstanceType<CV['Mat']>;

/** How the platform loads opencv.js (src/data/node.ts in Node, src/data/browser-opencv.ts in workers). */
export type OpenCvLoader = () => Promise<{ cv: CV }>;

const ready = new WeakMap<object, Promise<{ cv: CV }>>();

/**
 * Resolves once the wasm runtime is ready. The module object has a `.then`, so it must never be awaited or
 * resolved directly (that would hang): it travels wrapped in an object.
 */
export function whenReady(module: unknown): Promise<{ cv: CV }> {
  const cv = module as CV & { onRuntimeInitialized?: () => void };
  let promise = ready.get(cv);
  if (!promise) {
    promise = new Promise((resolve) => {
      if (typeof cv.Mat === 'function') resolve({ cv });
      else cv.onRuntimeInitialized = () => resolve({ cv });
    });
    ready.set(cv, promise);
  }
  return promise;
}

/** Row-major 3×3 homography. */
export type Homography = number[];

export const IDENTITY: Homography = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function multiply(a: Homography, b: Homography): Homography {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  }
  return out;
}

export function project(h: Homography, x: number, y: number): [number, number] {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** Largest displacement between two homographies over the corners of a side × side frame. */
export function cornerDistance(a: Homography, b: Homography, side: number): number {
  let worst = 0;
  for (const [x, y] of [
    [0, 0],
    [side, 0],
    [0, side],
    [side, side],
  ]) {
    const [ax, ay] = project(a, x, y);
    const [bx, by] = project(b, x, y);
    worst = Math.max(worst, Math.hypot(ax - bx, ay - by));
  }
  return worst;
}

export interface StabilizeOptions {
  /** Largest RMS re-projection error (pixels) of the RANSAC inliers for a usable transition (default 1). */
  maxError?: number;
  /** Fewest RANSAC inliers for a usable transition (default 12). */
  minInliers?: number;
  /** ORB keypoints per frame (default 800). */
  features?: number;
  /** Motion below this many pixels at the corners is estimation noise and is treated as none (default 0.1). */
  stillThreshold?: number;
}

/** The camera motion from frame t to frame t − 1. */
export interface Transition {
  /** Maps pixel coordinates of frame t into frame t − 1. */
  homography: Homography;
  inliers: number;
  /** RMS re-projection error of the inliers, in pixels. */
  error: number;
  ok: boolean;
}

export interface StabilizedClip {
  /** length × side × side × 3. */
  rgb: Uint8Array;
  /** For each frame, the homography that maps it onto the clip's first frame. */
  transforms: Homography[];
}

interface Features {
  grey: Mat;
  keypoints: InstanceType<CV['KeyPointVector']>;
  descriptors: Mat;
}

export class Stabilizer {
  private constructor(
    private readonly cv: CV,
    private readonly opts: Required<StabilizeOptions>,
  ) {}

  static async create(load: OpenCvLoader, opts: StabilizeOptions = {}): Promise<Stabilizer> {
    const { cv } = await load();
    return new Stabilizer(cv, { maxError: 1, minInliers: 12, features: 800, stillThreshold: 0.1, ...opts });
  }

  private frameMat(rgb: Uint8Array, side: number, t: number): Mat {
    const plane = side * side * 3;
    return this.cv.matFromArray(side, side, this.cv.CV_8UC3, rgb.subarray(t * plane, (t + 1) * plane));
  }

  /** Motion between every pair of adjacent frames; element t − 1 describes frame t → t − 1. */
  motion(rgb: Uint8Array, frames: number, side: number): Transition[] {
    const { cv } = this;
    const orb = new cv.ORB(this.opts.features, 1.2, 4, 15, 0, 2, cv.ORB_HARRIS_SCORE, 15, 10);
    const matcher = new cv.BFMatcher(cv.NORM_HAMMING, true);
    const noMask = new cv.Mat();
    const features = (t: number): Features => {
      const colour = this.frameMat(rgb, side, t);
      const grey = new cv.Mat();
      cv.cvtColor(colour, grey, cv.COLOR_RGB2GRAY);
      const keypoints = new cv.KeyPointVector();
      const descriptors = new cv.Mat();
      orb.detectAndCompute(grey, noMask, keypoints, descriptors);
      colour.delete();
      return { grey, keypoints, descriptors };
    };
    const release = (f: Features) =>
      [f.grey, f.keypoints, f.descriptors].forEach((m) => {
        m.delete();
      });
    const out: Transition[] = [];
    try {
      let previous = features(0);
      for (let t = 1; t < frames; t++) {
        const current = features(t);
        out.push(this.transition(current, previous, side, matcher));
        release(previous);
        previous = current;
      }
      release(previous);
    } finally {
      orb.delete();
      matcher.delete();
      noMask.delete();
    }
    return out;
  }

  private transition(from: Features, to: Features, side: number, matcher: InstanceType<CV['BFMatcher']>): Transition {
    const { cv } = this;
    const failed: Transition = { homography: IDENTITY, inliers: 0, error: Infinity, ok: false };
    if (from.descriptors.rows < 4 || to.descriptors.rows < 4) return failed;
    const matches = new cv.DMatchVector();
    matcher.match(from.descriptors, to.descriptors, matches);
    const src: number[] = [];
    const dst: number[] = [];
    for (let i = 0; i < matches.size(); i++) {
      const m = matches.get(i);
      const a = from.keypoints.get(m.queryIdx).pt;
      const b = to.keypoints.get(m.trainIdx).pt;
      src.push(a.x, a.y);
      dst.push(b.x, b.y);
    }
    matches.delete();
    const coarse = this.fit(src, dst, 3);
    if (!coarse) return failed;
    // ORB keypoints sit on a pixel grid (±0.5 px), which accumulates over a clip; Lucas–Kanade refines
    // each inlier match to sub-pixel precision before the final fit.
    const [inSrc, inDst] = [src, dst].map((pts) => pts.filter((_, i) => coarse.inlier[i >> 1]));
    const refined = this.refine(from.grey, to.grey, inSrc, inDst);
    const fine = this.fit(refined.src, refined.dst, 1) ?? coarse;
    const still = cornerDistance(fine.homography, IDENTITY, side) < this.opts.stillThreshold;
    return {
      homography: still ? IDENTITY : fine.homography,
      inliers: fine.inliers,
      error: fine.error,
      ok: fine.inliers >= this.opts.minInliers && fine.error <= this.opts.maxError,
    };
  }

  /** RANSAC homography from flat [x0, y0, x1, y1, …] point lists, with its inliers and their RMS error. */
  private fit(src: number[], dst: number[], threshold: number) {
    const { cv } = this;
    if (src.length < 8) return undefined;
    const srcMat = cv.matFromArray(src.length / 2, 1, cv.CV_32FC2, src);
    const dstMat = cv.matFromArray(dst.length / 2, 1, cv.CV_32FC2, dst);
    const inlierMask = new cv.Mat();
    const h = cv.findHomography(srcMat, dstMat, cv.RANSAC, threshold, inlierMask);
    const homography = h.empty() ? undefined : Array.from(h.data64F);
    const inlier = Array.from(inlierMask.data, (v) => v !== 0);
    [srcMat, dstMat, inlierMask, h].forEach((m) => {
      m.delete();
    });
    if (!homography) return undefined;
    let inliers = 0;
    let squared = 0;
    inlier.forEach((yes, i) => {
      if (!yes) return;
      const [x, y] = project(homography, src[2 * i], src[2 * i + 1]);
      squared += (x - dst[2 * i]) ** 2 + (y - dst[2 * i + 1]) ** 2;
      inliers++;
    });
    return { homography, inlier, inliers, error: inliers > 0 ? Math.sqrt(squared / inliers) : Infinity };
  }

  /** Tracks `src` points of `fromGrey` into `toGrey`, starting from `dst`; keeps the ones LK converged on. */
  private refine(fromGrey: Mat, toGrey: Mat, src: number[], dst: number[]) {
    const cv = this.cv as CV & { calcOpticalFlowPyrLK: (...args: unknown[]) => void; OPTFLOW_USE_INITIAL_FLOW: number };
    if (src.length === 0) return { src, dst };
    const from = cv.matFromArray(src.length / 2, 1, cv.CV_32FC2, src);
    const to = cv.matFromArray(dst.length / 2, 1, cv.CV_32FC2, dst);
    const status = new cv.Mat();
    const err = new cv.Mat();
    const criteria = new cv.TermCriteria(cv.TermCriteria_EPS | cv.TermCriteria_COUNT, 30, 0.01);
    cv.calcOpticalFlowPyrLK(fromGrey, toGrey, from, to, status, err, new cv.Size(9, 9), 1, criteria, cv.OPTFLOW_USE_INITIAL_FLOW);
    const tracked = Array.from(to.data32F);
    const ok = Array.from(status.data, (v) => v !== 0);
    [from, to, status, err].forEach((m) => {
      m.delete();
    });
    const keep = (pts: number[]) => pts.filter((_, i) => ok[i >> 1]);
    return { src: keep(src), dst: keep(tracked) };
  }

  /**
   * Warps frames start … start + length − 1 onto frame `start`, or returns undefined when a transition
   * inside the window is unusable (the authors dropped such segments).
   */
  warpClip(rgb: Uint8Array, side: number, start: number, length: number, motion: Transition[]): StabilizedClip | undefined {
    const { cv } = this;
    for (let t = start + 1; t < start + length; t++) if (!motion[t - 1].ok) return undefined;
    const plane = side * side * 3;
    const out = new Uint8Array(length * plane);
    out.set(rgb.subarray(start * plane, (start + 1) * plane));
    const transforms: Homography[] = [IDENTITY];
    const size = new cv.Size(side, side);
    const full = new cv.Mat(side, side, cv.CV_8UC1, new cv.Scalar(255));
    const warped = new cv.Mat();
    const coverage = new cv.Mat();
    try {
      for (let i = 1; i < length; i++) {
        const a = multiply(transforms[i - 1], motion[start + i - 1].homography);
        transforms.push(a);
        const frame = out.subarray(i * plane, (i + 1) * plane);
        if (cornerDistance(a, IDENTITY, side) === 0) {
          frame.set(rgb.subarray((start + i) * plane, (start + i + 1) * plane));
          continue;
        }
        const src = this.frameMat(rgb, side, start + i);
        const m = cv.matFromArray(3, 3, cv.CV_64FC1, a);
        cv.warpPerspective(src, warped, m, size, cv.INTER_LINEAR, cv.BORDER_CONSTANT, new cv.Scalar());
        cv.warpPerspective(full, coverage, m, size, cv.INTER_NEAREST, cv.BORDER_CONSTANT, new cv.Scalar());
        src.delete();
        m.delete();
        const previous = out.subarray((i - 1) * plane, i * plane);
        for (let p = 0; p < side * side; p++) {
          const from = coverage.data[p] === 255 ? warped.data : previous;
          frame[p * 3] = from[p * 3];
          frame[p * 3 + 1] = from[p * 3 + 1];
          frame[p * 3 + 2] = from[p * 3 + 2];
        }
      }
    } finally {
      [full, warped, coverage].forEach((m) => {
        m.delete();
      });
    }
    return { rgb: out, transforms };
  }
}
