// registerVganKernels(): our implicit-GEMM WGSL kernels take over tfjs-backend-webgpu's Conv3D,
// Conv3DBackpropInputV2 and Conv3DBackpropFilterV2, so tf.conv3d, tf.conv3dTranspose and their
// gradients run them, and its Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter (as depth-1 3D
// convolutions); its Sum and Mean, for reductions over one contiguous block of axes; and its Add, Sub
// and Multiply where an operand is broadcast along leading axes. Cases they do not handle fall through
// to the kernel tfjs registered.
// Import @tensorflow/tfjs-backend-webgpu before calling it.
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { makeAdd, makeMultiply, makeSub } from './binary';
import { makeConv2D, makeConv2DBackpropFilter, makeConv2DBackpropInput } from './conv2d';
import { makeConv3D } from './conv3d';
import { makeConv3DBackpropFilter } from './conv3d_backprop_filter';
import { makeConv3DBackpropInput } from './conv3d_backprop_input';
import { makeMean, makeSum } from './reduce';

const makers: Record<string, (fallback: KernelFunc) => KernelFunc> = {
  Conv3D: makeConv3D,
  Conv3DBackpropInputV2: makeConv3DBackpropInput,
  Conv3DBackpropFilterV2: makeConv3DBackpropFilter,
  Conv2D: makeConv2D,
  Conv2DBackpropInput: makeConv2DBackpropInput,
  Conv2DBackpropFilter: makeConv2DBackpropFilter,
  Sum: makeSum,
  Mean: makeMean,
  Add: makeAdd,
  Sub: makeSub,
  Multiply: makeMultiply,
};

/** tfjs's own configs, kept while ours are registered. */
const originals = new Map<string, KernelConfig>();

export function registerVganKernels(): void {
  for (const [name, make] of Object.entries(makers)) {
    if (originals.has(name)) continue; // already ours
    const original = getKernel(name, 'webgpu');
    if (!original) throw new Error(`registerVganKernels: no webgpu kernel ${name}; import @tensorflow/tfjs-backend-webgpu first`);
    originals.set(name, original);
    unregisterKernel(name, 'webgpu');
    registerKernel({ ...original, kernelFunc: make(original.kernelFunc) });
  }
}

/** Puts tfjs's own kernels back (for benchmarks that compare the two). */
export function unregisterVganKernels(): void {
  for (const [name, original] of originals) {
    unregisterKernel(name, 'webgpu');
    registerKernel(original);
  }
  originals.clear();
}

export const vganKernelNames = Object.keys(makers);
export { setKernelMode } from './common';
export type { KernelMode } from './tiling';
