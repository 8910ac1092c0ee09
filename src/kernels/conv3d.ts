// Conv3D on webgpu: y = conv3d(x, w) through shaders/conv3d_forward.wgsl.
import { backend_util, type Conv3DAttrs, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/conv3d_forward.wgsl?raw';
import { attrsOf, channelsLastUndilated, handled, largestIndex, runConvGemm, webgpuBackend, type KernelArgs } from './common';

type Shape5 = [number, number, number, number, number];

export function makeConv3D(fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const { strides, pad, dilations, dataFormat } = attrsOf<Conv3DAttrs>(args);
    const ok = handled([x, filter], largestIndex(x.shape, filter.shape)) && channelsLastUndilated(dataFormat, 'NDHWC', dilations);
    if (!ok) return fallback(args);
    const info = backend_util.computeConv3DInfo(x.shape as Shape5, filter.shape as Shape5, strides, 1, pad);
    if (!handled([], largestIndex(info.outShape))) return fallback(args);
    return runConv3D(webgpuBackend(args), x, filter, info);
  };
}

/** Runs the shader for a convolution already described by info (conv2d.ts passes 2D ones as depth 1). */
export function runConv3D(backend: WebGPUBackend, x: TensorInfo, w: TensorInfo, info: backend_util.Conv3DInfo): TensorInfo {
  const M = info.batchSize * info.outDepth * info.outHeight * info.outWidth;
  const K = info.filterDepth * info.filterHeight * info.filterWidth * info.inChannels;
  // x is contiguous along (fw, c), the inner index: vec4 loads when C is a multiple of 4.
  const shader = { name: 'conv3d', template, vectorInputs: info.inChannels % 4 === 0 ? ['x'] : [] };
  return runConvGemm(backend, shader, { x, w }, [M, info.outChannels, K], info, info.outShape);
}
