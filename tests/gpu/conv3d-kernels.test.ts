// Our conv3d kernels against tfjs's cpu backend on random shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels } from '../../src/kernels';
import { compareBackends, randomValues } from './kernels-helpers';

const TOL = 1e-4;

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

interface Case {
  x: number[]; // [B, D, H, W, C]
  f: number[]; // [FD, FH, FW, C, OC]
  stride: number | [number, number, number];
  pad: 'same' | 'valid';
}

const forwardCases: Case[] = [
  { x: [1, 4, 4, 4, 3], f: [2, 2, 2, 3, 5], stride: 1, pad: 'valid' },
  { x: [2, 5, 7, 6, 3], f: [3, 3, 3, 3, 7], stride: 1, pad: 'same' },
  { x: [3, 8, 9, 7, 5], f: [4, 4, 4, 5, 6], stride: 2, pad: 'same' },
  { x: [1, 2, 4, 4, 9], f: [2, 4, 4, 9, 1], stride: 1, pad: 'valid' },
  { x: [2, 7, 5, 9, 2], f: [3, 2, 4, 2, 11], stride: [2, 1, 3], pad: 'same' },
];

describe('conv3d forward', () => {
  forwardCases.forEach((c, i) => {
    it(`x ${c.x} filter ${c.f} stride ${c.stride} ${c.pad}`, async () => {
      const inputs = [c.x, c.f].map((shape, j) => ({ shape, values: randomValues(shape.reduce((a, b) => a * b), 100 * i + j + 1) }));
      const r = await compareBackends(inputs, (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, c.stride, c.pad));
      expect(r.shape).toEqual(r.cpuShape);
      expect(r.error).toBeLessThan(TOL);
    });
  });
});
