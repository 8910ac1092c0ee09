// Losses of the VGAN objective, on logits so that saturated discriminators cannot overflow.
import * as tf from '../tf';

/**
 * Mean sigmoid cross-entropy of logits x against a constant label z ∈ {0, 1}, in the stable form
 * max(x, 0) − x·z + log(1 + exp(−|x|)).
 */
export function sigmoidCrossEntropy(logits: tf.Tensor, label: 0 | 1): tf.Scalar {
  return tf.tidy(() => {
    const relu = tf.relu(logits);
    const linear = label === 1 ? logits : tf.zerosLike(logits);
    return relu
      .sub(linear)
      .add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))
      .mean() as tf.Scalar;
  });
}

/** Mean absolute difference between the first generated frame [N, T, H, W, C] and the input image [N, H, W, C]. */
export function firstFrameL1(video: tf.Tensor5D, image: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [n, t, h, w, c] = video.shape;
    // Sliced as [N, T, H·W·C]: the gradient of a rank-5 slice is a rank-5 pad, whose shader tfjs-webgpu
    // cannot compile ("cannot index type 'vec5'"), and Dawn then drops the whole command buffer silently.
    const first = video
      .reshape([n, t, h * w * c])
      .slice([0, 0, 0], [n, 1, h * w * c])
      .reshape([n, h, w, c]);
    return first.sub(image).abs().mean() as tf.Scalar;
  });
}
