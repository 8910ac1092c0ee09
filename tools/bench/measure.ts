// How the kernel benchmark measures: random inputs from a fixed stream, repetitions within a time
// budget, medians, and variants timed in turns so that they share the machine's load.
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '../../src/tf';
import type { Options } from './options';

export const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Uniform values in [-scale, scale), from a fixed xorshift stream (tfjs's seeded random needs seedrandom, a CJS module). */
let state = 0x9e3779b9;
export function random(shape: number[], scale = 1): tf.Tensor {
  const v = new Float32Array(size(shape));
  for (let i = 0; i < v.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    v[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return tf.tensor(v, shape, 'float32');
}

export interface Timing {
  ms: number;
  reps: number;
  gflops: number;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Submits what tfjs has recorded and waits for the GPU to finish it. */
async function settle(backend: WebGPUBackend): Promise<void> {
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}

/** Another repetition after `done`: at least one, at most `reps`, and none once `budgetMs` since `start` is spent. */
function moreReps(done: number, start: number, budgetMs: number, opts: Options): boolean {
  return done < opts.reps && (done === 0 || performance.now() - start < budgetMs);
}

/** One way of running a measurement: `use` switches to it (registers kernels, say) before each run. */
export interface Variant {
  run: () => tf.Tensor;
  flop: number;
  use?: () => void;
}

/**
 * One warm-up run of each variant, then up to `reps` rounds that run each once in turn (fewer if the
 * budget, per variant, runs out); the median of each. Taking turns exposes every variant to the same
 * load on a shared machine, so their ratios hold even where the times themselves drift.
 */
export async function timeSideBySide(variants: Variant[], opts: Options): Promise<Timing[]> {
  const backend = tf.backend() as WebGPUBackend;
  const once = async (v: Variant) => {
    v.use?.();
    const t0 = performance.now();
    const out = v.run();
    await settle(backend);
    const ms = performance.now() - t0;
    out.dispose();
    return ms;
  };
  for (const v of variants) await once(v);
  const times: number[][] = variants.map(() => []);
  const start = performance.now();
  while (moreReps(times[0].length, start, opts.budgetMs * variants.length, opts)) {
    for (const [i, v] of variants.entries()) times[i].push(await once(v));
  }
  return variants.map((v, i) => {
    const ms = median(times[i]);
    return { ms, reps: times[i].length, gflops: v.flop / ms / 1e6 };
  });
}

/** `fn` on each item, one after another: measurements must not overlap. */
export async function inTurn<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

/** Seconds of the first run (pipeline compilation included), then the median of up to `reps` more within the budget. */
export async function firstAndMedian(once: () => Promise<number>, opts: Options): Promise<{ first: number; perIteration: number }> {
  const first = await once();
  const times: number[] = [];
  const start = performance.now();
  while (moreReps(times.length, start, opts.budgetMs, opts)) times.push(await once());
  return { first, perIteration: median(times) };
}
