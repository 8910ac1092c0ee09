// Conv3DBackpropInputV2 on webgpu (tf.conv3dTranspose, and dx of tf.conv3d) through
// shaders/conv3d_backprop_input.wgsl: one dense GEMM per stride class of output positions.
import { backend_util, type Conv3DBackpropInputV2Attrs, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/conv3d_backprop_input.wgsl?raw';
import { attrsOf, handled, largestIndex, runConvGemm, webgpuBackend, type KernelArgs } from './common';
import type { UniformField } from './program';

type Shape5 = [number, number, number, number, number];

export function makeConv3DBackpropInput(fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, inputShape } = attrsOf<Conv3DBackpropInputV2Attrs>(args);
    if (!handled([dy, filter], largestIndex(dy.shape, filter.shape, inputShape))) return fallback(args);
    const info = backend_util.computeConv3DInfo(inputShape, filter.shape as Shape5, strides, 1, pad);
    return runConv3DBackpropInput(webgpuBackend(args), dy, filter, info);
  };
}

/**
 * Along an axis where dy has one position (a first layer: z → 4×4; the logit's input gradient), the
 * stride never applies: od*S - pad + fd is evaluated at od = 0 only. Taking it equal to the filter's
 * length gives each output position its own stride class holding its one tap, instead of rows that
 * multiply every tap and keep one.
 */
function strideOverSinglePosition(info: backend_util.Conv3DInfo): backend_util.Conv3DInfo {
  return {
    ...info,
    strideDepth: info.outDepth === 1 ? info.filterDepth : info.strideDepth,
    strideHeight: info.outHeight === 1 ? info.filterHeight : info.strideHeight,
    strideWidth: info.outWidth === 1 ? info.filterWidth : info.strideWidth,
  };
}

/** dx of the convolution info describes (its inShape), from dy and the filter. */
export function runConv3DBackpropInput(
  backend: WebGPUBackend,
  dy: TensorInfo,
  w: TensorInfo,
  convInfo: backend_util.Conv3DInfo,
): TensorInfo {
  const info = strideOverSinglePosition(convInfo);
  const s = [info.strideDepth, info.strideHeight, info.strideWidth];
  const sub = [info.inDepth, info.inHeight, info.inWidth].map((n, i) => Math.ceil(n / s[i]));
  const taps = [info.filterDepth, info.filterHeight, info.filterWidth].map((n, i) => Math.ceil(n / s[i]));
  const M = info.batchSize * sub[0] * sub[1] * sub[2];
  const K = taps[0] * taps[1] * taps[2] * info.outChannels;
  const extra: UniformField[] = [
    { name: 'sub', type: 'vec4<i32>', data: [...sub, 0] },
    { name: 'taps', type: 'vec4<i32>', data: [...taps, 0] },
  ];
  // dy and w are contiguous along oc, the inner index: vec4 loads when OC is a multiple of 4.
  const shader = { name: 'conv3dBackpropInput', template, vectorInputs: info.outChannels % 4 === 0 ? ['dy', 'w'] : [] };
  return runConvGemm(backend, shader, { dy, w }, [M, info.inChannels, K], info, info.inShape, extra, s[0] * s[1] * s[2]);
}
