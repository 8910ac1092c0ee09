// kernels-check.html: runs a few cases of our conv kernels (3D, and 2D at depth 1) in both loop
// structures in the browser against tfjs's cpu backend and reports the largest relative error,
// max|gpu - cpu| / max(1, max|cpu|).
// tests/e2e/kernels.spec.ts reads the result from window.kernelsCheck.
import * as tf from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { randomValues, relativeError } from './compare';
import { registerVganKernels, setKernelMode, type KernelMode } from './index';

export interface CheckResult {
  adapter: string;
  /** One entry per case, kernel and loop structure. */
  results: Array<{ name: string; error: number }>;
  maxError: number;
  /** Pipelines the webgpu backend compiled for our kernels (proves they ran, not tfjs's). */
  ourPipelines: string[];
  error?: string;
}

declare global {
  interface Window {
    kernelsCheck?: CheckResult;
  }
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

async function on(backend: 'cpu' | 'webgpu', f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const out = f();
  const v = (await out.data()) as Float32Array;
  out.dispose();
  return v;
}

// A discriminator-like layer, a transposed generator-like layer (its forward conv), a 'valid' head and
// a background-stream-like 2D layer.
const cases: Array<{ x: number[]; f: number[]; stride: number; pad: 'same' | 'valid' }> = [
  { x: [2, 8, 8, 8, 3], f: [4, 4, 4, 3, 8], stride: 2, pad: 'same' },
  { x: [1, 4, 8, 8, 8], f: [4, 4, 4, 8, 5], stride: 2, pad: 'same' },
  { x: [1, 2, 4, 4, 6], f: [2, 4, 4, 6, 1], stride: 1, pad: 'valid' },
  { x: [2, 8, 8, 5], f: [4, 4, 5, 6], stride: 2, pad: 'same' },
];

/** tfjs's names for a conv's forward kernel and its two gradients, by the input's rank. */
const kernelsFor = (rank: number) =>
  rank === 5
    ? { forward: 'Conv3D', dInput: 'Conv3DBackpropInputV2', dFilter: 'Conv3DBackpropFilterV2', dataFormat: 'NDHWC' }
    : { forward: 'Conv2D', dInput: 'Conv2DBackpropInput', dFilter: 'Conv2DBackpropFilter', dataFormat: 'NHWC' };

async function run(): Promise<CheckResult> {
  await tf.setBackend('webgpu');
  registerVganKernels();
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const info = device.adapterInfo as GPUAdapterInfo | undefined;
  const adapter = info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown';
  const results: CheckResult['results'] = [];
  for (const mode of ['direct', 'shared'] as KernelMode[]) {
    setKernelMode(mode);
    for (const [i, c] of cases.entries()) {
      const k = kernelsFor(c.x.length);
      const attrs = { strides: c.stride, pad: c.pad, dilations: 1, dataFormat: k.dataFormat };
      const run = (name: string, inputs: Record<string, tf.Tensor>, extra = {}) =>
        tf.engine().runKernel(name, inputs, { ...attrs, ...extra }) as tf.Tensor;
      const y = tf.tidy(() => run(k.forward, { x: tf.zeros(c.x), filter: tf.zeros(c.f) }).shape);
      const [xv, wv, dyv] = [randomValues(size(c.x), 3 * i + 1), randomValues(size(c.f), 3 * i + 2), randomValues(size(y), 3 * i + 3)];
      const ops: Array<[string, () => tf.Tensor]> = [
        [k.forward, () => run(k.forward, { x: tf.tensor(xv, c.x), filter: tf.tensor(wv, c.f) })],
        [k.dInput, () => run(k.dInput, { dy: tf.tensor(dyv, y), filter: tf.tensor(wv, c.f) }, { inputShape: c.x })],
        [k.dFilter, () => run(k.dFilter, { x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, y) }, { filterShape: c.f })],
      ];
      for (const [name, op] of ops) {
        const want = await on('cpu', () => tf.tidy(op));
        const got = await on('webgpu', () => tf.tidy(op));
        results.push({ name: `${mode} ${name} x ${c.x} filter ${c.f}`, error: relativeError(got, want) });
      }
    }
  }
  setKernelMode('auto');
  await tf.setBackend('webgpu');
  const cache = (tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache;
  return {
    adapter,
    results,
    maxError: Math.max(...results.map((r) => r.error)),
    ourPipelines: Object.keys(cache).filter((k) => k.startsWith('vgan_')),
  };
}

const out = document.getElementById('out')!;
run()
  .catch((e: unknown): CheckResult => ({ adapter: '', results: [], maxError: Infinity, ourPipelines: [], error: String(e) }))
  .then((r) => {
    out.textContent = JSON.stringify(r, null, 2);
    window.kernelsCheck = r;
  });
