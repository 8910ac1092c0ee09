// Conv3DBackpropInputV2 on webgpu (tf.conv3dTranspose, and dx of tf.conv3d) through
// shaders/conv3d_backprop_input.wgsl: one dense GEMM per stride class of output positions.
import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/conv3d_backprop_input.wgsl?raw';
import { convFields, handled, largestIndex, tilesFor, webgpuBackend, type KernelArgs } from './common';
import { ImplicitGemmProgram, uniformData, type UniformField } from './program';
import { gridFor } from './tiling';

type Shape5 = [number, number, number, number, number];

export function makeConv3DBackpropInput(fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, inputShape } = args.attrs as unknown as {
      strides: number | [number, number, number];
      pad: 'valid' | 'same';
      inputShape: Shape5;
    };
    if (!handled([dy, filter], largestIndex(dy.shape, filter.shape, inputShape))) return fallback(args);
    const info = backend_util.computeConv3DInfo(inputShape, filter.shape as Shape5, strides, 1, pad);
    return runConv3DBackpropInput(webgpuBackend(args), dy, filter, info);
  };
}

/** dx of the convolution info describes (its inShape), from dy and the filter. */
export function runConv3DBackpropInput(backend: WebGPUBackend, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv3DInfo): TensorInfo {
  const s = [info.strideDepth, info.strideHeight, info.strideWidth];
  const sub = [info.inDepth, info.inHeight, info.inWidth].map((n, i) => Math.ceil(n / s[i]));
  const taps = [info.filterDepth, info.filterHeight, info.filterWidth].map((n, i) => Math.ceil(n / s[i]));
  const M = info.batchSize * sub[0] * sub[1] * sub[2];
  const N = info.inChannels;
  const K = taps[0] * taps[1] * taps[2] * info.outChannels;
  const tiles = tilesFor(backend, M, N);
  const fields: UniformField[] = [
    { name: 'gemm', type: 'vec4<i32>', data: [M, N, K, 0] },
    ...convFields(info),
    { name: 'sub', type: 'vec4<i32>', data: [...sub, 0] },
    { name: 'taps', type: 'vec4<i32>', data: [...taps, 0] },
  ];
  const classes = s[0] * s[1] * s[2];
  const program = new ImplicitGemmProgram(
    'conv3dBackpropInput', template, tiles, info.inShape, ['dy', 'w'], fields, gridFor(M, N, tiles, classes),
  );
  return backend.runWebGPUProgram(program, [dy, filter], 'float32', uniformData(fields));
}
