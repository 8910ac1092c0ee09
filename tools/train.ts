// Trains a VGAN with the TypeScript trainer (the playground's own code, tfjs's cpu backend) and scores its
// samples as it goes, to confirm in TypeScript what the PyTorch trainer found:
//   npm run train -- --preset tiny --iterations 300 --out runs/ts-tiny
// Options: --data NAME|DIR (a registered dataset, src/data/datasets.ts — shapes is made fresh — or a folder of shards) --batch N --seed N
//          --base-channels N --frame-stride N (override the preset) --quality-every N --generator twoStream|oneStream
//          --ema-decay D (score and save a moving average of G's weights, the trainer's emaDecay; default 0, the paper's)
//          --augment (show D every clip transformed, the trainer's augment; default off, the paper's)
//          --upsample transposed|resize (the generator's stride-2 layers; default the paper's transposed convolutions)
//          --lr-d R --lr-g R (Adam learning rates; default the paper's, constants.json's learningRate)
//          --beta1 B (Adam's β1 for D and G; default the paper's, constants.json's adamBeta1)
// Writes OUT/quality.jsonl (trainer/vgan/quality.py's numbers beside the real clips'), OUT/weights (the
// playground's format; trainer/samples.py draws them) and OUT/best (the best-scoring weights so far).
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '../src/tf';
import { fileFetch, nodeDecoder, publicFetch } from '../src/data/node';
import { upsampleKinds, type GeneratorKind, type Upsample } from '../src/model/config';
import { defaultTrainerOptions, Trainer } from '../src/train/trainer';
import { saveModel } from '../src/model/weights';
import { parseSetting } from '../src/settings';
import { datasetSource, openBatchSource, type BatchSource } from '../src/train/data-source';
import { isShipped } from '../src/data/datasets';
import { measureQuality } from '../src/train/quality';
import { cpuBackend, referenceClips } from './lib/eval-cli';
import { writeWeightFiles } from './lib/weights-files';

const REFERENCE_CLIPS = 64;

/** A flag checked against the page's setting of the same name (its range and format). */
function pageSetting(key: 'lrD' | 'lrG' | 'beta1', flag: string, raw: string): number {
  const parsed = parseSetting(key, raw);
  if ('problem' in parsed) throw new Error(`${flag}: ${parsed.problem}`);
  return parsed.value;
}

export async function main(argv: string[]): Promise<void> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', default: 'shapes' },
      preset: { type: 'string', default: 'tiny' },
      generator: { type: 'string', default: 'twoStream' },
      iterations: { type: 'string', default: '300' },
      batch: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'base-channels': { type: 'string' },
      'frame-stride': { type: 'string' },
      'quality-every': { type: 'string', default: '50' },
      mirror: { type: 'boolean', default: false },
      'ema-decay': { type: 'string', default: '0' },
      augment: { type: 'boolean', default: false },
      upsample: { type: 'string', default: 'transposed' },
      'lr-d': { type: 'string', default: String(defaultTrainerOptions.lrD) },
      'lr-g': { type: 'string', default: String(defaultTrainerOptions.lrG) },
      beta1: { type: 'string', default: String(defaultTrainerOptions.beta1) },
      out: { type: 'string', default: 'runs/ts-train' },
    },
  });
  if (!upsampleKinds.includes(args.upsample as Upsample)) throw new Error(`--upsample: one of ${upsampleKinds.join(', ')}`);
  await cpuBackend();
  const seed = Number(args.seed);
  const overrides = {
    ...(args['base-channels'] ? { baseChannels: Number(args['base-channels']) } : {}),
    ...(args['frame-stride'] ? { frameStride: Number(args['frame-stride']) } : {}),
  };
  const trainer = new Trainer({
    preset: args.preset,
    config: overrides,
    generator: args.generator as GeneratorKind,
    seed,
    emaDecay: Number(args['ema-decay']),
    augment: args.augment,
    upsample: args.upsample as Upsample,
    lrD: pageSetting('lrD', '--lr-d', args['lr-d']),
    lrG: pageSetting('lrG', '--lr-g', args['lr-g']),
    beta1: pageSetting('beta1', '--beta1', args.beta1),
  });
  const { config } = trainer;
  const batch = Number(args.batch ?? config.batchSize);
  const source: BatchSource = isShipped(args.data)
    ? await openBatchSource(args.data, config, batch, seed, { root: '', decoder: nodeDecoder, fetch: publicFetch, mirror: args.mirror })
    : await datasetSource('', config, batch, seed, { decoder: nodeDecoder, fetch: fileFetch(args.data), mirror: args.mirror });
  const { real: reference } = await referenceClips(args.data, config, seed, REFERENCE_CLIPS);
  await mkdir(args.out, { recursive: true });
  const log = join(args.out, 'quality.jsonl');
  const iterations = Number(args.iterations);
  const every = Number(args['quality-every']);
  const started = Date.now();
  let best = Infinity;
  const save = async (dir: string) => writeWeightFiles(join(args.out, dir), await saveModel(trainer.published(), undefined, trainer.state));
  while (trainer.iteration < iterations) {
    const reals: tf.Tensor5D[] = [];
    while (reals.length < trainer.batchesPerIteration) reals.push(await source.next());
    try {
      await trainer.step(...reals);
    } finally {
      tf.dispose(reals);
    }
    const done = trainer.iteration;
    if (done % every === 0 || done === iterations) {
      const m = await measureQuality(trainer.sampler, reference, seed, done);
      const line = { ...m, seconds: (Date.now() - started) / 1000, numTensors: tf.memory().numTensors };
      await appendFile(log, `${JSON.stringify(line)}\n`);
      console.error(JSON.stringify(line));
      if (m.score < best) {
        best = m.score;
        await save('best');
        await writeFile(join(args.out, 'best', 'quality.json'), JSON.stringify(m, null, 1));
      }
    }
  }
  await save('weights');
  source.dispose();
  trainer.dispose();
}
