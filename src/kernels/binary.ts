// Add, Sub and Multiply on webgpu through shaders/binary_broadcast.wgsl when one operand is broadcast
// along leading axes only (each operand, aligned right, is 1s then the output's trailing axes). Equal
// shapes (tfjs's vectorised path is good), small operands still on the CPU (tfjs computes those there),
// other broadcasts and non-float32 fall through to tfjs.
import { backend_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import template from '../../shaders/binary_broadcast.wgsl?raw';
import { handled, largestIndex, webgpuBackend, type KernelArgs } from './common';

const WORKGROUP = 64;
const MAX_GROUPS = 65535;

const ops = {
  Add: 'a + b',
  Sub: 'a - b',
  Multiply: 'a * b',
};
type OpName = keyof typeof ops;

class BinaryBroadcastProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['A', 'B'];
  uniforms = 'sizes : vec2<i32>,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;

  constructor(
    private readonly op: OpName,
    outputShape: number[],
  ) {
    this.outputShape = outputShape;
    this.shaderKey = `vgan_binaryBroadcast_${op}`;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const groups = Math.ceil(util.sizeFromShape(outputShape) / WORKGROUP);
    this.dispatch = groups <= MAX_GROUPS ? [groups, 1, 1] : [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
  }

  getUserCode(): string {
    return `fn op(a : f32, b : f32) -> f32 {\n  return ${ops[this.op]};\n}\n${template}`;
  }
}

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
    const program = new BinaryBroadcastProgram(op, out);
    return backend.runWebGPUProgram(program, [a, b], 'float32', [{ type: 'int32', data: sizes }]);
  };
}

export const makeAdd = makeBinary('Add');
export const makeSub = makeBinary('Sub');
export const makeMultiply = makeBinary('Multiply');
