// Shared by the kernel tests: run the same op on tfjs's cpu backend and on webgpu with our kernels,
// and compare with relative error = max|gpu - cpu| / max(1, max|cpu|).
import { expect } from 'vitest';
import * as tf from '../../src/tf';

export const TOL = 1e-4;

/** Deterministic uniform values in [-1, 1). */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

export function relativeError(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

/** Runs `f` on the named backend with fresh tensors built from `inputs`; returns the result's values. */
export async function runOn(
  backend: 'cpu' | 'webgpu',
  inputs: Array<{ shape: number[]; values: Float32Array }>,
  f: (...ts: tf.Tensor[]) => tf.Tensor,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const ts = inputs.map((i) => tf.tensor(i.values, i.shape, 'float32'));
  const out = f(...ts);
  const values = (await out.data()) as Float32Array;
  const shape = out.shape;
  tf.dispose([...ts, out]);
  return { shape, values };
}

/** One op's inputs on both backends: result shapes must match and relative error stay below tol. */
export async function compareBackends(
  inputs: Array<{ shape: number[]; values: Float32Array }>,
  f: (...ts: tf.Tensor[]) => tf.Tensor,
): Promise<{ error: number; shape: number[]; cpuShape: number[] }> {
  const want = await runOn('cpu', inputs, f);
  const got = await runOn('webgpu', inputs, f);
  return { error: relativeError(got.values, want.values), shape: got.shape, cpuShape: want.shape };
}

/** Shader keys of the pipelines the webgpu backend compiled so far (ours start with "vgan_"). */
export function usedPipelines(): string[] {
  const backend = tf.findBackend('webgpu') as unknown as { pipelineCache: Record<string, unknown> };
  return Object.keys(backend.pipelineCache);
}

type Stride = number | [number, number, number];
export interface Case {
  x: number[]; // [B, D, H, W, C]
  f: number[]; // [FD, FH, FW, C, OC]
  stride: Stride;
  pad: 'same' | 'valid';
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
type Shape5 = [number, number, number, number, number];
const outShape = (c: Case) =>
  tf.tidy(() => tf.conv3d(tf.zeros(c.x as Shape5) as tf.Tensor5D, tf.zeros(c.f as Shape5) as tf.Tensor5D, c.stride, c.pad).shape);

/** Forward, input gradient and filter gradient of one conv3d case, each within TOL of the cpu backend. */
export async function checkAllThree(c: Case, seed: number): Promise<{ forward: number; dInput: number; dFilter: number }> {
  const y = outShape(c);
  const xIn = { shape: c.x, values: randomValues(size(c.x), seed + 1) };
  const wIn = { shape: c.f, values: randomValues(size(c.f), seed + 2) };
  const dyIn = { shape: y, values: randomValues(size(y), seed + 3) };
  const attrs = { strides: c.stride, pad: c.pad };

  const fwd = await compareBackends([xIn, wIn], (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, c.stride, c.pad));
  expect(fwd.shape).toEqual(fwd.cpuShape);
  expect(fwd.error, 'conv3d').toBeLessThan(TOL);

  const dx = await compareBackends([dyIn, wIn], (dy, w) =>
    tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor,
  );
  expect(dx.shape).toEqual(c.x);
  expect(dx.error, 'Conv3DBackpropInputV2').toBeLessThan(TOL);

  const dw = await compareBackends([xIn, dyIn], (x, dy) =>
    tf.engine().runKernel('Conv3DBackpropFilterV2', { x, dy }, { ...attrs, filterShape: c.f }) as tf.Tensor,
  );
  expect(dw.shape).toEqual(c.f);
  expect(dw.error, 'Conv3DBackpropFilterV2').toBeLessThan(TOL);
  return { forward: fwd.error, dInput: dx.error, dFilter: dw.error };
}

