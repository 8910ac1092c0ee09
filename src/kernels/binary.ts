// Add, Sub and Multiply on webgpu through shaders/binary_broadcast.wgsl when one operand is broadcast
// along leading axes only (each operand, aligned right, is 1s then the output's trailing axes). Equal
// shapes (tfjs's vectorised path is good), small operands still on the CPU (tfjs computes those there),
// other broadcasts and non-float32 fall through to tfjs.
import { backend_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import template from '../../shaders/binary_broadcast.wgsl?raw';
import { handled, largestIndex, webgpuBackend, type KernelArgs } from './common';
import { FlatProgram } from './program';

const ops = {
  Add: 'a + b',
  Sub: 'a - b',
  Multiply: 'a * b',
};
type OpName = keyof typeof ops;

/** Whether `shape`, aligned right against `out`, is 1s followed by out's trailing axes. */
function isTrailingBroadcast(shape: number[], out: number[]): boolean {
  const padded = [...new Array(out.length - shape.length).fill(1), ...shape];
  let first = out.length;
  while (first > 0 && padded[first - 1] === out[first - 1]) first--;
  return padded.slice(0, first).every((n) => n === 1);
}

function makeBinary(op: OpName): (fallback: KernelFunc) => KernelFunc {
  return (fallback) => (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const backend = webgpuBackend(args);
    const skip = util.arraysEqual(a.shape, b.shape) || backend.shouldExecuteOnCPU([a, b]);
    if (skip || !handled([a, b], largestIndex(a.shape, b.shape))) return fallback(args);
    const out = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const sizes = [util.sizeFromShape(a.shape), util.sizeFromShape(b.shape)];
    const ok = isTrailingBroadcast(a.shape, out) && isTrailingBroadcast(b.shape, out) && sizes[0] > 0 && sizes[1] > 0;
    if (!ok || !handled([], largestIndex(out))) return fallback(args);
    const code = `fn op(a : f32, b : f32) -> f32 {\n  return ${ops[op]};\n}\n${template}`;
    const program = new FlatProgram(`vgan_binaryBroadcast_${op}`, code, out, ['A', 'B'], 'sizes : vec2<i32>,');
    return backend.runWebGPUProgram(program, [a, b], 'float32', [{ type: 'int32', data: sizes }]);
  };
}

export const makeAdd = makeBinary('Add');
export const makeSub = makeBinary('Sub');
export const makeMultiply = makeBinary('Multiply');
