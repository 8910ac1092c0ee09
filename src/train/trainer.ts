// The one trainer that the app's worker, the CLIs and the tests share.
// An iteration is `dSteps` discriminator updates, then one generator update, as the authors train:
//   D: real and fake batches go through D separately (BatchNorm statistics per batch type),
//      loss = CE(D(x), 1) + CE(D(G(z)), 0);
//   G: non-saturating loss CE(D(G(z)), 1) + λ·mean(mask) [+ 10·mean|G(x0)₀ − x0| for the future model].
// Adam (β2 0.999, ε 1e-8) with separate state for G and D. Latent codes come from the seed and the
// step's position, so a run is reproduced by the same seed and the same sequence of steps.
// Every update checks its loss and gradients before applying them: a non-finite value throws
// TrainingDivergedError and leaves the weights as they were.
// With emaDecay (a named setting, 0 = off as the paper), an exponential moving average of G's weights follows
// every G update; the samples show it and Save weights writes it (trainer/vgan/averaging.py, the twin).
// With augment (a named setting, off as the paper) every clip D sees, real or generated, is first transformed
// (./augment.ts, twin of trainer/vgan/augment.py).
import * as tf from '../tf';
import { resolveConfig, type GeneratorKind, type ModelConfig, type ModelKind, type Upsample } from '../model/config';
import { VganModel } from '../model/networks';
import { deriveSeed } from '../model/seed';
import { decodeArtifacts, assignWeights, saveModel } from '../model/weights';
import { Adam } from './adam';
import { augmentBatch } from './augment';
import { firstFrameL1, sigmoidCrossEntropy } from './losses';
import constants from '../model/constants.json';
import type { StageListener } from './stages';

export interface TrainerOptions {
  /** Preset name, overridden field by field by `config`. */
  preset: string;
  config?: Partial<ModelConfig>;
  kind: ModelKind;
  generator: GeneratorKind;
  /** The generator's stride-2 layers: the paper's transposed convolutions, or resize-convolutions (no checkerboards). */
  upsample: Upsample;
  seed: number;
  lrD: number;
  lrG: number;
  beta1: number;
  /** Weight of the mask sparsity term λ·mean(m) (two-stream generators). */
  maskLambda: number;
  /** Weight of the first-frame L1 term (future model). */
  reconLambda: number;
  /** Discriminator updates per iteration. */
  dSteps: number;
  /** Generator updates per iteration, after the D updates. */
  gSteps: number;
  /** Decay of the moving average of G's weights that samples show and weights save; 0: G's own (the paper). */
  emaDecay: number;
  /** Show D every clip transformed per clip (colour, shift, cut-out), so it cannot memorise few clips; off: the paper. */
  augment: boolean;
}

export const defaultTrainerOptions: TrainerOptions = {
  preset: 'tiny',
  kind: 'unconditional',
  generator: 'twoStream',
  upsample: 'transposed',
  seed: 1,
  lrD: constants.learningRate,
  lrG: constants.learningRate,
  beta1: constants.adamBeta1,
  maskLambda: 0.1,
  reconLambda: 10,
  dSteps: 1,
  gSteps: 1,
  emaDecay: 0,
  augment: false,
};

export interface DStats {
  dLossReal: number;
  dLossFake: number;
  /** Mean D(x) and D(G(z)) as probabilities. */
  dReal: number;
  dFake: number;
}

export interface GStats {
  gLoss: number;
  gAdversarial: number;
  maskMean: number;
  /** Mean |first generated frame − input| (future model), else 0. */
  reconstruction: number;
}

export interface IterationStats extends DStats, GStats {
  iteration: number;
}

export class TrainingDivergedError extends Error {
  constructor(
    readonly network: 'generator' | 'discriminator',
    readonly iteration: number,
  ) {
    super(`training diverged: the ${network} update at iteration ${iteration} produced a non-finite loss or gradient; it was not applied`);
    this.name = 'TrainingDivergedError';
  }
}

/**
 * Computes a loss and its gradients with respect to `vars`, reads the loss and stats back once, and applies
 * the update only when everything is finite (else throws `diverged()`). Returns [loss, ...stats].
 */
