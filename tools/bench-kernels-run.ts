// The kernel benchmark (started by tools/bench-kernels.mjs, which provides WebGPU and the ?raw loader).
// For every conv layer of the paper preset it times the three kernels a training step runs (the layer's
// own op and its two gradients) with our WGSL kernels, with tfjs 4.22's kernels, and a plain matrix
// product of the same size through our GEMM shader, all on one adapter in one run (the 2D layers of the
// background stream too: ours run them as depth-1 3D convolutions). Writes
// bench/results/<date>-<adapter>.json (-2, -3, ... for later runs that day) and prints a markdown table. Then it times whole training iterations
// of the tiny and small presets, and the Future view's prediction with the small and paper future models
// (src/eval/predict.ts), each with our kernels, with tfjs's, and on the cpu backend. --profile breaks a
// training iteration down by kernel (GPU time from timestamp queries), to show where the time goes.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '../src/tf';
import { architecture, convLayers, resolveConfig, type LayerSpec, type ModelKind } from '../src/model/config';
import { registerVganKernels, unregisterVganKernels } from '../src/kernels';
import { gemm } from '../src/kernels/gemm';
import { predictFutures } from '../src/eval/predict';
import { VganModel } from '../src/model/networks';
import { Trainer } from '../src/train/trainer';
import '@tensorflow/tfjs-backend-cpu';

interface Options {
  batch: number;
  reps: number;
  budgetMs: number;
  kind: ModelKind;
  layers: string[] | null;
  skipTfjs: boolean;
  /** Presets whose whole training iteration is timed (ours, tfjs's kernels, cpu backend); [] skips it. */
  train: string[];
  /** Batch of the training iterations (the paper's layers are timed at --batch). */
  trainBatch: number;
  /** Presets whose future model's prediction from one image is timed (ours, tfjs's kernels, cpu); [] skips it. */
  predict: string[];
  /** Futures besides the prediction, all in one batch (the Future view's default is 3). */
  futures: number;
  /** Presets whose training iteration (ours) is broken down by kernel with GPU timestamps; [] skips it. */
  profile: string[];
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { batch: 1, reps: 3, budgetMs: 30_000, kind: 'unconditional', layers: null, skipTfjs: false, train: ['tiny', 'small'], trainBatch: 8, predict: ['small', 'paper'], futures: 3, profile: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--batch') opts.batch = Number(value());
    else if (flag === '--reps') opts.reps = Number(value());
    else if (flag === '--budget') opts.budgetMs = Number(value()) * 1000;
    else if (flag === '--kind') opts.kind = value() as ModelKind;
    else if (flag === '--layers') opts.layers = value().split(',');
    else if (flag === '--skip-tfjs') opts.skipTfjs = true;
    else if (flag === '--train') opts.train = value().split(',').filter((p) => p !== 'none');
    else if (flag === '--train-batch') opts.trainBatch = Number(value());
    else if (flag === '--predict') opts.predict = value().split(',').filter((p) => p !== 'none');
    else if (flag === '--futures') opts.futures = Number(value());
    else if (flag === '--profile') opts.profile = value().split(',').filter((p) => p !== 'none');
    else throw new Error(`unknown flag ${flag} (known: --batch N --reps N --budget SECONDS --kind unconditional|future --layers net/name,... --skip-tfjs --train tiny,small|none --train-batch N --predict small,paper|none --futures K --profile tiny,small)`);
  }
  if (!(opts.batch >= 1 && opts.reps >= 1)) throw new Error('--batch and --reps must be ≥ 1');
  return opts;
}

/** A layer seen as the forward convolution x * filter -> y whose three kernels a training step runs. */
interface Geometry {
  x: number[];
  filter: number[];
  y: number[];
  stride: number;
  pad: 'same' | 'valid';
}

