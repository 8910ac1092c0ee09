import { beforeAll, describe, expect, it } from 'vitest';
import { nodeOpenCv } from '../../../src/data/node';
import { camera, inverse, render, SIDE } from './helpers';
import { cornerDistance, multiply, Stabilizer } from '../../../src/data/stabilize';

const FRAMES = 8;

describe('stabiliser', () => {
  let stabilizer: Stabilizer;
  beforeAll(async () => {
    stabilizer = await Stabilizer.create(nodeOpenCv);
  });

  it('cancels a known pan and zoom to under a pixel', async () => {
    const cameras = Array.from({ length: FRAMES }, (_, t) => camera(t));
    const video = render(cameras);
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
    const video = render(Array.from({ length: 4 }, () => camera(0)));
    const motion = stabilizer.motion(video, 4, SIDE);
    const clip = stabilizer.warpClip(video, SIDE, 0, 4, motion)!;
    expect(clip.rgb).toEqual(video);
  });

  it('drops a window whose motion cannot be estimated', async () => {
    const video = render([camera(0), camera(1)]);
    video.fill(0, SIDE * SIDE * 3); // the second frame is black: no keypoints
    const motion = stabilizer.motion(video, 2, SIDE);
    expect(motion[0].ok).toBe(false);
    expect(stabilizer.warpClip(video, SIDE, 0, 2, motion)).toBeUndefined();
  });
});
