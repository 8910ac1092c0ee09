// VganAdamUpdate on webgpu: one parameter's Adam update in three dispatches of shaders/adam_update.wgsl
// (m', v', p') instead of the dozen element-wise ops of src/train/adam.ts's op-by-op form. A kernel of
// our own name, registered for webgpu only: Adam asks whether the current backend has it.
import { getKernel, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import template from '../../shaders/adam_update.wgsl?raw';
import { handled, largestIndex, webgpuBackend, type KernelArgs } from './common';
import { FlatProgram } from './program';

export const ADAM_UPDATE = 'VganAdamUpdate';

export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** lr / (1 − β1^t). */
  stepSize: number;
  /** √(1 − β2^t). */
  correction2: number;
}

/** Whether `backend` runs the fused update (ours registered, float32 state). */
export const hasAdamUpdate = (backend: string) => getKernel(ADAM_UPDATE, backend) !== undefined;

const OUTPUTS = ['m', 'v', 'p'];

export const adamUpdate: KernelFunc = (args: KernelArgs) => {
  const { g, m, v, p } = args.inputs as Record<'g' | 'm' | 'v' | 'p', TensorInfo>;
  const { beta1, beta2, epsilon, stepSize, correction2 } = args.attrs as unknown as AdamUpdateAttrs;
  const inputs = [g, m, v, p];
  if (!handled(inputs, largestIndex(p.shape)) || inputs.some((t) => t.shape.join() !== p.shape.join())) {
    throw new Error(`${ADAM_UPDATE}: g, m, v and p must be float32 tensors of one shape`);
  }
  const backend = webgpuBackend(args);
  const uniforms = [
    { type: 'float32', data: [beta1, 1 - beta1, beta2, 1 - beta2] },
    { type: 'float32', data: [stepSize, correction2, epsilon, 0] },
  ];
  // Seen flat, every parameter shares the same three pipelines (tfjs compiles one per output rank).
  const flat = [util.sizeFromShape(p.shape)];
  const views = inputs.map((t) => ({ ...t, shape: flat }));
  return OUTPUTS.map((name, i) => {
    const program = new FlatProgram(`vgan_adamUpdate_${name}`, `const OUTPUT = ${i};\n${template}`, flat, ['G', 'M', 'V', 'P'], 'beta : vec4<f32>, step : vec4<f32>,');
    return { ...backend.runWebGPUProgram(program, views, 'float32', uniforms), shape: p.shape };
  });
};
