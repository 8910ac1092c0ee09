// The paper's baseline (§4.1): an autoencoder whose encoder is the discriminator's trunk ending in a
// zDim code and whose decoder is the two-stream generator, then a Gaussian mixture fitted on the codes of
// the training clips; new videos are mixture samples sent through the decoder.
// Both halves live in one VganModel: D's trunk is the encoder (its real/fake head stays unused) and the
// code layer is stored as `encoder/code/*`, so a saved baseline is a VGAN weights file whose generator
// the playground can load as it is.
// The reconstruction loss is L2 (mean squared error): the plain autoencoder the paper describes, whose
// blur on uncertain motion is part of what the human study compares against.
import * as tf from '../tf';
import { codeHead, resolveConfig, type LayerSpec, type ModelConfig } from '../model/config';
import { runLayer, runLayers } from '../model/layers';
import { DISCRIMINATOR_EPSILON, VganModel } from '../model/networks';
import { sampleClips, type ClipData } from '../model/sample';
import { assignWeights, loadModel, saveModel, WeightsError } from '../model/weights';
import { Adam } from '../train/adam';
import type { BatchSource } from '../train/data-source';
import { checkedUpdate } from '../train/trainer';
import { AUTOENCODER_LEARNING_RATE } from './autoencoder-defaults';
import { fitGmm, sampleGmm, type GaussianMixture, type GmmFit, type GmmFitOptions } from './gmm';

export interface AutoencoderOptions {
  preset: string;
  config?: Partial<ModelConfig>;
  seed: number;
  learningRate: number;
  beta1: number;
}

export const defaultAutoencoderOptions: AutoencoderOptions = {
  preset: 'tiny',
  seed: 1,
  learningRate: AUTOENCODER_LEARNING_RATE,
  beta1: 0.5,
};

/** What a saved baseline records in its weights file's `training` field. */
export interface BaselineRecord {
  baseline: 'autoencoder';
  iteration: number;
  options: AutoencoderOptions;
}

const CODE = 'encoder';

export class Autoencoder {
  readonly options: AutoencoderOptions;
  readonly model: VganModel;
  readonly head: LayerSpec;
  readonly optimizer: Adam;
  iteration = 0;

  constructor(options: Partial<AutoencoderOptions> = {}, model?: VganModel) {
    this.options = { ...defaultAutoencoderOptions, ...options };
    const o = this.options;
    this.model = model ?? new VganModel(resolveConfig({ ...o.config, preset: o.preset }), { seed: o.seed });
    if (this.model.kind !== 'unconditional' || this.model.generatorKind !== 'twoStream') {
      throw new Error('autoencoder: the decoder is the unconditional two-stream generator');
    }
    this.head = codeHead(this.model.arch);
    this.model.params.addLayer(CODE, this.head);
    this.optimizer = new Adam(o.learningRate, o.beta1);
  }

  get config(): ModelConfig {
    return this.model.config;
  }

  /** Codes [N, zDim] of videos [N, T, H, W, 3]: D's trunk, then the code layer (linear). */
  encode(video: tf.Tensor5D, training = false): tf.Tensor2D {
    const run = { training, epsilon: DISCRIMINATOR_EPSILON };
    const h = runLayers(this.model.params, 'discriminator', this.model.arch.discriminator, video, run);
    return runLayer(this.model.params, CODE, this.head, h, run).reshape([video.shape[0], this.config.zDim]);
  }

  /** Decoder output for videos: G(E(x)). */
  reconstruct(video: tf.Tensor5D, training = false): tf.Tensor5D {
    return tf.tidy(() => this.model.generate(this.encode(video, training), { training }).video);
  }

  /** The trained weights: the generator, D's trunk and the code layer (not D's real/fake head). */
  variables(): Map<string, tf.Variable> {
    const logit = `discriminator/${this.model.arch.discriminatorHead.name}/`;
    return new Map([...this.model.params.trainable].filter(([name]) => !name.startsWith(logit)));
  }

