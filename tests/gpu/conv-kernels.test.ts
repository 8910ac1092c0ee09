// Our conv kernels against tfjs's cpu backend on random shapes: forward, input gradient (the
// transposed conv) and filter gradient of each case, 3D and 2D (a depth-1 3D conv). Relative error = max|gpu - cpu| / max(1, max|cpu|).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels, setKernelMode, type KernelMode } from '../../src/kernels';
import { agreesWithCpu, checkAllThree, runTracked, usedPipelines, type Case } from './kernels-helpers';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

// Odd sizes, channel counts that are not multiples of 4, strides that do not divide the filter,
// batch 1-3, and a one-element output.
const cases: Case[] = [
  { x: [1, 4, 4, 4, 3], f: [2, 2, 2, 3, 5], stride: 1, pad: 'valid' },
  { x: [2, 5, 7, 6, 3], f: [3, 3, 3, 3, 7], stride: 1, pad: 'same' },
  { x: [3, 8, 9, 7, 5], f: [4, 4, 4, 5, 6], stride: 2, pad: 'same' },
  { x: [1, 2, 4, 4, 9], f: [2, 4, 4, 9, 1], stride: 1, pad: 'valid' },
  { x: [2, 7, 5, 9, 2], f: [3, 2, 4, 2, 11], stride: [2, 1, 3], pad: 'same' },
  { x: [1, 9, 6, 5, 1], f: [3, 3, 2, 1, 13], stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 6, 17], f: [4, 4, 4, 17, 3], stride: 2, pad: 'same' },
  { x: [1, 5, 5, 5, 2], f: [3, 3, 3, 2, 3], stride: 2, pad: 1 },
  // One output voxel or position (forward: M = the batch; the transposed conv takes the stride along
  // those axes as the filter's length): everywhere, along h only, from an input longer than the filter,
  // and with padding.
  { x: [3, 4, 4, 4, 5], f: [4, 4, 4, 5, 10], stride: 2, pad: 'valid' },
  { x: [2, 5, 4, 7, 3], f: [2, 4, 3, 3, 6], stride: [2, 1, 2], pad: 'valid' },
  { x: [2, 5, 6, 5, 4], f: [4, 6, 4, 4, 3], stride: 2, pad: 'valid' },
  { x: [2, 3, 3, 3, 2], f: [3, 3, 3, 2, 4], stride: 3, pad: 1 },
  // Channel counts that are multiples of 4: the 'direct' loop reads x (forward) and dy and w (input
  // gradient) as vec4s; with padding along w (where those reads meet the bounds) and odd sizes.
  { x: [2, 5, 7, 6, 8], f: [3, 3, 4, 8, 12], stride: [1, 2, 2], pad: 'same' },
  { x: [1, 4, 6, 5, 4], f: [4, 4, 4, 4, 4], stride: 2, pad: 1 },
  { x: [3, 3, 4, 4, 12], f: [2, 4, 4, 12, 8], stride: 2, pad: 'valid' },
  // Filters shorter than the stride: tfjs's 'same' padding comes out negative (depth 5, filter 1, stride 3
  // pads by −1 in front), and the input gradient's stride classes must take the residue of a negative sum.
  { x: [1, 5, 1, 1, 1], f: [1, 1, 1, 1, 1], stride: [3, 1, 1], pad: 'same' },
  { x: [2, 7, 6, 5, 3], f: [1, 2, 1, 3, 4], stride: [3, 3, 2], pad: 'same' },
  { x: [1, 8, 9, 7, 4], f: [2, 1, 3, 4, 5], stride: [4, 2, 4], pad: 'same' },
  // 2D
  { x: [1, 4, 4, 3], f: [4, 4, 3, 5], stride: 1, pad: 'same' },
  { x: [2, 7, 6, 8], f: [4, 4, 8, 4], stride: 2, pad: 'same' },
  { x: [3, 9, 7, 5], f: [4, 4, 5, 6], stride: 2, pad: 'same' },
  { x: [2, 7, 8, 2], f: [3, 2, 2, 11], stride: [2, 3], pad: 'valid' },
  { x: [2, 6, 5, 3], f: [3, 3, 3, 7], stride: 1, pad: 2 },
  { x: [1, 4, 4, 9], f: [4, 4, 9, 1], stride: 1, pad: 'valid' },
  { x: [2, 4, 4, 7], f: [4, 4, 7, 12], stride: 2, pad: 'valid' },
  { x: [2, 7, 8, 3], f: [1, 2, 3, 5], stride: [3, 3], pad: 'same' },
];

// Both loop structures: 'direct' is what SwiftShader runs, 'shared' what GPUs run.
describe.each<KernelMode>(['direct', 'shared'])('conv kernels, %s loop, on random shapes', (mode) => {
  beforeAll(() => setKernelMode(mode));
  afterAll(() => setKernelMode('auto'));

  cases.forEach((c, i) => {
    it(`x ${c.x} filter ${c.f} stride ${c.stride} ${c.pad}`, async () => {
      await checkAllThree(c, 100 * i);
    });
  });

  it('ran our shaders, not the fallback', () => {
    const keys = usedPipelines();
    for (const name of ['conv3d', 'conv3dBackpropInput', 'conv3dBackpropFilter']) {
      expect(
        keys.some((k) => k.startsWith(`vgan_${name}_${mode}_`)),
        name,
      ).toBe(true);
    }
    // vec4 loads along K: in 'direct' both with and without them, never in 'shared'.
    for (const name of ['conv3d', 'conv3dBackpropInput']) {
      const vec4 = keys.some((k) => k.startsWith(`vgan_${name}_${mode}_`) && k.includes('_v4_'));
      expect(vec4, name).toBe(mode === 'direct');
      expect(
        keys.some((k) => k.startsWith(`vgan_${name}_${mode}_`) && k.includes('_v1_')),
        name,
      ).toBe(true);
    }
  });
});

describe('which kernel runs', () => {
  const x2 = () => tf.ones([1, 6, 6, 2]) as tf.Tensor4D;
  const x3 = () => tf.ones([1, 6, 6, 6, 2]) as tf.Tensor5D;

  it('2D convolutions and their gradients run our conv3d shaders at depth 1', async () => {
    const { programs: keys } = await runTracked('webgpu', () => {
      const w = tf.ones([3, 3, 2, 4]) as tf.Tensor4D;
      const g = tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same').sum());
      const [dx, dw] = g([x2(), w]);
      return tf
        .conv2dTranspose(tf.ones([1, 3, 3, 4]) as tf.Tensor4D, w, [1, 6, 6, 2], 2, 'same')
        .sum()
        .add(dx.sum())
        .add(dw.sum());
    });
    for (const name of ['conv3d', 'conv3dBackpropInput', 'conv3dBackpropFilter']) {
      expect(
        keys.some((k) => k.startsWith(`vgan_${name}_`)),
        name,
      ).toBe(true);
    }
  });

  // Dilation is not ours: tfjs's kernels answer (correctly) and none of our shaders runs.
  it.each<[string, () => tf.Tensor]>([
    ['conv2d', () => tf.conv2d(x2(), tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'same', 'NHWC', 2)],
    ['conv3d', () => tf.conv3d(x3(), tf.ones([3, 3, 3, 2, 4]) as tf.Tensor5D, 1, 'same', 'NDHWC', 2)],
  ])('dilated %s falls through to tfjs', async (_name, op) => {
    const { programs: keys } = await agreesWithCpu(op);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.startsWith('vgan_conv'))).toEqual([]);
  });
});
