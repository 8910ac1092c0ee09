// Conv3DBackpropFilterV2 on webgpu (dw of tf.conv3d and of tf.conv3dTranspose) through
// shaders/conv3d_backprop_filter.wgsl.
import { backend_util, type Conv3DBackpropFilterV2Attrs, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/conv3d_backprop_filter.wgsl?raw';
import { attrsOf, handled, largestIndex, runConvGemm, webgpuBackend, type KernelArgs } from './common';

type Shape5 = [number, number, number, number, number];

export function makeConv3DBackpropFilter(fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, filterShape } = attrsOf<Conv3DBackpropFilterV2Attrs>(args);
    if (!handled([x, dy], largestIndex(x.shape, dy.shape, filterShape))) return fallback(args);
    const info = backend_util.computeConv3DInfo(x.shape as Shape5, filterShape, strides, 1, pad);
    return runConv3DBackpropFilter(webgpuBackend(args), x, dy, info);
  };
}

/** dw of the convolution info describes (its filterShape), from x and dy. */
export function runConv3DBackpropFilter(backend: WebGPUBackend, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv3DInfo): TensorInfo {
  const M = info.filterDepth * info.filterHeight * info.filterWidth * info.inChannels;
  const K = info.batchSize * info.outDepth * info.outHeight * info.outWidth;
  return runConvGemm(backend, { name: 'conv3dBackpropFilter', template }, { x, dy }, [M, info.outChannels, K], info, info.filterShape);
}