export async function checkedUpdate(
  vars: Map<string, tf.Variable>,
  optimizer: Adam,
  loss: () => { loss: tf.Scalar; stats: tf.Tensor1D },
  diverged: () => Error,
): Promise<number[]> {
  let stats: tf.Tensor1D | undefined;
  const { grads, check } = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const r = loss();
      stats = tf.keep(r.stats);
      return r.loss;
    }, [...vars.values()]);
    // Pairwise: tfjs-webgpu's addN binds one buffer per input and outgrows the 8-buffer limit.
    const gradSum = Object.values(grads)
      .map((g) => g.sum())
      .reduce((a, b) => a.add(b));
    return { grads, check: tf.stack([value, gradSum]) };
  });
  try {
    const [values, checked] = await Promise.all([stats!.data(), check.data()]);
    if (![...values, ...checked].every(Number.isFinite)) throw diverged();
    const byName = new Map([...vars].map(([name, v]) => [name, grads[v.name]]));
    optimizer.apply(vars, byName);
    return [checked[0], ...values];
  } finally {
    tf.dispose([grads, check, stats!]);
  }
}

const ADAM_BETA2 = constants.adamBeta2;
const ADAM_EPSILON = constants.adamEpsilon;

export class Trainer {
  readonly options: TrainerOptions;
  readonly config: ModelConfig;
  readonly model: VganModel;
  readonly optD: Adam;
  readonly optG: Adam;
  /** Completed iterations: `dSteps` D updates, then `gSteps` G updates. */
  iteration = 0;
  /** Discriminator updates made in the current iteration. */
  private dIndex = 0;
  /** Generator updates made in the current iteration. */
  private gIndex = 0;
  /** With emaDecay: a model whose generator is the average (its discriminator is filled in by `published`). */
  private readonly average: VganModel | null;

  constructor(options: Partial<TrainerOptions> = {}, model?: VganModel) {
    this.options = { ...defaultTrainerOptions, ...options };
    const o = this.options;
    this.config = resolveConfig({ ...o.config, preset: o.preset });
    const modelOptions = { kind: o.kind, generator: o.generator, upsample: o.upsample, seed: o.seed };
    this.model = model ?? new VganModel(this.config, modelOptions);
    this.optD = new Adam(o.lrD, o.beta1, ADAM_BETA2, ADAM_EPSILON);
    this.optG = new Adam(o.lrG, o.beta1, ADAM_BETA2, ADAM_EPSILON);
    if (!(o.emaDecay >= 0 && o.emaDecay < 1)) throw new Error(`emaDecay must lie in [0, 1), got ${o.emaDecay}`);
    this.average = o.emaDecay > 0 ? new VganModel(this.config, { ...modelOptions, upsample: this.model.upsample }) : null;
    this.resetAverage();
  }

  /** The generator's parameters and running statistics, by name. */
  private generatorParams(model: VganModel): Array<[string, tf.Variable]> {
    return [...model.params.all()].filter(([name]) => name.startsWith('generator/'));
  }

  /** Starts the average from G's weights, or from a checkpoint's `average/…` tensors where it has them. */
  private resetAverage(saved?: Map<string, tf.Tensor>): void {
    if (!this.average) return;
    tf.tidy(() => {
      for (const [name, v] of this.generatorParams(this.model)) {
        this.average!.params.get(name).assign(saved?.get(`average/${name}`)?.cast('float32') ?? v);
      }
    });
  }

  /** average ← decay · average + (1 − decay) · weights; the running statistics are copied (the Python twin's rule). */
  private updateAverage(): void {
    if (!this.average) return;
    const d = this.options.emaDecay;
    tf.tidy(() => {
      for (const [name, v] of this.generatorParams(this.model)) {
        const a = this.average!.params.get(name);
        a.assign(v.trainable ? a.mul(d).add(v.mul(1 - d)) : v);
      }
    });
  }

  /** The model whose generator the samples show: the weight average with emaDecay, else the training model. */
  get sampler(): VganModel {
    return this.average ?? this.model;
  }

  /** The model Save weights writes: with emaDecay, the generator's average beside the training discriminator. */
  published(): VganModel {
    if (!this.average) return this.model;
    tf.tidy(() => {
      for (const [name, v] of this.model.params.all()) if (!name.startsWith('generator/')) this.average!.params.get(name).assign(v);
    });
    return this.average;
  }

  /** Latent codes [n, zDim] from the seed and a label (e.g. the iteration). */
  latent(n: number, ...label: Array<string | number>): tf.Tensor2D {
    return tf.randomNormal([n, this.config.zDim], 0, 1, 'float32', deriveSeed(this.options.seed, 'z', ...label));
  }

