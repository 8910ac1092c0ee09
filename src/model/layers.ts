// Runs the layers of a LayerSpec table: convolution (+ bias), BatchNorm, activation.
import * as tf from '../tf';
import type { LayerSpec } from './config';
import type { ParamStore } from './params';
import constants from './constants.json';

export interface RunOptions {
  /** Training mode: BatchNorm uses batch statistics (and updates its running averages unless frozen). */
  training: boolean;
  /** Keeps the running averages as they are in training mode, e.g. to draw samples with batch statistics. */
  freezeStatistics?: boolean;
  /** BatchNorm epsilon: 1e-5 in the generator (Torch's default), 1e-3 in the discriminator (as the authors). */
  epsilon: number;
  /** Called with each layer's output, e.g. for the teaching diagram; the tensor is owned by the caller's tidy. */
  onLayer?: (name: string, output: tf.Tensor) => void;
}

/** Torch's BatchNorm momentum: running = (1 − m)·running + m·batch. */
const BN_MOMENTUM = constants.batchNormMomentum;
export const LEAKY_SLOPE = constants.leakySlope;

function convolve(store: ParamStore, name: string, spec: LayerSpec, x: tf.Tensor): tf.Tensor {
  const w = store.kernel(`${name}/kernel`);
  const n = x.shape[0];
  const s = spec.stride;
  switch (spec.op) {
    case 'conv3d':
      return tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, [s, s, s], spec.pad);
    case 'conv2d':
      return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [s, s], spec.pad);
    case 'conv3dTranspose':
      return tf.conv3dTranspose(
        x as tf.Tensor5D,
        w as tf.Tensor5D,
        [n, ...spec.outShape] as [number, number, number, number, number],
        [s, s, s],
        spec.pad,
      );
    case 'conv2dTranspose':
      return tf.conv2dTranspose(
        x as tf.Tensor4D,
        w as tf.Tensor4D,
        [n, ...spec.outShape] as [number, number, number, number],
        [s, s],
        spec.pad,
      );
  }
}

function batchNorm(store: ParamStore, name: string, x: tf.Tensor4D, opts: RunOptions): tf.Tensor {
  const gamma = store.get(`${name}/gamma`);
  const beta = store.get(`${name}/beta`);
  const movingMean = store.get(`${name}/movingMean`);
  const movingVariance = store.get(`${name}/movingVariance`);
  if (!opts.training) return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, opts.epsilon);
  // Moments by hand: tf.moments's variance has no working gradient on tfjs-webgpu 4.22 (its float cast).
  const mean = x.mean([0, 1, 2]);
  const variance = x.sub(mean).square().mean([0, 1, 2]);
  // Running variance is the unbiased estimate, as in Torch and PyTorch.
  if (!opts.freezeStatistics) {
    const count = x.size / x.shape[3]!;
    const unbiased = count > 1 ? variance.mul(count / (count - 1)) : variance;
    movingMean.assign(tf.tidy(() => movingMean.mul(1 - BN_MOMENTUM).add(mean.mul(BN_MOMENTUM))));
    movingVariance.assign(tf.tidy(() => movingVariance.mul(1 - BN_MOMENTUM).add(unbiased.mul(BN_MOMENTUM))));
  }
  return tf.batchNorm(x, mean, variance, beta, gamma, opts.epsilon);
}

function activate(x: tf.Tensor, spec: LayerSpec): tf.Tensor {
  switch (spec.activation) {
    case 'relu':
      return tf.relu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, LEAKY_SLOPE);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'none':
      return x;
  }
}

export function runLayer(store: ParamStore, prefix: string, spec: LayerSpec, x: tf.Tensor, opts: RunOptions): tf.Tensor {
  const name = `${prefix}/${spec.name}`;
  const conv = convolve(store, name, spec, x);
  // Bias, BatchNorm and activation act per channel, so they run on a [1, 1, positions, C] view: tfjs 4.22
  // cannot differentiate batchNorm beyond rank 4, and its webgpu backend has no rank-5 `where` (leaky ReLU's
  // gradient) and emits invalid WGSL for a rank-5 tensor plus a vector.
  let y = conv.reshape([1, 1, -1, spec.outChannels]).add(store.get(`${name}/bias`));
  if (spec.batchNorm) y = batchNorm(store, name, y as tf.Tensor4D, opts);
  y = activate(y, spec).reshape(conv.shape);
  opts.onLayer?.(name, y);
  return y;
}

export function runLayers(store: ParamStore, prefix: string, specs: LayerSpec[], x: tf.Tensor, opts: RunOptions): tf.Tensor {
  return specs.reduce((h, spec) => runLayer(store, prefix, spec, h, opts), x);
}