  /** One Adam update on mean((G(E(x)) − x)²); returns that loss (before the update). */
  async step(batch: tf.Tensor5D): Promise<number> {
    const [loss] = await checkedUpdate(
      this.variables(),
      this.optimizer,
      () => {
        const error = tf.squaredDifference(this.reconstruct(batch, true), batch).mean() as tf.Scalar;
        return { loss: error, stats: error.reshape([1]) as tf.Tensor1D };
      },
      () => new Error(`autoencoder training diverged at step ${this.iteration}: a non-finite loss or gradient; the update was not applied`),
    );
    this.iteration++;
    return loss;
  }

  /** Mean squared reconstruction error of a batch, in inference mode. */
  async error(batch: tf.Tensor5D): Promise<number> {
    const e = tf.tidy(() => tf.squaredDifference(this.reconstruct(batch), batch).mean());
    try {
      return (await e.data())[0];
    } finally {
      e.dispose();
    }
  }

  /** Codes of the first `count` clips of a source, [count, zDim] row-major, in inference mode. */
  async codes(source: BatchSource, count: number): Promise<Float32Array> {
    const zDim = this.config.zDim;
    const out = new Float32Array(count * zDim);
    for (let filled = 0; filled < count; ) {
      const batch = await source.next();
      const z = tf.tidy(() => this.encode(batch));
      batch.dispose();
      const values = (await z.data()) as Float32Array;
      z.dispose();
      const take = Math.min(values.length / zDim, count - filled);
      out.set(values.subarray(0, take * zDim), filled * zDim);
      filled += take;
    }
    return out;
  }

  /** Fits the mixture on the codes of `count` clips of `source`. */
  async fit(source: BatchSource, count: number, options: GmmFitOptions = {}): Promise<GmmFit> {
    return fitGmm(await this.codes(source, count), this.config.zDim, { seed: this.options.seed, ...options });
  }

  /**
   * `count` new videos: mixture samples through the decoder, BatchNorm on the statistics of this batch as in
   * training (left unchanged), the way the playground draws its grid, so both look alike in the study; after
   * a short run the running averages still describe the initial weights and would draw flat grey.
   */
  async sample(gmm: GaussianMixture, count: number, seed: number): Promise<ClipData[]> {
    if (gmm.dim !== this.config.zDim) throw new Error(`the mixture has ${gmm.dim} dimensions, the decoder takes ${this.config.zDim}`);
    const z = tf.tensor2d(sampleGmm(gmm, count, seed), [count, gmm.dim]);
    try {
      return (await sampleClips(this.model, z, { batchStatistics: true })).map((s) => s.video);
    } finally {
      z.dispose();
    }
  }

  /** A VGAN weights file holding the autoencoder (optimiser state left out). */
  save(): Promise<tf.io.ModelArtifacts> {
    const record: BaselineRecord = { baseline: 'autoencoder', iteration: this.iteration, options: this.options };
    return saveModel(this.model, undefined, { ...record });
  }

  /** Reads what `save()` (or the PyTorch trainer's baseline) wrote. */
  static load(artifacts: tf.io.ModelArtifacts): Autoencoder {
    const { model, topology, extra } = loadModel(artifacts);
    try {
      const record = topology.training as Partial<BaselineRecord> | undefined;
      if (record?.baseline !== 'autoencoder')
        throw new WeightsError('not an autoencoder baseline: its training record lacks baseline "autoencoder"');
      const ae = new Autoencoder({ ...record.options, config: model.config, seed: model.seed }, model);
      // The file's every tensor, trunk and generator included, so that assignWeights checks the code layer too.
      assignWeights(ae.model, new Map([...model.params.all(), ...extra]));
      ae.iteration = record.iteration ?? 0;
      return ae;
    } catch (e) {
      model.dispose();
      throw e;
    } finally {
      for (const t of extra.values()) t.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
