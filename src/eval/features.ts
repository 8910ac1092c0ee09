// Features of clips from a discriminator trunk, shared by the metrics (pooled activations of every trunk
// layer) and representation learning (the last trunk layer, flattened), and the fixed random-weight
// network the Fréchet distance is measured in.
import * as tf from '../tf';
import type { ModelConfig } from '../model/config';
import { LEAKY_SLOPE } from '../model/layers';
import { VganModel } from '../model/networks';

/** The trunk's layer outputs for a batch of clips, in forward order (the real/fake head left out). */
export function trunkActivations(model: VganModel, video: tf.Tensor5D): tf.Tensor5D[] {
  const outputs: tf.Tensor5D[] = [];
  const head = `discriminator/${model.arch.discriminatorHead.name}`;
  model.discriminate(video, { onLayer: (name, y) => name !== head && outputs.push(y as tf.Tensor5D) });
  return outputs;
}

/** The last trunk layer, flattened to [N, t0·4·4·C]: what the paper's K-way head sees. */
export function trunkFeatures(model: VganModel, video: tf.Tensor5D): tf.Tensor2D {
  return tf.tidy(() => {
    const last = trunkActivations(model, video).at(-1)!;
    return last.reshape([video.shape[0], -1]);
  });
}

/**
 * Every trunk layer's mean and standard deviation over time and space, per channel, concatenated:
 * [N, 2·Σ channels]. The spread carries what the average washes out, e.g. the energy of filters that
 * respond to motion, which is small where only a few pixels move.
 */
export function pooledFeatures(model: VganModel, video: tf.Tensor5D): tf.Tensor2D {
  return tf.tidy(() => {
    const pooled = trunkActivations(model, video).flatMap((a) => {
      const { mean, variance } = tf.moments(a, [1, 2, 3]);
      return [mean, variance.sqrt()];
    });
    return tf.concat(pooled, 1) as tf.Tensor2D;
  });
}

/** Seed of the fixed feature network: the same seed gives the same features on every machine. */
export const FEATURE_SEED = 2016;

/**
 * Width of the feature network, whatever the scored model's: a 64-channel model is then scored on the
 * same scale as a 32-channel one of its geometry (a trunk as wide as each model would not compare them).
 */
export const FEATURE_BASE_CHANNELS = 32;

/**
 * The discriminator's architecture for `config`'s geometry, FEATURE_BASE_CHANNELS wide, with fixed random
 * weights, rescaled from the authors' N(0, 0.01) to He's variance-preserving scale for leaky ReLU, so that
 * deep layers do not fade to zero. No pretrained video network (C3D, I3D) is available offline; a fixed
 * random network is the same for every model and run of one geometry, so its distances compare models,
 * though not with published FVD numbers.
 */
export function randomFeatureNetwork(config: ModelConfig, seed = FEATURE_SEED): VganModel {
  const model = new VganModel({ ...config, baseChannels: FEATURE_BASE_CHANNELS }, { seed });
  const init = 0.01;
  for (const spec of model.arch.discriminator) {
    const kernel = model.params.get(`discriminator/${spec.name}/kernel`);
    const fanIn = spec.kernel.reduce((a, b) => a * b, 1) * spec.inChannels;
    const he = Math.sqrt(2 / ((1 + LEAKY_SLOPE ** 2) * fanIn));
    tf.tidy(() => kernel.assign(kernel.mul(he / init)));
  }
  return model;
}
