// Automatic metrics of a generator from the command line (src/eval/metrics.ts):
//   npm run metrics -- --weights public/weights/<name> [--data shapes] [--clips 64]
// --data: a shipped dataset's name (src/data/datasets.ts) or a folder of shards, e.g. public/data/shapes; a
//         procedural dataset (shapes, moving-mnist) is scored against fresh clips, the others against their stored clips.
// Options: --features random|discriminator (the fixed random-weight network, or the model's own trained
//          discriminator trunk, biased towards its generator) --seed 1 --batch 8 --out runs/metrics
//          --preset tiny (a fresh, untrained model when no --weights is given, e.g. to see the scale)
// Writes <out>/metrics.json and metrics.csv: the model and the repeated-first-frame baseline.
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/model/config';
import { VganModel } from '../src/model/networks';
import { FEATURE_SEED, randomFeatureNetwork } from '../src/eval/features';
import { evaluateGenerator } from '../src/eval/metrics';
import { cpuBackend, loadWeightsDir, referenceClips, writeResults } from './lib/eval-cli';

export async function main(argv: string[]): Promise<void> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      weights: { type: 'string' },
      preset: { type: 'string', default: 'tiny' },
      data: { type: 'string', default: 'shapes' },
      clips: { type: 'string', default: '64' },
      features: { type: 'string', default: 'random' },
      seed: { type: 'string', default: '1' },
      batch: { type: 'string', default: '8' },
      out: { type: 'string', default: 'runs/metrics' },
    },
  });
  if (args.features !== 'random' && args.features !== 'discriminator')
    throw new Error(`--features must be random or discriminator, not ${args.features}`);
  await cpuBackend();
  const started = Date.now();
  const seed = Number(args.seed);
  const model = args.weights ? await loadWeightsDir(args.weights) : new VganModel(resolveConfig(args.preset), { seed });
  const { real, heldOut, source } = await referenceClips(args.data, model.config, seed, Number(args.clips), model.kind === 'unconditional');
  const featureModel = args.features === 'random' ? randomFeatureNetwork(model.config) : model;
  console.error(
    `${source}${real.mask ? ' with true masks' : ''}, model ${model.kind} ${model.config.frames}×${model.config.size}² (frame stride ${model.config.frameStride})`,
  );
  const rows = await evaluateGenerator(model, real, {
    featureModel,
    seed,
    heldOut,
    batchSize: Number(args.batch),
    onProgress: (done, total) => console.error(`${done}/${total} clips`),
  });
  const show = (v: number | null, digits: number) => v?.toFixed(digits) ?? '–';
  for (const r of rows) {
    console.error(
      `${r.name}: flicker ${show(r.flicker, 4)}, high frequency ${show(r.highFrequency, 4)}, FD ${show(r.frechet, 4)}, mask IoU ${show(r.maskIoU, 3)}, MAE ${show(r.maskMAE, 3)}, coverage ${show(r.maskCoverage, 3)}, stillness ${show(r.stillness, 4)}`,
    );
  }
  const features =
    args.features === 'random'
      ? `fixed random-weight discriminator trunk (seed ${FEATURE_SEED}, He-scaled), every layer's mean and standard deviation over time and space`
      : "the model's own discriminator trunk, every layer's mean and standard deviation over time and space (trained against this generator: biased)";
  const paths = await writeResults(
    args.out,
    'metrics',
    {
      model: args.weights ?? `untrained ${args.preset}`,
      kind: model.kind,
      config: model.config,
      dataset: args.data,
      reference: source,
      clips: real.clips,
      features,
      seed,
      seconds: (Date.now() - started) / 1000,
      rows,
    },
    rows.map((r) => ({ ...r })),
  );
  if (featureModel !== model) featureModel.dispose();
  model.dispose();
  console.error(`wrote ${paths.join(', ')}`);
}