  private checkBatch(real: tf.Tensor5D): void {
    const { frames, size } = this.config;
    const [, t, h, w, c] = real.shape;
    if (real.rank !== 5 || t !== frames || h !== size || w !== size || c !== 3) {
      throw new Error(`real batch must be [N, ${frames}, ${size}, ${size}, 3], got [${real.shape}]`);
    }
  }

  /** The generator's input for a batch: the latent codes of this step, or the batch's first frames. */
  private generatorInput(real: tf.Tensor5D, z: tf.Tensor2D | undefined, label: Array<string | number>): tf.Tensor {
    if (this.options.kind === 'future') {
      const [n, , h, w, c] = real.shape;
      return tf.tidy(() => real.slice([0, 0, 0, 0, 0], [n, 1, h, w, c]).reshape([n, h, w, c]));
    }
    return z ? z.clone() : this.latent(real.shape[0], ...label);
  }

  /** What D is shown of a batch: the batch itself, or its augmentation drawn for the update's label. */
  private seenByD(video: tf.Tensor5D, label: Array<string | number>): tf.Tensor5D {
    return this.options.augment ? augmentBatch(video, this.options.seed, ...label) : video;
  }

  /** The labels of the current D update's real and fake batches and of the current G update's batch. */
  private get dLabels(): [real: Array<string | number>, fake: Array<string | number>] {
    return [
      [this.iteration, this.dIndex, 'real'],
      [this.iteration, this.dIndex, 'fake'],
    ];
  }

  private get gLabel(): Array<string | number> {
    return [this.iteration, 'g', this.gIndex];
  }

  private update(
    network: 'generator' | 'discriminator',
    optimizer: Adam,
    loss: () => { loss: tf.Scalar; stats: tf.Tensor1D },
  ): Promise<number[]> {
    return checkedUpdate(this.model.variables(network), optimizer, loss, () => new TrainingDivergedError(network, this.iteration));
  }

  /** One discriminator update on a real batch and a fake batch of the same size. */
  async stepD(real: tf.Tensor5D, z?: tf.Tensor2D): Promise<DStats> {
    this.checkBatch(real);
    const input = this.generatorInput(real, z, [this.iteration, this.dIndex]);
    const fake = tf.tidy(() => this.model.generate(input, { training: true }).video);
    input.dispose();
    try {
      const [realLabel, fakeLabel] = this.dLabels;
      const [, dLossReal, dLossFake, dReal, dFake] = await this.update('discriminator', this.optD, () => {
        const realLogits = this.model.discriminate(this.seenByD(real, realLabel), { training: true });
        const fakeLogits = this.model.discriminate(this.seenByD(fake, fakeLabel), { training: true });
        const lossReal = sigmoidCrossEntropy(realLogits, 1);
        const lossFake = sigmoidCrossEntropy(fakeLogits, 0);
        return {
          loss: lossReal.add(lossFake),
          stats: tf.stack([lossReal, lossFake, tf.sigmoid(realLogits).mean(), tf.sigmoid(fakeLogits).mean()]) as tf.Tensor1D,
        };
      });
      this.dIndex++;
      return { dLossReal, dLossFake, dReal, dFake };
    } finally {
      fake.dispose();
    }
  }

  /**
   * One generator update; the iteration completes with its `gSteps`-th. The first one's latent codes are
   * those of this iteration's first D step, as in the authors' code, later ones draw their own; the future
   * model instead reads the first frames of `real`.
   */
  async stepG(real: tf.Tensor5D, z?: tf.Tensor2D): Promise<GStats> {
    this.checkBatch(real);
    const o = this.options;
    const input = this.generatorInput(real, z, this.gIndex === 0 ? [this.iteration, 0] : [this.iteration, 'g', this.gIndex]);
    const label = this.gLabel;
    try {
      const [gLoss, gAdversarial, maskMean, reconstruction] = await this.update('generator', this.optG, () => {
        const out = this.model.generate(input, { training: true });
        const adversarial = sigmoidCrossEntropy(this.model.discriminate(this.seenByD(out.video, label), { training: true }), 1);
        const maskMean = out.mask ? out.mask.mean() : tf.scalar(0);
        const recon = o.kind === 'future' ? firstFrameL1(out.video, input as tf.Tensor4D) : tf.scalar(0);
        return {
          loss: adversarial.add(maskMean.mul(o.maskLambda)).add(recon.mul(o.reconLambda)) as tf.Scalar,
          stats: tf.stack([adversarial, maskMean, recon]) as tf.Tensor1D,
        };
      });
      this.updateAverage();
      if (++this.gIndex >= o.gSteps) {
        this.iteration++;
        this.dIndex = 0;
        this.gIndex = 0;
      }
      return { gLoss, gAdversarial, maskMean, reconstruction };
    } finally {
      input.dispose();
    }
  }

