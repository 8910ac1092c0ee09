// The future model on one still image: its prediction, and K further plausible futures.
//
// The future generator has no z: one image gives one video. To show several futures we perturb the image's
// code (the encoder's output, the only place the image enters both streams) with seeded Gaussian noise:
//   code_k = max(0, code + σ · sd(code) · ε_k),  ε_k ~ N(0, I),  k = 1..K,
// σ relative to the code's own spread so that a scale means the same for any model, and re-rectified so the
// code stays in the range the decoder was trained on (the encoder ends in a ReLU). Entry 0 is the
// unperturbed prediction. No dropout: the model was trained without it, so dropout noise would be foreign.
// ε_k is drawn in one seeded stream, so future k is the same whatever K is, and the same for every image.
import * as tf from '../tf';
import type { VganModel } from '../model/networks';
import { readClips, type SampleClips } from '../model/sample';
import { deriveSeed } from '../model/seed';
import { loadModel, WeightsError } from '../model/weights';
import { firstFrameL1 } from '../train/losses';

export interface FutureOptions {
  /** Perturbed futures besides the prediction itself (K). */
  futures: number;
  /** σ: noise scale in units of the code's standard deviation. */
  noiseScale: number;
  seed: number;
}

export const defaultFutureOptions: FutureOptions = { futures: 3, noiseScale: 0.5, seed: 1 };

export interface Prediction {
  /** Entry 0: the model's prediction; entries 1..K: futures from perturbed codes. */
  clips: SampleClips[];
  /** Mean |first frame − input| of each entry: the trainer's reconstruction term. */
  reconstruction: number[];
}

/** The perturbation above, for VganModel.generate's perturbCode: [1, 4, 4, C] → [1 + K, 4, 4, C]. */
export function perturbCode({ futures, noiseScale, seed }: FutureOptions) {
  return (code: tf.Tensor4D): tf.Tensor4D => {
    const [, h, w, c] = code.shape;
    const sd = code.sub(code.mean()).square().mean().sqrt();
    const noise = tf.randomNormal([futures, h, w, c], 0, 1, 'float32', deriveSeed(seed, 'future-code'));
    return tf.concat([code, tf.relu(code.add(noise.mul(sd.mul(noiseScale))))]) as tf.Tensor4D;
  };
}

/** Predicts from one frame [S, S, 3] in [−1, 1], BatchNorm on its running averages (inference mode). */
export async function predictFutures(
  model: VganModel,
  frame: Float32Array,
  options: FutureOptions = defaultFutureOptions,
): Promise<Prediction> {
  const { size } = model.config;
  if (frame.length !== size * size * 3) throw new Error(`input frame must hold ${size}×${size}×3 values, got ${frame.length}`);
  const { recon, ...out } = tf.tidy(() => {
    const image = tf.tensor4d(frame, [1, size, size, 3]);
    const g = model.generate(image, { training: false, perturbCode: options.futures > 0 ? perturbCode(options) : undefined });
    const n = g.video.shape[0];
    const [, t, h, w, c] = g.video.shape;
    const recon = tf.stack(Array.from({ length: n }, (_, i) => firstFrameL1(g.video.slice([i, 0, 0, 0, 0], [1, t, h, w, c]), image)));
    return { ...g, recon };
  });
  const [clips, reconstruction] = await Promise.all([readClips(out), recon.data().finally(() => recon.dispose())]);
  return { clips, reconstruction: Array.from(reconstruction) };
}

/** Builds a future model from weights; any other kind of model is refused with a WeightsError. */
export function loadFutureModel(artifacts: tf.io.ModelArtifacts): VganModel {
  const { model, extra } = loadModel(artifacts);
  tf.dispose([...extra.values()]);
  if (model.kind !== 'future') {
    model.dispose();
    throw new WeightsError(`these weights hold an ${model.kind} model; predicting from an image needs a future model`);
  }
  return model;
}
