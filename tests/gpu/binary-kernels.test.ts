// Our broadcasting Add, Sub and Multiply (shaders/binary_broadcast.wgsl) against tfjs's cpu backend on
// the broadcasts VGAN runs (batch norm's per-channel statistics against activations, scalars, a mask
// against colour channels), both operand orders; and that what we leave to tfjs (equal shapes, broadcasts
// along inner axes, int32) falls through and still agrees.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels } from '../../src/kernels';
import { agreesWithCpu, randomValues } from './kernels-helpers';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const ops = {
  Add: (a: tf.Tensor, b: tf.Tensor) => tf.add(a, b),
  Sub: (a: tf.Tensor, b: tf.Tensor) => tf.sub(a, b),
  Multiply: (a: tf.Tensor, b: tf.Tensor) => tf.mul(a, b),
};
const input = (shape: number[], seed: number) => () => tf.tensor(randomValues(size(shape), seed), shape);

describe.each(Object.keys(ops) as Array<keyof typeof ops>)('%s', (name) => {
  const f = ops[name];
  it.each<[number[], number[]]>([
    [[1, 1, 2048, 8], [8]],
    [[16], [1, 1, 256, 16]],
    [[1, 1, 16384, 3], [3]],
    [
      [8, 4, 8, 8, 16],
      [1, 1, 1, 1, 16],
    ],
    [[30, 50, 7], []],
    [
      [8, 8, 16, 16, 1],
      [16, 16, 1],
    ],
  ])('%s with %s', async (aShape, bShape) => {
    const [a, b] = [input(aShape, 1), input(bShape, 2)];
    const { programs } = await agreesWithCpu(() => f(a(), b()));
    expect(programs.some((k) => k.startsWith('vgan_binaryBroadcast'))).toBe(true);
    // Swapped operands matter for Sub.
    expect((await agreesWithCpu(() => f(b(), a()))).programs.some((k) => k.startsWith('vgan_binaryBroadcast'))).toBe(true);
  });

  it.each<[string, () => tf.Tensor, () => tf.Tensor]>([
    ['equal shapes', input([64, 40], 3), input([64, 40], 4)],
    ['a broadcast along an inner axis', input([64, 40], 5), input([64, 1], 6)],
    ['both operands broadcast', input([6, 1, 40], 7), input([5, 40], 8)],
    ['small operands still on the CPU', input([3, 5, 7], 9), input([7], 10)],
    ['int32', () => tf.range(0, 2400, 1, 'int32').reshape([60, 40]), () => tf.range(0, 40, 1, 'int32')],
  ])('%s fall through to tfjs', async (_what, a, b) => {
    const { programs } = await agreesWithCpu(() => f(a(), b()));
    expect(programs.filter((k) => k.startsWith('vgan_'))).toEqual([]);
  });
});
