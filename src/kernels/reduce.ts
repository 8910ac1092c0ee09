// Sum and Mean on webgpu through shaders/reduce_sum.wgsl when the reduced axes are one contiguous block:
// every reduction VGAN's training runs (batch-norm moments, the gradients of broadcasts, the losses).
// Other axis sets, non-float32 inputs and empty tensors fall through to tfjs's own kernel.
import { util, type KernelFunc, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/reduce_sum.wgsl?raw';
import { attrsOf, handled, largestIndex, webgpuBackend, type KernelArgs } from './common';
import { FlatProgram } from './program';

/** Above this many reduced values per output, and with few outputs, sum in two passes. */
const ONE_PASS_ROWS = 1024;
const FEW_OUTPUTS = 4096;

/** x seen as [O, R, I] summed in chunks of `chunk` along R: [O, ceil(R / chunk), I], times scale. */
function sumPass(backend: WebGPUBackend, x: TensorInfo, [O, R, I]: number[], chunk: number, scale: number): TensorInfo {
  const P = Math.ceil(R / chunk);
  const program = new FlatProgram('vgan_reduceSum', template, [O, P, I], ['x'], 'dims : vec4<i32>, scale : f32,');
  const uniforms = [
    { type: 'int32', data: [R, I, chunk, P] },
    { type: 'float32', data: [scale] },
  ];
  return backend.runWebGPUProgram(program, [{ ...x, shape: [O, R, I] }], 'float32', uniforms);
}

function makeReduce(mean: boolean): (fallback: KernelFunc) => KernelFunc {
  return (fallback) => (args: KernelArgs) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = attrsOf<SumAttrs>(args);
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const contiguous = axes.length > 0 && axes.every((a, i) => a === first + i);
    if (!contiguous || !handled([x], largestIndex(x.shape)) || util.sizeFromShape(x.shape) === 0) return fallback(args);

    const dims = [
      util.sizeFromShape(x.shape.slice(0, first)),
      util.sizeFromShape(x.shape.slice(first, last + 1)),
      util.sizeFromShape(x.shape.slice(last + 1)),
    ];
    const outShape = keepDims ? x.shape.map((n, i) => (axes.includes(i) ? 1 : n)) : x.shape.filter((_, i) => !axes.includes(i));
    const backend = webgpuBackend(args);
    const [O, R, I] = dims;
    const scale = mean ? 1 / R : 1;
    let out: TensorInfo;
    if (R > ONE_PASS_ROWS && O * I < FEW_OUTPUTS) {
      const chunk = Math.ceil(Math.sqrt(R));
      const partial = sumPass(backend, x, dims, chunk, 1);
      const P = partial.shape[1];
      out = sumPass(backend, partial, [O, P, I], P, scale);
      backend.disposeData(partial.dataId);
    } else {
      out = sumPass(backend, x, dims, R, scale);
    }
    return { ...out, shape: outShape };
  };
}

export const makeSum = makeReduce(false);
export const makeMean = makeReduce(true);
