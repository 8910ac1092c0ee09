// Representation learning (the paper's §5, Figure 4b): is a GAN's discriminator a useful start for
// classifying video? For each label budget (1/8 … all of the labelled training split) we compare
//   pretrained: the discriminator trunk, a dropout (0.5) and a K-way head, all fine-tuned;
//   scratch:    the same network from random initialisation, trained the same way;
//   logistic:   multinomial logistic regression on the frozen trunk's last layer, flattened
//               (t0·4·4·C values: exactly what the K-way head sees, without its training).
// Splits are stratified and seeded; budgets are nested prefixes of a class-interleaved order, so every
// budget holds every class and a larger budget adds labels to a smaller one.
import * as tf from '../tf';
import type { PreparedClip } from '../data/loader';
import { seededRandom, shuffle } from '../data/random';
import { VganModel } from '../model/networks';
import { deriveSeed } from '../model/seed';
import { Adam } from '../train/adam';
import { videoBatch } from './clips';
import defaults from './finetune-defaults.json';
import { trunkFeatures } from './features';

export interface LabelledClips {
  clips: PreparedClip[];
  /** Class index of each clip. */
  labels: number[];
  classes: string[];
}

export interface Split {
  /** Training indices, class-interleaved: any prefix is as balanced as it can be. */
  train: number[];
  test: number[];
}

/** A stratified, seeded split: `testFraction` of every class is held out; labels ≥ `classes` are left out. */
export function stratifiedSplit(labels: number[], classes: number, testFraction: number, seed: number): Split {
  const rand = seededRandom(deriveSeed(seed, 'split'));
  const byClass = Array.from({ length: classes }, (_, k) =>
    shuffle(
      labels.flatMap((l, i) => (l === k ? [i] : [])),
      rand,
    ),
  );
  const test = byClass.flatMap((ids) => ids.slice(0, Math.round(ids.length * testFraction)));
  const rest = byClass.map((ids) => ids.slice(Math.round(ids.length * testFraction)));
  const train: number[] = [];
  const rounds = Math.max(0, ...rest.map((ids) => ids.length));
  for (let round = 0; round < rounds; round++) {
    for (const ids of rest) if (round < ids.length) train.push(ids[round]);
  }
  return { train, test: test.sort((a, b) => a - b) };
}

/** Numbers of labels for budget fractions of the training split (at least one clip each). */
export const budgetSizes = (train: number, fractions: number[]) => fractions.map((f) => Math.max(1, Math.round(train * f)));

export interface FinetuneOptions {
  seed: number;
  /** Fractions of the labelled training split (the paper: 1/8 to all). */
  fractions: number[];
  testFraction: number;
  /** Updates per fine-tuning run, the same at every budget. */
  steps: number;
  batchSize: number;
  learningRate: number;
  beta1: number;
  /** Full-batch Adam updates of the logistic regression, its L2 weight and its learning rate. */
  logisticSteps: number;
  logisticL2: number;
  logisticLearningRate: number;
  /** Called after each finished run, e.g. to draw the plot as it grows. */
  onResult?: (partial: BudgetResult[]) => void;
  /** Yields to the caller between updates (the UI keeps its thread free). */
  onStep?: (label: string, done: number, total: number) => Promise<void> | void;
}

/** The protocol's settings, shared with the PyTorch twin (trainer/vgan/representation.py). */
export const defaultFinetuneOptions: FinetuneOptions = defaults;

export interface BudgetResult {
  labels: number;
  fraction: number;
  /** Test accuracy of each method, in [0, 1]. */
  pretrained: number;
  scratch: number;
  logistic: number;
}

export interface RepresentationResult {
  classes: string[];
  train: number;
  test: number;
  features: string;
  rows: BudgetResult[];
}

/** Test accuracy of a trained model's classifier. */
async function accuracy(model: VganModel, data: LabelledClips, test: number[], batchSize: number): Promise<number> {
  const { frames, size } = model.config;
  let right = 0;
  for (let s = 0; s < test.length; s += batchSize) {
    const ids = test.slice(s, s + batchSize);
    const predicted = tf.tidy(() => model.classify(videoBatch(data.clips, ids, frames, size)).argMax(1));
    const values = await predicted.data();
    predicted.dispose();
    ids.forEach((c, i) => {
      right += values[i] === data.labels[c] ? 1 : 0;
    });
  }
  return right / test.length;
}

/**
 * Trains the discriminator trunk and a K-way head on `train`, from `source`'s discriminator or from
 * random weights, and returns the test accuracy. The real/fake head plays no part and is not trained.
 * Both starts of one budget share the head's initial weights, the batches and the dropout masks.
 */
export async function fineTune(
  source: VganModel | null,
  template: VganModel,
  data: LabelledClips,
  train: number[],
  test: number[],
  opts: FinetuneOptions,
  label: string,
): Promise<number> {
  const { frames, size } = template.config;
  const seed = deriveSeed(opts.seed, 'finetune', train.length);
  const model = new VganModel(template.config, { kind: template.kind, classes: data.classes.length, seed });
  const adam = new Adam(opts.learningRate, opts.beta1);
  try {
    if (source) {
      for (const [name, v] of source.params.all()) if (name.startsWith('discriminator/')) model.params.get(name).assign(v);
    }
    const head = `discriminator/${model.arch.discriminatorHead.name}/`;
    const vars = new Map(
      [...model.variables('discriminator'), ...model.variables('classifier')].filter(([name]) => !name.startsWith(head)),
    );
    const rand = seededRandom(deriveSeed(seed, 'batches'));
    let order: number[] = [];
    for (let step = 0; step < opts.steps; step++) {
      if (order.length < Math.min(opts.batchSize, train.length)) order = order.concat(shuffle([...train], rand));
      const ids = order.splice(0, Math.min(opts.batchSize, train.length));
      tf.tidy(() => {
        const video = videoBatch(data.clips, ids, frames, size);
        const target = tf.oneHot(
          ids.map((c) => data.labels[c]),
          data.classes.length,
        );
        const { grads } = tf.variableGrads(
          () =>
            tf.losses.softmaxCrossEntropy(
              target,
              model.classify(video, { training: true, dropoutSeed: deriveSeed(seed, 'dropout', step) }),
            ) as tf.Scalar,
          [...vars.values()],
        );
        adam.apply(vars, new Map([...vars].map(([name, v]) => [name, grads[v.name]])));
      });
      await opts.onStep?.(label, step + 1, opts.steps);
    }
    return await accuracy(model, data, test, opts.batchSize);
  } finally {
    adam.dispose();
    model.dispose();
  }
}

