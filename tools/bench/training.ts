// Whole training iterations of a preset, and the Future view's prediction (src/eval/predict.ts), each
// timed with our kernels, with tfjs's kernels and on the cpu backend.
import * as tf from '../../src/tf';
import { resolveConfig } from '../../src/model/config';
import { registerVganKernels, unregisterVganKernels } from '../../src/kernels';
import { predictFutures } from '../../src/eval/predict';
import { VganModel } from '../../src/model/networks';
import { Trainer } from '../../src/train/trainer';
import { firstAndMedian, random } from './measure';
import type { Options } from './options';
import '@tensorflow/tfjs-backend-cpu';

type TrainMode = 'ours' | 'tfjs' | 'cpu';

/** One preset's training iteration or prediction in every mode. */
export interface TrainRow {
  preset: string;
  batch: number;
  /** Seconds of the first iteration (pipeline compilation included) and the median of the rest. */
  first: Record<TrainMode, number | null>;
  perIteration: Record<TrainMode, number | null>;
}

/** Runs `fn` on the backend and kernels of `mode`, then puts webgpu and our kernels back. */
async function inMode<T>(mode: TrainMode, fn: () => Promise<T>): Promise<T> {
  await tf.setBackend(mode === 'cpu' ? 'cpu' : 'webgpu');
  if (mode === 'tfjs') unregisterVganKernels();
  else registerVganKernels();
  try {
    return await fn();
  } finally {
    registerVganKernels();
    await tf.setBackend('webgpu');
  }
}

/** A preset's trainer and a batch of random clips for it in `mode`, disposed after `use`. */
export function withTrainer<T>(
  preset: string,
  mode: TrainMode,
  opts: Options,
  use: (trainer: Trainer, real: tf.Tensor5D) => Promise<T>,
): Promise<T> {
  return inMode(mode, async () => {
    const trainer = new Trainer({ preset, seed: 1 });
    const { frames, size } = trainer.config;
    const real = random([opts.trainBatch, frames, size, size, 3]) as tf.Tensor5D;
    try {
      return await use(trainer, real);
    } finally {
      real.dispose();
      trainer.dispose();
    }
  });
}

/** Whole training iterations (one D and one G update) of a preset on random clips. */
function timeTraining(preset: string, mode: TrainMode, opts: Options): Promise<{ first: number; perIteration: number }> {
  return withTrainer(preset, mode, opts, (trainer, real) =>
    firstAndMedian(async () => {
      const t0 = performance.now();
      await trainer.step(real); // reads its losses back: the GPU has finished
      return (performance.now() - t0) / 1000;
    }, opts),
  );
}

/** The Future view's prediction from one random image: the prediction and `futures` perturbed ones, read back. */
function timePrediction(preset: string, mode: TrainMode, opts: Options): Promise<{ first: number; perIteration: number }> {
  return inMode(mode, async () => {
    const model = new VganModel(resolveConfig(preset), { kind: 'future', seed: 1 });
    const { size } = model.config;
    const image = random([size * size * 3]);
    const frame = image.dataSync() as Float32Array;
    image.dispose();
    try {
      return await firstAndMedian(async () => {
        const t0 = performance.now();
        await predictFutures(model, frame, { futures: opts.futures, noiseScale: 0.5, seed: 1 });
        return (performance.now() - t0) / 1000;
      }, opts);
    } finally {
      model.dispose();
    }
  });
}

/** `time` in each mode (tfjs's kernels unless --skip-tfjs), each result logged by `describe` as it comes. */
async function rowOverModes(
  row: Pick<TrainRow, 'preset' | 'batch'>,
  opts: Options,
  time: (mode: TrainMode) => Promise<{ first: number; perIteration: number }>,
  describe: (mode: TrainMode, t: { first: number; perIteration: number }) => string,
): Promise<TrainRow> {
  const out: TrainRow = { ...row, first: { ours: null, tfjs: null, cpu: null }, perIteration: { ours: null, tfjs: null, cpu: null } };
  for (const mode of ['ours', 'tfjs', 'cpu'] as const) {
    if (mode === 'tfjs' && opts.skipTfjs) continue;
    const t = await time(mode);
    out.first[mode] = t.first;
    out.perIteration[mode] = t.perIteration;
    console.log(describe(mode, t));
  }
  return out;
}

/** Training iterations of a preset in every mode. */
export function trainingRow(preset: string, opts: Options): Promise<TrainRow> {
  return rowOverModes(
    { preset, batch: opts.trainBatch },
    opts,
    (mode) => timeTraining(preset, mode, opts),
    (mode, t) =>
      `training ${preset} batch ${opts.trainBatch} ${mode}: first ${t.first.toFixed(1)} s, then ${t.perIteration.toFixed(2)} s/it`,
  );
}

/** The prediction of a preset's future model in every mode. */
export function predictionRow(preset: string, opts: Options): Promise<TrainRow> {
  return rowOverModes(
    { preset: `${preset} future`, batch: 1 + opts.futures },
    opts,
    (mode) => timePrediction(preset, mode, opts),
    (mode, t) =>
      `prediction ${preset} future, ${1 + opts.futures} videos, ${mode}: first ${t.first.toFixed(1)} s, then ${t.perIteration.toFixed(2)} s`,
  );
}