  /** The generator's clips for `input` as an update sees them (batch statistics), its running statistics left alone. */
  private generateFrozen(input: tf.Tensor): { video: tf.Tensor5D; maskMean: tf.Scalar } {
    return tf.tidy(() => {
      const out = this.model.generate(input, { training: true, freezeStatistics: true });
      return { video: out.video, maskMean: out.mask ? out.mask.mean() : tf.scalar(0) };
    });
  }

  /** D's mean output as a probability and its loss against `target`, as an update sees them, changing nothing. */
  private async judge(clips: tf.Tensor5D, target: 0 | 1, label: Array<string | number>): Promise<[probability: number, loss: number]> {
    const out = tf.tidy(() => {
      const logits = this.model.discriminate(this.seenByD(clips, label), { training: true, freezeStatistics: true });
      return tf.stack([tf.sigmoid(logits).mean(), sigmoidCrossEntropy(logits, target)]);
    });
    try {
      const [probability, loss] = await out.data();
      return [probability, loss];
    } finally {
      out.dispose();
    }
  }

  /** stepD with its stages shown: D on the real clips, D on the clips G draws for this update, the update. */
  private async stepDInStages(real: tf.Tensor5D, onStage: StageListener): Promise<DStats> {
    this.checkBatch(real);
    const [realLabel, fakeLabel] = this.dLabels;
    const [dReal, lossReal] = await this.judge(real, 1, realLabel);
    await onStage({ stage: 'dReal', numbers: { 'D(x)': dReal, 'D loss on real': lossReal } });
    const input = this.generatorInput(real, undefined, [this.iteration, this.dIndex]);
    const { video: fake, maskMean } = this.generateFrozen(input);
    tf.dispose([input, maskMean]);
    try {
      const [dFake, lossFake] = await this.judge(fake, 0, fakeLabel);
      await onStage({ stage: 'dFake', numbers: { 'D(G(z))': dFake, 'D loss on fake': lossFake } });
      const stats = await this.stepD(real);
      const [[realAfter], [fakeAfter]] = await Promise.all([this.judge(real, 1, realLabel), this.judge(fake, 0, fakeLabel)]);
      await onStage({
        stage: 'dUpdate',
        numbers: { 'D loss': stats.dLossReal + stats.dLossFake, 'D(x) after': realAfter, 'D(G(z)) after': fakeAfter },
      });
      return stats;
    } finally {
      fake.dispose();
    }
  }

  /** stepG with its stages shown: G's clips through D, the update, and the same input drawn and scored again. */
  private async stepGInStages(real: tf.Tensor5D, onStage: StageListener): Promise<GStats> {
    this.checkBatch(real);
    const input = this.generatorInput(real, undefined, this.gIndex === 0 ? [this.iteration, 0] : [this.iteration, 'g', this.gIndex]);
    const label = this.gLabel;
    const score = async () => {
      const { video, maskMean } = this.generateFrozen(input);
      try {
        const [[probability, loss], [mask]] = await Promise.all([this.judge(video, 1, label), maskMean.data()]);
        return { probability, loss, mask };
      } finally {
        tf.dispose([video, maskMean]);
      }
    };
    try {
      const before = await score();
      await onStage({ stage: 'gForward', numbers: { 'D(G(z))': before.probability, 'G loss': before.loss, 'mask mean': before.mask } });
      const stats = await this.stepG(real);
      const after = await score();
      await onStage({
        stage: 'gUpdate',
        numbers: { 'G loss': stats.gAdversarial, 'D(G(z)) after': after.probability, 'mask mean after': after.mask },
      });
      return stats;
    } finally {
      input.dispose();
    }
  }

  /** Real batches one iteration reads: one per update of the busier network. */
  get batchesPerIteration(): number {
    return Math.max(this.options.dSteps, this.options.gSteps);
  }

