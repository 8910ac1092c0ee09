// Shared by the kernel tests: run the same op on tfjs's cpu backend and on webgpu with our kernels,
// and compare with relative error = max|gpu - cpu| / max(1, max|cpu|).
import { expect, vi } from 'vitest';
import * as tf from '../../src/tf';
import { randomValues, relativeError } from '../../src/kernels/compare';

export { randomValues, relativeError } from '../../src/kernels/compare';

export const TOL = 1e-4;

/**
 * Runs op (in a tidy) on the named backend; returns its values and shape, and the shader keys of the
 * programs webgpu ran meanwhile (ours start with "vgan_"; tfjs appends shape details to a key).
 */
export async function runTracked(backend: 'cpu' | 'webgpu', op: () => tf.Tensor) {
  await tf.setBackend(backend);
  const webgpu = tf.findBackend('webgpu') as unknown as { runWebGPUProgram: (p: { shaderKey: string }) => unknown };
  const spy = vi.spyOn(webgpu, 'runWebGPUProgram');
  try {
    const y = tf.tidy(op);
    const values = Float32Array.from((await y.data()) as ArrayLike<number>);
    const shape = y.shape;
    y.dispose();
    return { values, shape, programs: spy.mock.calls.map(([p]) => p.shaderKey) };
  } finally {
    spy.mockRestore();
  }
}

/**
 * op on the cpu backend and on webgpu: same shape, relative error below TOL (`what` names the op in a
 * failure). Returns webgpu's result shape, the error and the programs webgpu ran.
 */
export async function agreesWithCpu(op: () => tf.Tensor, what = 'webgpu vs cpu') {
  const want = await runTracked('cpu', op);
  const got = await runTracked('webgpu', op);
  const error = relativeError(got.values, want.values);
  expect(got.shape, what).toEqual(want.shape);
  expect(error, what).toBeLessThan(TOL);
  return { shape: got.shape, error, programs: got.programs };
}

/** Shader keys of the pipelines the webgpu backend compiled so far (ours start with "vgan_"). */
export function usedPipelines(): string[] {
  const backend = tf.findBackend('webgpu') as unknown as { pipelineCache: Record<string, unknown> };
  return Object.keys(backend.pipelineCache);
}

type Stride = number | [number, number] | [number, number, number];
export interface Case {
  x: number[]; // [B, D, H, W, C], or [B, H, W, C] for a 2D conv
  f: number[]; // [FD, FH, FW, C, OC], or [FH, FW, C, OC]
  stride: Stride;
  pad: 'same' | 'valid' | number;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** tfjs's kernel names for a case's forward op and its two gradients (2D or 3D by the input's rank). */
const kernelsOf = (c: Case) =>
  c.x.length === 5
    ? { forward: 'Conv3D', dInput: 'Conv3DBackpropInputV2', dFilter: 'Conv3DBackpropFilterV2', dataFormat: 'NDHWC' }
    : { forward: 'Conv2D', dInput: 'Conv2DBackpropInput', dFilter: 'Conv2DBackpropFilter', dataFormat: 'NHWC' };

/** Forward, input gradient and filter gradient of one conv case, each within TOL of the cpu backend. */
export async function checkAllThree(c: Case, seed: number): Promise<{ forward: number; dInput: number; dFilter: number }> {
  const k = kernelsOf(c);
  const attrs = { strides: c.stride, pad: c.pad, dilations: 1, dataFormat: k.dataFormat };
  const forward = (x: tf.Tensor, filter: tf.Tensor) => tf.engine().runKernel(k.forward, { x, filter }, attrs) as tf.Tensor;
  const y = tf.tidy(() => forward(tf.zeros(c.x), tf.zeros(c.f)).shape);
  const tensor = (shape: number[], s: number) => () => tf.tensor(randomValues(size(shape), s), shape, 'float32');
  const [x, w, dy] = [tensor(c.x, seed + 1), tensor(c.f, seed + 2), tensor(y, seed + 3)];

  const fwd = await agreesWithCpu(() => forward(x(), w()), k.forward);
  const dx = await agreesWithCpu(
    () => tf.engine().runKernel(k.dInput, { dy: dy(), filter: w() }, { ...attrs, inputShape: c.x }) as tf.Tensor,
    k.dInput,
  );
  expect(dx.shape).toEqual(c.x);
  const dw = await agreesWithCpu(
    () => tf.engine().runKernel(k.dFilter, { x: x(), dy: dy() }, { ...attrs, filterShape: c.f }) as tf.Tensor,
    k.dFilter,
  );
  expect(dw.shape).toEqual(c.f);
  return { forward: fwd.error, dInput: dx.error, dFilter: dw.error };
}
