// C = A * B through shaders/gemm.wgsl, the conv kernels' tiling on a plain matrix product. Not a tfjs
// kernel: the benchmark calls it to measure what the adapter reaches with this tiling.
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/gemm.wgsl?raw';
import { runGemmShader } from './common';

export function gemm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const backend = tf.backend() as WebGPUBackend;
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (b.shape[0] !== K) throw new Error(`gemm: inner sizes ${K} and ${b.shape[0]} differ`);
  // a's rows in vec4s when K is a multiple of 4, as the conv kernels read theirs.
  const shader = { name: 'gemm', template, vectorInputs: K % 4 === 0 ? ['a'] : [] };
  const info = runGemmShader(backend, shader, { a, b }, [M, N, K], [M, N]);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}
