import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/data/random';
import { nodeOpenCv } from '../../../src/data/node';
import { cornerDistance, multiply, Stabilizer, type Homography } from '../../../src/data/stabilize';

const SIDE = 96;
const FRAMES = 8;

/** A 256² scene of random rectangles: plenty of corners for ORB. */
function scene(): Uint8Array {
  const n = 256;
  const rand = seededRandom(5);
  const img = new Uint8Array(n * n * 3);
  for (let i = 0; i < img.length; i++) img[i] = 120;
  for (let k = 0; k < 400; k++) {
    const [x0, y0] = [Math.floor(rand() * n), Math.floor(rand() * n)];
    const [w, h] = [3 + Math.floor(rand() * 18), 3 + Math.floor(rand() * 18)];
    const colour = [rand() * 255, rand() * 255, rand() * 255];
    for (let y = y0; y < Math.min(n, y0 + h); y++) for (let x = x0; x < Math.min(n, x0 + w); x++) img.set(colour, (y * n + x) * 3);
  }
  return img;
}

/** Camera t sees scene point p at s_t (p − c_t): a pan with a slow zoom. */
function camera(t: number): Homography {
  const s = 1 + 0.012 * t;
  const [cx, cy] = [70 + 2.3 * t, 80 + 1.1 * t];
  return [s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1];
}
const inverse = (g: Homography): Homography => [1 / g[0], 0, -g[2] / g[0], 0, 1 / g[4], -g[5] / g[4], 0, 0, 1];

async function render(cameras: Homography[]): Promise<Uint8Array> {
  const { cv } = await nodeOpenCv();
  const src = cv.matFromArray(256, 256, cv.CV_8UC3, scene());
  const out = new Uint8Array(cameras.length * SIDE * SIDE * 3);
  const dst = new cv.Mat();
  cameras.forEach((g, t) => {
    const m = cv.matFromArray(3, 3, cv.CV_64FC1, g);
    cv.warpPerspective(src, dst, m, new cv.Size(SIDE, SIDE), cv.INTER_LINEAR);
    out.set(dst.data, t * SIDE * SIDE * 3);
    m.delete();
  });
  src.delete();
  dst.delete();
  return out;
}

describe('stabiliser', () => {
  let stabilizer: Stabilizer;
  beforeAll(async () => {
    stabilizer = await Stabilizer.create(nodeOpenCv);
  });

  it('cancels a known pan and zoom to under a pixel', async () => {
    const cameras = Array.from({ length: FRAMES }, (_, t) => camera(t));
    const video = await render(cameras);
    const motion = stabilizer.motion(video, FRAMES, SIDE);
    expect(motion.every((m) => m.ok)).toBe(true);
    const clip = stabilizer.warpClip(video, SIDE, 0, FRAMES, motion)!;
    for (let t = 1; t < FRAMES; t++) {
      const truth = multiply(cameras[0], inverse(cameras[t]));
      expect(cornerDistance(clip.transforms[t], truth, SIDE)).toBeLessThan(1);
    }
    // The last stabilised frame looks like the first one where the camera still sees the same scene.
    const plane = SIDE * SIDE * 3;
    let diff = 0;
    let count = 0;
    for (let y = 10; y < 60; y++) {
      for (let x = 10; x < 60; x++) {
        for (let c = 0; c < 3; c++) {
          const i = (y * SIDE + x) * 3 + c;
          diff += Math.abs(clip.rgb[(FRAMES - 1) * plane + i] - clip.rgb[i]);
          count++;
        }
      }
    }
    expect(diff / count).toBeLessThan(12);
  });

  it('leaves a static video unchanged', async () => {
    const video = await render(Array.from({ length: 4 }, () => camera(0)));
    const motion = stabilizer.motion(video, 4, SIDE);
    const clip = stabilizer.warpClip(video, SIDE, 0, 4, motion)!;
    expect(clip.rgb).toEqual(video);
  });

  it('drops a window whose motion cannot be estimated', async () => {
    const video = await render([camera(0), camera(1)]);
    video.fill(0, SIDE * SIDE * 3); // the second frame is black: no keypoints
    const motion = stabilizer.motion(video, 2, SIDE);
    expect(motion[0].ok).toBe(false);
    expect(stabilizer.warpClip(video, SIDE, 0, 2, motion)).toBeUndefined();
  });
});
