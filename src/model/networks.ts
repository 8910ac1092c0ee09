// The VGAN networks, built from one Architecture:
//   two-stream generator  G(z) = m ⊙ f + (1 − m) ⊙ b, b a 2D image copied over time;
//   one-stream generator  G(z) = f;
//   future generator      the same streams fed by an image encoder instead of z (2× wider);
//   discriminator         a 3D-conv net ending in one logit, optionally with a K-way classifier head.
import * as tf from '../tf';
import {
  architecture,
  type Architecture,
  type GeneratorKind,
  type LayerSpec,
  type ModelConfig,
  type ModelKind,
  type Upsample,
  upsampleKinds,
} from './config';
import { runLayer, runLayers, type RunOptions } from './layers';
import { registerConv3dTransposeGradient } from './gradients';
import { layerParams, ParamStore, type ParamSpec } from './params';
import { deriveSeed } from './seed';
import constants from './constants.json';

// BatchNorm epsilons, shared with trainer/vgan/networks.py through constants.json.
export const GENERATOR_EPSILON = constants.generatorEpsilon;
export const DISCRIMINATOR_EPSILON = constants.discriminatorEpsilon;

export interface ModelOptions {
  kind?: ModelKind;
  generator?: GeneratorKind;
  /** The generator's stride-2 layers: the paper's transposed convolutions (default) or resize-convolutions. */
  upsample?: Upsample;
  /** Seed of the initial weights. */
  seed?: number;
  /** Adds a K-way classifier head on the discriminator trunk (representation learning). */
  classes?: number;
}

export interface GeneratorOutput {
  /** [N, T, H, W, 3] in [−1, 1]. */
  video: tf.Tensor5D;
  /** Two-stream only: [N, T, H, W, 3] foreground, [N, T, H, W, 1] mask, [N, T, H, W, 3] background (the same every frame). */
  foreground?: tf.Tensor5D;
  mask?: tf.Tensor5D;
  background?: tf.Tensor5D;
}

export interface ForwardOptions {
  training?: boolean;
  freezeStatistics?: boolean;
  onLayer?: RunOptions['onLayer'];
  /** Future model: maps the encoder's code [N, 4, 4, C] to the code the streams read (its batch may differ). */
  perturbCode?: (code: tf.Tensor4D) => tf.Tensor4D;
}

// Before the classifier head (representation learning), shared with trainer/vgan/networks.py.
const DROPOUT_RATE = constants.dropoutRate;

const classifierHeadOf = (a: Architecture, classes: number): LayerSpec | null =>
  classes > 0 ? { ...a.discriminatorHead, name: 'logits', outChannels: classes } : null;

/** Every layer that owns parameters, with the prefix of its stable names, in definition order. */
function modelLayers(a: Architecture, generator: GeneratorKind, classes: number): Array<[string, LayerSpec]> {
  const head = classifierHeadOf(a, classes);
  return [
    ...a.encoder.map((s): [string, LayerSpec] => ['generator/encoder', s]),
    ...[...a.foreground, a.videoHead].map((s): [string, LayerSpec] => ['generator/foreground', s]),
    ...(generator === 'twoStream'
      ? [
          ['generator/foreground', a.maskHead] as [string, LayerSpec],
          ...a.background.map((s): [string, LayerSpec] => ['generator/background', s]),
        ]
      : []),
    ...[...a.discriminator, a.discriminatorHead].map((s): [string, LayerSpec] => ['discriminator', s]),
    ...(head ? [['classifier', head] as [string, LayerSpec]] : []),
  ];
}

/** The parameters (names and shapes) of the model `config` and `options` describe, without building it. */
export function modelParams(config: ModelConfig, options: ModelOptions = {}): ParamSpec[] {
  const kind = options.kind ?? 'unconditional';
  return modelLayers(architecture(config, kind), options.generator ?? 'twoStream', options.classes ?? 0).flatMap(([prefix, spec]) =>
    layerParams(prefix, spec),
  );
}

registerConv3dTransposeGradient();

export class VganModel {
  readonly arch: Architecture;
  readonly kind: ModelKind;
  readonly generatorKind: GeneratorKind;
  readonly upsample: Upsample;
  readonly classes: number;
  readonly seed: number;
  readonly params: ParamStore;
  /** The classifier's layer: the discriminator head's shape with K outputs. */
  readonly classifierHead: LayerSpec | null;

  constructor(config: ModelConfig, options: ModelOptions = {}) {
    this.kind = options.kind ?? 'unconditional';
    this.generatorKind = options.generator ?? 'twoStream';
    if (this.kind === 'future' && this.generatorKind !== 'twoStream') {
      throw new Error('generator: the future model is two-stream only');
    }
    this.upsample = options.upsample ?? 'transposed';
    if (!upsampleKinds.includes(this.upsample)) {
      throw new Error(`upsample: expected one of ${upsampleKinds.join(', ')}, got "${String(this.upsample)}"`);
    }
    this.classes = options.classes ?? 0;
    this.seed = options.seed ?? 0;
    this.arch = architecture(config, this.kind);
    this.params = new ParamStore(this.seed);
    this.classifierHead = classifierHeadOf(this.arch, this.classes);
    for (const [prefix, spec] of modelLayers(this.arch, this.generatorKind, this.classes)) {
      const resize = this.upsample === 'resize' && prefix.startsWith('generator/') && spec.op.endsWith('Transpose') && spec.stride === 2;
      this.params.addLayer(prefix, spec, resize);
    }
  }

