// Shared by the kernel tests: run the same op on tfjs's cpu backend and on webgpu with our kernels,
// and compare with relative error = max|gpu - cpu| / max(1, max|cpu|).
import * as tf from '../../src/tf';

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
