// The representation-learning experiment (the paper's Figure 4b) from the command line:
//   npm run representation -- --weights public/weights/<name> [--data moving-mnist] [--label motion]
//   npm run representation -- --preset tiny --pretrain 200     (a GAN trained here first, on the training split's clips, unlabelled)
// Options: --steps 100 --batch 8 --lr 2e-4 --seed 1 --test 0.25 --fractions 0.125,0.25,0.5,1
//          --logistic-steps 300 --clips N (use the first N clips) --out runs/representation
// Writes <out>/representation.json (options, split sizes, features used, rows) and representation.csv.
import { parseArgs } from 'node:util';
import * as tf from '../src/tf';
import { resolveConfig } from '../src/model/config';
import { VganModel } from '../src/model/networks';
import { Trainer } from '../src/train/trainer';
import { classIndices, videoBatch } from '../src/eval/clips';
import { defaultFinetuneOptions, representationExperiment, stratifiedSplit, type FinetuneOptions } from '../src/eval/finetune';
import { seededRandom, shuffle } from '../src/data/random';
import { deriveSeed } from '../src/model/seed';
import { cpuBackend, loadLocalClips, loadWeightsDir, writeResults } from './lib/eval-cli';

export async function main(argv: string[]): Promise<void> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', default: 'moving-mnist' },
      label: { type: 'string', default: 'motion' },
      weights: { type: 'string' },
      preset: { type: 'string', default: 'tiny' },
      pretrain: { type: 'string', default: '0' },
      steps: { type: 'string', default: String(defaultFinetuneOptions.steps) },
      batch: { type: 'string', default: String(defaultFinetuneOptions.batchSize) },
      lr: { type: 'string', default: String(defaultFinetuneOptions.learningRate) },
      seed: { type: 'string', default: String(defaultFinetuneOptions.seed) },
      test: { type: 'string', default: String(defaultFinetuneOptions.testFraction) },
      fractions: { type: 'string', default: defaultFinetuneOptions.fractions.join(',') },
      'logistic-steps': { type: 'string', default: String(defaultFinetuneOptions.logisticSteps) },
      clips: { type: 'string' },
      out: { type: 'string', default: 'runs/representation' },
    },
  });

  await cpuBackend();
  const options: Partial<FinetuneOptions> = {
    seed: Number(args.seed),
    steps: Number(args.steps),
    batchSize: Number(args.batch),
    learningRate: Number(args.lr),
    testFraction: Number(args.test),
    fractions: args.fractions.split(',').map(Number),
    logisticSteps: Number(args['logistic-steps']),
  };
  const started = Date.now();
  const model = args.weights ? await loadWeightsDir(args.weights) : new VganModel(resolveConfig(args.preset), { seed: options.seed });
  const { manifest, clips } = await loadLocalClips(args.data, model.config, {
    seed: options.seed!,
    limit: args.clips ? Number(args.clips) : undefined,
  });
  const vocabulary = manifest.labels?.[args.label];
  if (!vocabulary)
    throw new Error(`${args.data} has no label "${args.label}" (it has: ${Object.keys(manifest.labels ?? {}).join(', ') || 'none'})`);
  const data = { clips, labels: classIndices(clips, args.label, vocabulary), classes: vocabulary };
  console.error(
    `${clips.length} clips of ${args.data}, ${vocabulary.length} classes of "${args.label}", model ${model.config.frames}×${model.config.size}²`,
  );

  const pretrainIterations = Number(args.pretrain);
  if (pretrainIterations > 0) {
    // Unlabelled GAN training on the clips the classifiers will train on; the test clips stay unseen.
    const { train } = stratifiedSplit(data.labels, vocabulary.length, options.testFraction!, options.seed!);
    const trainer = new Trainer({ config: model.config, seed: options.seed, kind: model.kind, generator: model.generatorKind }, model);
    const rand = seededRandom(deriveSeed(options.seed!, 'pretrain'));
    const batch = trainer.config.batchSize;
    for (let i = 0; i < pretrainIterations; i++) {
      const real = videoBatch(clips, shuffle([...train], rand).slice(0, batch), model.config.frames, model.config.size);
      const stats = await trainer.step(real);
      real.dispose();
      if ((i + 1) % 25 === 0)
        console.error(`pretrain ${i + 1}/${pretrainIterations}: D(x) ${stats.dReal.toFixed(3)} D(G(z)) ${stats.dFake.toFixed(3)}`);
    }
    // The trainer's model is the one the experiment starts from; only the optimisers go.
    trainer.optD.dispose();
    trainer.optG.dispose();
  }

  const result = await representationExperiment(model, data, {
    ...options,
    onStep: (label, done, total) => {
      if (done === total) console.error(`${label}: ${total} steps`);
    },
    onResult: (rows) => {
      const r = rows.at(-1)!;
      console.error(
        `${r.labels} labels: fine-tuned ${r.pretrained.toFixed(3)}, from scratch ${r.scratch.toFixed(3)}, logistic ${r.logistic.toFixed(3)}`,
      );
    },
  });
  const paths = await writeResults(
    args.out,
    'representation',
    {
      dataset: args.data,
      label: args.label,
      pretrained: args.weights ?? `${args.preset} preset, ${pretrainIterations} GAN iterations here`,
      config: model.config,
      options,
      seconds: (Date.now() - started) / 1000,
      ...result,
    },
    result.rows.map((r) => ({ ...r })),
  );
  model.dispose();
  console.error(`wrote ${paths.join(', ')}; ${tf.memory().numTensors} tensors left`);
}