/** Standardised features: train statistics applied to both sets, so no test information leaks in. */
function standardise(train: tf.Tensor2D, test: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const mean = train.mean(0);
  const std = train.sub(mean).square().mean(0).sqrt().add(1e-6);
  return [train.sub(mean).div(std), test.sub(mean).div(std)];
}

/**
 * Multinomial logistic regression with an L2 penalty, by full-batch Adam on standardised features;
 * returns the test accuracy.
 */
export async function logisticRegression(
  trainX: tf.Tensor2D,
  trainY: number[],
  testX: tf.Tensor2D,
  testY: number[],
  classes: number,
  { steps, l2, learningRate }: { steps: number; l2: number; learningRate: number },
): Promise<number> {
  const [x, xTest] = tf.tidy(() => standardise(trainX, testX));
  const target = tf.oneHot(trainY, classes);
  // Made in a tidy: tf.variable keeps its initial value's data, not the tensor itself.
  const w = tf.tidy(() => tf.variable(tf.zeros([x.shape[1], classes])));
  const b = tf.tidy(() => tf.variable(tf.zeros([classes])));
  const vars = new Map([
    ['w', w],
    ['b', b],
  ]);
  const adam = new Adam(learningRate, 0.9);
  try {
    for (let step = 0; step < steps; step++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const ce = tf.losses.softmaxCrossEntropy(target, x.matMul(w).add(b));
          return ce.add(
            w
              .square()
              .sum()
              .mul(l2 / 2),
          ) as tf.Scalar;
        }, [w, b]);
        adam.apply(
          vars,
          new Map([
            ['w', grads[w.name]],
            ['b', grads[b.name]],
          ]),
        );
      });
    }
    const predicted = tf.tidy(() => xTest.matMul(w).add(b).argMax(1));
    const values = await predicted.data();
    predicted.dispose();
    return testY.reduce((n, y, i) => n + (values[i] === y ? 1 : 0), 0) / testY.length;
  } finally {
    tf.dispose([x, xTest, target, w, b]);
    adam.dispose();
  }
}

/** The frozen trunk's features of clips `ids`, batch by batch: [ids.length, t0·4·4·C]. */
async function frozenFeatures(model: VganModel, data: LabelledClips, ids: number[], batchSize: number): Promise<tf.Tensor2D> {
  const { frames, size } = model.config;
  const parts: tf.Tensor2D[] = [];
  for (let s = 0; s < ids.length; s += batchSize) {
    parts.push(tf.tidy(() => trunkFeatures(model, videoBatch(data.clips, ids.slice(s, s + batchSize), frames, size))));
  }
  const all = tf.concat(parts);
  tf.dispose(parts);
  return all;
}

/** The whole experiment: every budget, three methods, one seeded split. */
export async function representationExperiment(
  pretrained: VganModel,
  data: LabelledClips,
  options: Partial<FinetuneOptions> = {},
): Promise<RepresentationResult> {
  const opts = { ...defaultFinetuneOptions, ...options };
  const split = stratifiedSplit(data.labels, data.classes.length, opts.testFraction, opts.seed);
  if (split.test.length === 0 || split.train.length === 0) throw new Error(`too few clips (${data.labels.length}) for a train/test split`);
  const testY = split.test.map((c) => data.labels[c]);
  const [trainFeatures, testFeatures] = [
    await frozenFeatures(pretrained, data, split.train, opts.batchSize),
    await frozenFeatures(pretrained, data, split.test, opts.batchSize),
  ];
  const rows: BudgetResult[] = [];
  try {
    const sizes = budgetSizes(split.train.length, opts.fractions);
    for (const [i, labels] of sizes.entries()) {
      const train = split.train.slice(0, labels);
      const x = trainFeatures.slice([0, 0], [labels, trainFeatures.shape[1]]);
      const logistic = await logisticRegression(
        x,
        train.map((c) => data.labels[c]),
        testFeatures,
        testY,
        data.classes.length,
        {
          steps: opts.logisticSteps,
          l2: opts.logisticL2,
          learningRate: opts.logisticLearningRate,
        },
      );
      x.dispose();
      rows.push({
        labels,
        fraction: opts.fractions[i],
        pretrained: await fineTune(pretrained, pretrained, data, train, split.test, opts, `pretrained/${labels}`),
        scratch: await fineTune(null, pretrained, data, train, split.test, opts, `scratch/${labels}`),
        logistic,
      });
      opts.onResult?.([...rows]);
    }
  } finally {
    tf.dispose([trainFeatures, testFeatures]);
  }
  const [t0, h, w, c] = pretrained.arch.discriminator.at(-1)!.outShape;
  return {
    classes: data.classes,
    train: split.train.length,
    test: split.test.length,
    features: `last discriminator trunk layer (${pretrained.arch.discriminator.at(-1)!.name}), flattened: ${t0}×${h}×${w}×${c} = ${t0 * h * w * c} values`,
    rows,
  };
}
