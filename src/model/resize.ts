// Resize-convolution (a named setting, `upsample: 'resize'`): nearest-neighbour upsampling by 2 and then a
// 3-tap 'same' convolution is a stride-2, 4-tap transposed convolution whose taps are fixed sums of the 3
// (per axis w = A·k, A = constants.resizeTaps). So the generator keeps the paper's layers and weight files
// and only trains a constrained kernel: one that maps a flat input to a flat output, hence draws no
// checkerboards. trainer/vgan/ops.py is the PyTorch twin.
import * as tf from '../tf';
import constants from './constants.json';

/** A acting on every one of `dims` spatial axes at once: the Kronecker power A^⊗dims, row-major like tfjs kernels. */
function alongAxes(matrix: number[][], dims: number): number[][] {
  let m = matrix;
  for (let i = 1; i < dims; i++) m = m.flatMap((row) => matrix.map((r) => row.flatMap((a) => r.map((b) => a * b))));
  return m;
}

// The 2D (background) and 3D (foreground) matrices, made once: the forward pass needs them at every resize layer.
const EXPAND = [2, 3].map((dims) => alongAxes(constants.resizeTaps, dims));
const PROJECT = [2, 3].map((dims) => alongAxes(constants.resizeTapsInverse, dims));

/** A resize-convolution's tfjs-layout kernel [3, 3(, 3), out, in] → the transposed convolution's [4, 4(, 4), out, in]. */
export function resizeKernel(k: tf.Tensor, dims: number): tf.Tensor {
  return tf.tidy(() => {
    const flat = k.reshape([3 ** dims, -1]);
    return tf.matMul(tf.tensor2d(EXPAND[dims - 2]!), flat).reshape([...Array(dims).fill(4), ...k.shape.slice(dims)]);
  });
}

/**
 * The [3…, out, in] kernel whose resizeKernel is w [4…, out, in] (least squares), computed on the CPU from the
 * weights file's values. A w far from every such kernel is refused (null); the tolerance admits weights stored
 * as float16, not an unconstrained kernel.
 */
export function resizeKernelInverse(w: ArrayLike<number>, shape: number[], dims: number): tf.Tensor | null {
  const channels = w.length / 4 ** dims;
  const apply = (m: number[][], x: ArrayLike<number>): Float32Array => {
    const out = new Float32Array(m.length * channels);
    for (let i = 0; i < m.length; i++) {
      for (let j = 0; j < m[i]!.length; j++) {
        const a = m[i]![j]!;
        if (a !== 0) for (let c = 0; c < channels; c++) out[i * channels + c] += a * x[j * channels + c]!;
      }
    }
    return out;
  };
  const k = apply(PROJECT[dims - 2]!, w);
  const back = apply(EXPAND[dims - 2]!, k);
  let residual = 0;
  let scale = 0;
  for (let i = 0; i < w.length; i++) {
    residual = Math.max(residual, Math.abs(back[i]! - w[i]!));
    scale = Math.max(scale, Math.abs(w[i]!));
  }
  if (residual > 1e-2 * (scale || 1)) return null;
  return tf.tensor(k, [...Array(dims).fill(3), ...shape.slice(dims)]);
}