  get config(): ModelConfig {
    return this.arch.config;
  }

  /** The generator's input: latent codes [N, zDim], or first frames [N, H, W, 3] for the future model. */
  generate(input: tf.Tensor, opts: ForwardOptions = {}): GeneratorOutput {
    const run: RunOptions = { training: false, ...opts, epsilon: GENERATOR_EPSILON };
    const a = this.arch;
    const n = input.shape[0];
    let fgIn: tf.Tensor;
    let bgIn: tf.Tensor;
    if (this.kind === 'future') {
      const [h, w] = [a.config.size, a.config.size];
      if (input.rank !== 4 || input.shape[1] !== h || input.shape[2] !== w || input.shape[3] !== 3) {
        throw new Error(`future generator input must be [N, ${h}, ${w}, 3], got [${input.shape}]`);
      }
      const encoded = runLayers(this.params, 'generator/encoder', a.encoder, input, run) as tf.Tensor4D; // [N, 4, 4, C]
      const code = opts.perturbCode ? opts.perturbCode(encoded) : encoded;
      fgIn = code.expandDims(1);
      bgIn = code;
    } else {
      if (input.rank !== 2 || input.shape[1] !== a.config.zDim) {
        throw new Error(`generator input must be [N, ${a.config.zDim}], got [${input.shape}]`);
      }
      fgIn = input.reshape([n, 1, 1, 1, a.config.zDim]);
      bgIn = input.reshape([n, 1, 1, a.config.zDim]);
    }
    const trunk = runLayers(this.params, 'generator/foreground', a.foreground, fgIn, run);
    const foreground = runLayer(this.params, 'generator/foreground', a.videoHead, trunk, run) as tf.Tensor5D;
    if (this.generatorKind === 'oneStream') return { video: foreground };
    const mask = runLayer(this.params, 'generator/foreground', a.maskHead, trunk, run) as tf.Tensor5D;
    const still = runLayers(this.params, 'generator/background', a.background, bgIn, run).expandDims(1);
    // Broadcasting copies the still over time (tfjs has no rank-5 gradient for tile, and tfjs-webgpu's
    // tile/broadcastTo read back synchronously, which Chromium's WebGPU cannot survive).
    const video = tf.add(mask.mul(foreground), tf.sub(1, mask).mul(still)) as tf.Tensor5D;
    const background = tf.concat(
      Array.from({ length: a.config.frames }, () => still),
      1,
    ) as tf.Tensor5D;
    return { video, foreground, mask, background };
  }

  private trunk(video: tf.Tensor5D, run: RunOptions): tf.Tensor5D {
    const { frames, size } = this.arch.config;
    const [, t, h, w, c] = video.shape;
    if (t !== frames || h !== size || w !== size || c !== 3) {
      throw new Error(`discriminator input must be [N, ${frames}, ${size}, ${size}, 3], got [${video.shape}]`);
    }
    return runLayers(this.params, 'discriminator', this.arch.discriminator, video, run) as tf.Tensor5D;
  }

  /** One real/fake logit per clip: [N]. */
  discriminate(video: tf.Tensor5D, opts: ForwardOptions = {}): tf.Tensor1D {
    const run: RunOptions = { training: false, ...opts, epsilon: DISCRIMINATOR_EPSILON };
    const h = this.trunk(video, run);
    return runLayer(this.params, 'discriminator', this.arch.discriminatorHead, h, run).reshape([video.shape[0]]);
  }

  /** Class logits [N, K] from the discriminator trunk, through dropout (training) and the classifier head. */
  classify(video: tf.Tensor5D, opts: ForwardOptions & { dropoutSeed?: number } = {}): tf.Tensor2D {
    if (!this.classifierHead) throw new Error('classes: this model has no classifier head');
    const run: RunOptions = { training: false, ...opts, epsilon: DISCRIMINATOR_EPSILON };
    let h: tf.Tensor = this.trunk(video, run);
    if (run.training) h = tf.dropout(h, DROPOUT_RATE, undefined, opts.dropoutSeed ?? deriveSeed(this.seed, 'dropout'));
    return runLayer(this.params, 'classifier', this.classifierHead, h, run).reshape([video.shape[0], this.classes]);
  }

  /** Trainable variables of the generator or the discriminator (with its classifier head). */
  variables(network: 'generator' | 'discriminator' | 'classifier'): Map<string, tf.Variable> {
    return this.params.trainableUnder(`${network}/`);
  }

  dispose(): void {
    this.params.dispose();
  }
}