  /**
   * The rest of the current iteration (a whole one from its start): D updates up to `dSteps`, then G updates
   * up to `gSteps`; update k of each reads `realBatches[k]` (reused cyclically if fewer). Stats are the last
   * D and G updates'.
   */
  step(...realBatches: tf.Tensor5D[]): Promise<IterationStats> {
    return this.iterate(realBatches);
  }

  /**
   * `step`, stopping after each stage of each update to hand `onStage` the numbers it computed (GAN Lab's slow
   * mode). The extra forward passes leave BatchNorm's running statistics alone: the weights and statistics end
   * exactly as `step` leaves them.
   */
  stepThrough(realBatches: tf.Tensor5D[], onStage: StageListener): Promise<IterationStats> {
    return this.iterate(realBatches, onStage);
  }

  private async iterate(realBatches: tf.Tensor5D[], onStage?: StageListener): Promise<IterationStats> {
    if (realBatches.length === 0) throw new Error('step needs at least one real batch');
    const iteration = this.iteration;
    const batch = (k: number) => realBatches[k % realBatches.length];
    let d: DStats | undefined;
    while (this.gIndex === 0 && this.dIndex < this.options.dSteps) {
      const real = batch(this.dIndex);
      d = onStage ? await this.stepDInStages(real, onStage) : await this.stepD(real);
    }
    let g: GStats;
    do {
      const real = batch(this.gIndex);
      g = onStage ? await this.stepGInStages(real, onStage) : await this.stepG(real);
    } while (this.gIndex > 0);
    return { iteration, ...d!, ...g };
  }

  /** Where the run stands: what a UI shows and a checkpoint records. */
  get state(): { iteration: number; dIndex: number; gIndex: number; options: TrainerOptions } {
    return { iteration: this.iteration, dIndex: this.dIndex, gIndex: this.gIndex, options: this.options };
  }

  /** Generator output in inference mode for latent codes (or first frames, future model). */
  sample(input: tf.Tensor) {
    return this.model.generate(input, { training: false });
  }

  /**
   * A checkpoint: weights, BatchNorm statistics, optimiser state, G's weight average and the trainer's position;
   * with resize-convolutions also their 3-tap kernels as trained (`taps/…`), which the weights' 4 taps give back
   * only to rounding.
   */
  async checkpoint(): Promise<tf.io.ModelArtifacts> {
    const extra = new Map([...this.optD.state('optimizer/discriminator/'), ...this.optG.state('optimizer/generator/')]);
    for (const [name, v] of this.average ? this.generatorParams(this.average) : []) extra.set(`average/${name}`, v);
    for (const [name, v] of this.model.params.resizeTaps()) extra.set(`taps/${name}`, v);
    try {
      return await saveModel(this.model, extra, this.state);
    } finally {
      tf.dispose([extra.get('optimizer/discriminator/step')!, extra.get('optimizer/generator/step')!]);
    }
  }

  /** Restores a checkpoint written by `checkpoint()`; a plain weights file restores the weights only. */
  static restore(artifacts: tf.io.ModelArtifacts, overrides: Partial<TrainerOptions> = {}): Trainer {
    const { topology, tensors } = decodeArtifacts(artifacts);
    const saved = (topology.training ?? {}) as { options?: TrainerOptions; iteration?: number; dIndex?: number; gIndex?: number };
    let trainer: Trainer | undefined;
    try {
      // Inside the try: a model that cannot be built still releases the decoded tensors.
      trainer = new Trainer({
        ...saved.options,
        kind: topology.kind,
        generator: topology.generator,
        seed: topology.seed,
        ...overrides,
        // The file's layer table, time span and kernel form are the model's: no setting may change them on restore.
        config: topology.config,
        upsample: topology.upsample,
      });
      assignWeights(trainer.model, tensors);
      tf.tidy(() => {
        for (const [name, v] of trainer!.model.params.resizeTaps()) {
          const taps = tensors.get(`taps/${name}`);
          if (taps) v.assign(taps.cast('float32'));
        }
      });
      trainer.resetAverage(tensors);
      trainer.optD.restore('optimizer/discriminator/', tensors);
      trainer.optG.restore('optimizer/generator/', tensors);
      trainer.iteration = saved.iteration ?? 0;
      trainer.dIndex = saved.dIndex ?? 0;
      trainer.gIndex = saved.gIndex ?? 0;
      return trainer;
    } catch (e) {
      trainer?.dispose();
      throw e;
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
    this.average?.dispose();
    this.optD.dispose();
    this.optG.dispose();
  }
}