function geometry(l: LayerSpec, batch: number): Geometry {
  const transposed = l.op.endsWith('Transpose');
  // A transposed layer is the input gradient of the conv that maps its output back to its input.
  const x = [batch, ...(transposed ? l.outShape : l.inShape)];
  const y = [batch, ...(transposed ? l.inShape : l.outShape)];
  const filter = [...l.kernel, x[x.length - 1], y[y.length - 1]];
  return { x, filter, y, stride: l.stride, pad: l.pad };
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Uniform values in [-scale, scale), from a fixed xorshift stream (tfjs's seeded random needs seedrandom, a CJS module). */
let state = 0x9e3779b9;
function random(shape: number[], scale = 1): tf.Tensor {
  const v = new Float32Array(size(shape));
  for (let i = 0; i < v.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    v[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return tf.tensor(v, shape, 'float32');
}

type KernelName = 'Conv3D' | 'Conv3DBackpropInputV2' | 'Conv3DBackpropFilterV2' | 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/** The three kernels of a layer: [kernel, role in the layer, run]. */
function kernelsOf(l: LayerSpec, g: Geometry, t: { x: tf.Tensor; filter: tf.Tensor; dy: tf.Tensor }) {
  const is3d = l.op.startsWith('conv3d');
  const transposed = l.op.endsWith('Transpose');
  const attrs: tf.NamedAttrMap = is3d ? { strides: g.stride, pad: g.pad } : { strides: g.stride, pad: g.pad, dataFormat: 'NHWC' };
  const names: KernelName[] = is3d
    ? ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2']
    : ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  const run = (name: KernelName): tf.Tensor => {
    const e = tf.engine();
    if (name === 'Conv3D') return tf.conv3d(t.x as tf.Tensor5D, t.filter as tf.Tensor5D, g.stride, g.pad);
    if (name === 'Conv2D') return tf.conv2d(t.x as tf.Tensor4D, t.filter as tf.Tensor4D, g.stride, g.pad);
    if (name === 'Conv3DBackpropInputV2' || name === 'Conv2DBackpropInput') {
      return e.runKernel(name, { dy: t.dy, filter: t.filter }, { ...attrs, inputShape: g.x }) as tf.Tensor;
    }
    return e.runKernel(name, { x: t.x, dy: t.dy }, { ...attrs, filterShape: g.filter }) as tf.Tensor;
  };
  const role = (i: number) => (transposed ? ['dInput', 'forward', 'dW'] : ['forward', 'dInput', 'dW'])[i];
  return names.map((name, i) => ({ name, role: role(i), run: () => run(name) }));
}

/** GEMM sizes with the kernel's FLOP count: forward M = output voxels, N = out channels, K = taps * in channels. */
function gemmDims(name: KernelName, g: Geometry, flop: number): [number, number, number] {
  const taps = size(g.filter.slice(0, -2));
  const [cIn, cOut] = g.filter.slice(-2);
  const outVoxels = size(g.y.slice(0, -1));
  if (name.endsWith('BackpropFilterV2') || name === 'Conv2DBackpropFilter') return [taps * cIn, cOut, outVoxels];
  if (name.includes('BackpropInput')) {
    const M = size(g.x.slice(0, -1));
    return [M, cIn, Math.max(1, Math.round(flop / (2 * M * cIn)))];
  }
  return [outVoxels, cOut, taps * cIn];
}

interface Timing {
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
interface Variant {
  run: () => tf.Tensor;
  flop: number;
  use?: () => void;
}

/**
 * One warm-up run of each variant, then up to `reps` rounds that run each once in turn (fewer if the
 * budget, per variant, runs out); the median of each. Taking turns exposes every variant to the same
 * load on a shared machine, so their ratios hold even where the times themselves drift.
 */
async function timeSideBySide(variants: Variant[], opts: Options): Promise<Timing[]> {
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

interface Row {
  layer: string;
  kernel: KernelName;
  role: string;
  gemm: [number, number, number];
  gflop: number;
  ours: Timing;
  tfjs: Timing | null;
  gemmCeiling: Timing;
}

const fmt = (t: Timing | null) => (t ? t.gflops.toFixed(2) : '–');
const ratio = (a: Timing | null, b: Timing | null) => (a && b ? `${(a.gflops / b.gflops).toFixed(1)}×` : '–');
const pct = (a: Timing | null, b: Timing | null) => (a && b ? `${Math.round((100 * a.gflops) / b.gflops)}%` : '–');

function table(rows: Row[]): string {
  const head = '| layer | kernel (role) | GEMM M×N×K | GFLOP | ours GFLOP/s | tfjs GFLOP/s | GEMM GFLOP/s | ours/tfjs | ours/GEMM |';
  const sep = '|---|---|---|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.layer} | ${r.kernel} (${r.role}) | ${r.gemm.join('×')} | ${r.gflop.toFixed(3)} | ${fmt(r.ours)} | ${fmt(r.tfjs)} | ${fmt(r.gemmCeiling)} | ${ratio(r.ours, r.tfjs)} | ${pct(r.ours, r.gemmCeiling)} |`,
  );
  return [head, sep, ...lines].join('\n');
}

type TrainMode = 'ours' | 'tfjs' | 'cpu';

interface TrainRow {
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

/** Seconds of the first run (pipeline compilation included), then the median of up to `reps` more within the budget. */
async function firstAndMedian(once: () => Promise<number>, opts: Options): Promise<{ first: number; perIteration: number }> {
  const first = await once();
  const times: number[] = [];
  const start = performance.now();
  while (moreReps(times.length, start, opts.budgetMs, opts)) times.push(await once());
  return { first, perIteration: median(times) };
}

/** A preset's trainer and a batch of random clips for it in `mode`, disposed after `use`. */
function withTrainer<T>(preset: string, mode: TrainMode, opts: Options, use: (trainer: Trainer, real: tf.Tensor5D) => Promise<T>): Promise<T> {
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

interface ProfileRow {
  kernel: string;
  calls: number;
  gpuMs: number;
}

/**
 * One training iteration of a preset with our kernels (after a first one that compiles the pipelines),
 * with the GPU time of every kernel summed by name from WebGPU timestamp queries (tf.profile).
 */
async function profileTraining(preset: string, opts: Options): Promise<{ seconds: number; rows: ProfileRow[] }> {
  return withTrainer(preset, 'ours', opts, async (trainer, real) => {
    const backend = tf.backend() as WebGPUBackend;
    if (!backend.device.features.has('timestamp-query')) throw new Error('--profile: this adapter has no timestamp-query feature');
    await trainer.step(real);
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await trainer.step(real);
    });
    const seconds = (performance.now() - t0) / 1000;
    const byName = new Map<string, ProfileRow>();
    for (const k of info.kernels) {
      const row = byName.get(k.name) ?? { kernel: k.name, calls: 0, gpuMs: 0 };
      const ms = await k.kernelTimeMs;
      row.calls++;
      row.gpuMs += typeof ms === 'number' ? ms : 0;
      byName.set(k.name, row);
    }
    return { seconds, rows: [...byName.values()].sort((a, b) => b.gpuMs - a.gpuMs) };
  });
}

function profileTable(preset: string, p: { seconds: number; rows: ProfileRow[] }, batch: number): string {
  const total = p.rows.reduce((a, r) => a + r.gpuMs, 0);
  const shown = p.rows.filter((r) => r.gpuMs >= total / 200);
  const calls = p.rows.reduce((a, r) => a + r.calls, 0);
  return [
    `${preset}, batch ${batch}: one iteration ${p.seconds.toFixed(2)} s wall, ${calls} kernel calls, ${(total / 1000).toFixed(2)} s of GPU time`,
    '',
    '| kernel | calls | GPU ms | share |',
    '|---|---:|---:|---:|',
    ...shown.map((r) => `| ${r.kernel} | ${r.calls} | ${r.gpuMs.toFixed(1)} | ${((100 * r.gpuMs) / total).toFixed(1)}% |`),
    `| (${p.rows.length - shown.length} others, each under 0.5%) | ${calls - shown.reduce((a, r) => a + r.calls, 0)} | ${(total - shown.reduce((a, r) => a + r.gpuMs, 0)).toFixed(1)} | |`,
  ].join('\n');
}

const secs = (v: number | null) => (v === null ? '–' : v.toFixed(2));
const speedup = (a: number | null, b: number | null) => (a && b ? `${(b / a).toFixed(1)}×` : '–');

/** Rows of seconds, shown in `unit` (seconds × `scale`). */
function trainTable(rows: TrainRow[], what = 'preset', unit = 's/it', scale = 1): string {
  const v = (x: number | null) => secs(x === null ? null : x * scale);
  const head = `| ${what} | batch | ours ${unit} | tfjs kernels ${unit} | cpu ${unit} | ours vs tfjs | ours vs cpu | first: ours / tfjs / cpu (${unit.split('/')[0]}) |`;
  const sep = '|---|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.preset} | ${r.batch} | ${v(r.perIteration.ours)} | ${v(r.perIteration.tfjs)} | ${v(r.perIteration.cpu)} | ${speedup(r.perIteration.ours, r.perIteration.tfjs)} | ${speedup(r.perIteration.ours, r.perIteration.cpu)} | ${v(r.first.ours)} / ${v(r.first.tfjs)} / ${v(r.first.cpu)} |`,
  );
  return [head, sep, ...lines].join('\n');
}

export async function main(argv: string[]): Promise<void> {
  const opts = parseArgs(argv);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('no webgpu backend');
  const adapter = await navigator.gpu.requestAdapter();
  const info = adapter?.info;
  const adapterName = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  // Other work on the machine slows all three columns alike; the load average says how busy it was.
  const loadBefore = loadavg()[0];
  console.log(`adapter: ${adapterName}; batch ${opts.batch}; ${opts.reps} reps (budget ${opts.budgetMs / 1000} s each); load average ${loadBefore.toFixed(1)}`);

  const arch = architecture(resolveConfig('paper'), opts.kind);
  // --layers none times only the training iterations.
  const layers = convLayers(arch).filter((l) => !opts.layers || opts.layers.includes(`${l.network}/${l.name}`));
  const rows: Row[] = [];
  for (const l of layers) {
    const g = geometry(l, opts.batch);
    const flop = 2 * size(g.y.slice(0, -1)) * g.filter[g.filter.length - 1] * size(g.filter.slice(0, -1));
    const t = {
      x: random(g.x),
      filter: random(g.filter, 0.1),
      dy: random(g.y),
    };
    for (const k of kernelsOf(l, g, t)) {
      const dims = gemmDims(k.name, g, flop);
      const a = random([dims[0], dims[2]]) as tf.Tensor2D;
      const b = random([dims[2], dims[1]]) as tf.Tensor2D;
      const variants: Variant[] = [
        { run: k.run, flop, use: registerVganKernels },
        { run: () => gemm(a, b), flop: 2 * dims[0] * dims[1] * dims[2] },
        ...(opts.skipTfjs ? [] : [{ run: k.run, flop, use: unregisterVganKernels }]),
      ];
      const [ours, gemmCeiling, tfjs = null] = await timeSideBySide(variants, opts);
      registerVganKernels();
      tf.dispose([a, b]);
      const row: Row = { layer: `${l.network}/${l.name}`, kernel: k.name, role: k.role, gemm: dims, gflop: flop / 1e9, ours, tfjs, gemmCeiling };
      rows.push(row);
      console.log(table([row]).split('\n')[2]);
    }
    tf.dispose([t.x, t.filter, t.dy]);
  }
  registerVganKernels();

  const trainRows: TrainRow[] = [];
  for (const preset of opts.train) {
    const row: TrainRow = { preset, batch: opts.trainBatch, first: { ours: null, tfjs: null, cpu: null }, perIteration: { ours: null, tfjs: null, cpu: null } };
    for (const mode of ['ours', 'tfjs', 'cpu'] as const) {
      if (mode === 'tfjs' && opts.skipTfjs) continue;
      const t = await timeTraining(preset, mode, opts);
      row.first[mode] = t.first;
      row.perIteration[mode] = t.perIteration;
      console.log(`training ${preset} batch ${opts.trainBatch} ${mode}: first ${t.first.toFixed(1)} s, then ${t.perIteration.toFixed(2)} s/it`);
    }
    trainRows.push(row);
  }

  const predictRows: TrainRow[] = [];
  for (const preset of opts.predict) {
    const row: TrainRow = { preset: `${preset} future`, batch: 1 + opts.futures, first: { ours: null, tfjs: null, cpu: null }, perIteration: { ours: null, tfjs: null, cpu: null } };
    for (const mode of ['ours', 'tfjs', 'cpu'] as const) {
      if (mode === 'tfjs' && opts.skipTfjs) continue;
      const t = await timePrediction(preset, mode, opts);
      row.first[mode] = t.first;
      row.perIteration[mode] = t.perIteration;
      console.log(`prediction ${preset} future, ${1 + opts.futures} videos, ${mode}: first ${t.first.toFixed(1)} s, then ${t.perIteration.toFixed(2)} s`);
    }
    predictRows.push(row);
  }

  const profiles: Array<{ preset: string; seconds: number; rows: ProfileRow[] }> = [];
  for (const preset of opts.profile) {
    const p = await profileTraining(preset, opts);
    profiles.push({ preset, ...p });
    console.log(profileTable(preset, p, opts.trainBatch));
  }

  const markdown = [
    rows.length ? table(rows) : '',
    trainRows.length ? trainTable(trainRows) : '',
    predictRows.length ? trainTable(predictRows, 'prediction', 'ms', 1000) : '',
    ...profiles.map((p) => profileTable(p.preset, p, opts.trainBatch)),
  ]
    .filter(Boolean)
    .join('\n\n');
  console.log(`\n${markdown}`);
  const date = new Date().toISOString().slice(0, 10);
  const slug = adapterName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // A second run on the same day and adapter gets -2, -3, ...: results are never overwritten.
  let file = join(dir, `${date}-${slug}.json`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `${date}-${slug}-${n}.json`);
  const load = { before: loadBefore, after: loadavg()[0] };
  writeFileSync(file, JSON.stringify({ date, adapter: adapterName, options: opts, load, rows, trainRows, predictRows, profiles, markdown }, null, 2));
  console.log(`load average before ${load.before.toFixed(1)}, after ${load.after.toFixed(1)}`);
  console.log(`\nwrote ${file}`);
}
