// C = A * B through shaders/gemm.wgsl, the conv kernels' tiling on a plain matrix product. Not a tfjs
// kernel: the benchmark calls it to measure what the adapter reaches with this tiling.
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/gemm.wgsl?raw';
import { tilesFor } from './common';
import { ImplicitGemmProgram, uniformData, type UniformField } from './program';
import { gridFor } from './tiling';

export function gemm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const backend = tf.backend() as WebGPUBackend;
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (b.shape[0] !== K) throw new Error(`gemm: inner sizes ${K} and ${b.shape[0]} differ`);
  // a's rows in vec4s when K is a multiple of 4, as the conv kernels read theirs.
  const vectorInputs = K % 4 === 0 ? ['a'] : [];
  const tiles = tilesFor(backend, M, N, vectorInputs.length > 0);
  const fields: UniformField[] = [{ name: 'gemm', type: 'vec4<i32>', data: [M, N, K, 0] }];
  const program = new ImplicitGemmProgram('gemm', template, tiles, [M, N], ['a', 'b'], fields, gridFor(M, N, tiles), vectorInputs);
  const info = backend.runWebGPUProgram(program, [a, b], 'float32', uniformData(fields));
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}
