// The kernel benchmark (started by tools/bench-kernels.mjs, which provides WebGPU and the ?raw loader).
// For every conv layer of the paper preset it times the three kernels a training step runs (the layer's
// own op and its two gradients) with our WGSL kernels, with tfjs 4.22's kernels, and a plain matrix
// product of the same size through our GEMM shader, all on one adapter in one run (the 2D layers of the
// background stream too: ours run them as depth-1 3D convolutions). Then it times whole training iterations
// of the tiny and small presets, and the Future view's prediction with the small and paper future models
// (src/eval/predict.ts), each with our kernels, with tfjs's, and on the cpu backend. --profile breaks a
// training iteration down by kernel (GPU time from timestamp queries), to show where the time goes.
// Writes bench/results/<date>-<adapter>.json (-2, -3, ... for later runs that day) and prints markdown
// tables. The parts live in tools/bench/: options, measure, layers, training, profile, tables.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/tf';
import { timeLayers } from './bench/layers';
import { watchGpuForCli } from './lib/gpu-cli';
import { inTurn } from './bench/measure';
import { parseArgs } from './bench/options';
import { profileTraining } from './bench/profile';
import { layerTable, profileTable, trainTable } from './bench/tables';
import { predictionRow, trainingRow } from './bench/training';

export async function main(argv: string[]): Promise<void> {
  const opts = parseArgs(argv);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('no webgpu backend');
  const gpuErrors = watchGpuForCli();
  const adapter = await navigator.gpu.requestAdapter();
  const info = adapter?.info;
  const adapterName = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  // Other work on the machine slows all three columns alike; the load average says how busy it was.
  const loadBefore = loadavg()[0];
  console.log(
    `adapter: ${adapterName}; batch ${opts.batch}; ${opts.reps} reps (budget ${opts.budgetMs / 1000} s each); load average ${loadBefore.toFixed(1)}`,
  );

  const rows = await timeLayers(opts);
  const trainRows = await inTurn(opts.train, (preset) => trainingRow(preset, opts));
  const predictRows = await inTurn(opts.predict, (preset) => predictionRow(preset, opts));
  const profiles = await inTurn(opts.profile, async (preset) => {
    const p = await profileTraining(preset, opts);
    console.log(profileTable(p, opts.trainBatch));
    return p;
  });

  const markdown = [
    rows.length ? layerTable(rows) : '',
    trainRows.length ? trainTable(trainRows) : '',
    predictRows.length ? trainTable(predictRows, 'prediction', 'ms', 1000) : '',
    ...profiles.map((p) => profileTable(p, opts.trainBatch)),
  ]
    .filter(Boolean)
    .join('\n\n');
  console.log(`\n${markdown}`);
  gpuErrors.check(); // before anything is written: timings of dropped work are no timings
  const date = new Date().toISOString().slice(0, 10);
  const slug = adapterName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // A second run on the same day and adapter gets -2, -3, ...: results are never overwritten.
  let file = join(dir, `${date}-${slug}.json`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `${date}-${slug}-${n}.json`);
  const load = { before: loadBefore, after: loadavg()[0] };
  writeFileSync(
    file,
    JSON.stringify({ date, adapter: adapterName, options: opts, load, rows, trainRows, predictRows, profiles, markdown }, null, 2),
  );
  console.log(`load average before ${load.before.toFixed(1)}, after ${load.after.toFixed(1)}`);
  console.log(`\nwrote ${file}`);
}
