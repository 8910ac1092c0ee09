// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter on webgpu (the background stream's transposed
// convolutions, the future encoder's convolutions and their gradients): a 2D convolution is a 3D one of
// depth 1, so these run the conv3d shaders on views of the same buffers with a depth axis of size 1.
import {
  backend_util,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { attrsOf, channelsLastUndilated, handled, largestIndex, webgpuBackend, type KernelArgs } from './common';
import { runConv3D } from './conv3d';
import { runConv3DBackpropFilter } from './conv3d_backprop_filter';
import { runConv3DBackpropInput } from './conv3d_backprop_input';

type Shape4 = [number, number, number, number];

/** The same buffer seen with a depth axis of size 1 after the batch (NHWC → N1HWC; HWIO → 1HWIO). */
const withDepth = (shape: number[], axis: number): number[] => [...shape.slice(0, axis), 1, ...shape.slice(axis)];
const view = (t: TensorInfo, shape: number[]): TensorInfo => ({ ...t, shape });

function asDepthOne(i: backend_util.Conv2DInfo): backend_util.Conv3DInfo {
  return {
    ...i,
    inDepth: 1,
    outDepth: 1,
    strideDepth: 1,
    dilationDepth: 1,
    filterDepth: 1,
    effectiveFilterDepth: 1,
    padInfo: { ...i.padInfo, front: 0, back: 0 },
    inShape: withDepth(i.inShape, 1) as backend_util.Conv3DInfo['inShape'],
    outShape: withDepth(i.outShape, 1) as backend_util.Conv3DInfo['outShape'],
    filterShape: withDepth(i.filterShape, 0) as backend_util.Conv3DInfo['filterShape'],
  };
}

/** The geometry as a depth-1 3D conv, or null for what tfjs's own kernel must do (NCHW, dilation). */
function info3D(
  attrs: Conv2DAttrs | Conv2DBackpropInputAttrs | Conv2DBackpropFilterAttrs,
  inputs: TensorInfo[],
  xShape: Shape4,
  filterShape: Shape4,
): backend_util.Conv3DInfo | null {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs;
  // Only the forward kernel has dilations; its gradients are undilated.
  const dilations = 'dilations' in attrs ? attrs.dilations : 1;
  const ok =
    handled(inputs, largestIndex(xShape, filterShape, ...inputs.map((t) => t.shape))) &&
    channelsLastUndilated(dataFormat, 'NHWC', dilations);
  if (!ok) return null;
  const info = backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  return handled([], largestIndex(info.outShape)) ? asDepthOne(info) : null;
}

export function makeConv2D(fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const info = info3D(attrsOf<Conv2DAttrs>(args), [x, filter], x.shape as Shape4, filter.shape as Shape4);
    if (!info) return fallback(args);
    const y = runConv3D(webgpuBackend(args), view(x, info.inShape), view(filter, info.filterShape), info);
    return view(
      y,
      info.outShape.filter((_, i) => i !== 1),
    );
  };
}

export function makeConv2DBackpropInput(fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = attrsOf<Conv2DBackpropInputAttrs>(args);
    const { inputShape } = attrs;
    const info = info3D(attrs, [dy, filter], inputShape, filter.shape as Shape4);
    if (!info) return fallback(args);
    const dx = runConv3DBackpropInput(webgpuBackend(args), view(dy, info.outShape), view(filter, info.filterShape), info);
    return view(dx, inputShape);
  };
}

export function makeConv2DBackpropFilter(fallback: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = attrsOf<Conv2DBackpropFilterAttrs>(args);
    const { filterShape } = attrs;
    const info = info3D(attrs, [x, dy], x.shape as Shape4, filterShape);
    if (!info) return fallback(args);
    const dw = runConv3DBackpropFilter(webgpuBackend(args), view(x, info.inShape), view(dy, info.outShape), info);
    return view(dw, filterShape);
  };
}
