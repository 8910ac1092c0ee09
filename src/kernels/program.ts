// The tfjs-backend-webgpu programs our kernels use: the backend compiles getUserCode() behind its own
// prelude (input bindings named after variableNames, `result`, `uniforms` with the fields declared in
// `uniforms`) and caches the pipeline under shaderKey. ImplicitGemmProgram runs the convolution and GEMM
// shaders, FlatProgram the one-thread-per-output ones (reduction, broadcast).
import { util } from '@tensorflow/tfjs-core';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { fillTemplate, type TileConfig } from './tiling';

export interface UniformField {
  name: string;
  type: 'vec4<i32>';
  data: number[];
}

export class ImplicitGemmProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  // y and z make tfjs call main() without a flat index; the shaders read workgroupId themselves.
  dispatchLayout = { x: [0], y: [1], z: [2] };
  dispatch: [number, number, number];
  variableNames: string[];
  /** 4 for the inputs bound as array<vec4<f32>> (read with vec4 loads along K), else 1. */
  variableComponents: Array<1 | 4>;
  uniforms: string;
  workgroupSize: [number, number, number];
  private readonly code: string;

  /** `vectorInputs`: the inputs the shader reads as vec4s along K when tiles.VK is 4. */
  constructor(
    name: string,
    template: string,
    readonly tiles: TileConfig,
    outputShape: number[],
    variableNames: string[],
    fields: UniformField[],
    dispatch: [number, number, number],
    vectorInputs: string[] = [],
  ) {
    this.outputShape = outputShape;
    this.variableNames = variableNames;
    this.variableComponents = variableNames.map((n) => (tiles.VK === 4 && vectorInputs.includes(n) ? 4 : 1));
    this.uniforms = fields.map((f) => `${f.name} : ${f.type},`).join(' ');
    this.workgroupSize = [tiles.WX, tiles.WY, 1];
    this.dispatch = dispatch;
    const bound = this.variableComponents.join('');
    this.shaderKey = `vgan_${name}_${tiles.mode}_${tiles.TM}x${tiles.TN}_${tiles.WX}x${tiles.WY}_k${tiles.KT}_v${tiles.VK}_${bound}`;
    this.code = fillTemplate(
      template,
      tiles,
      variableNames.map((n, i) => ({ name: n, components: this.variableComponents[i] })),
    );
  }

  getUserCode(): string {
    return this.code;
  }
}

/** The uniform values in declaration order, as runWebGPUProgram wants them. */
export function uniformData(fields: UniformField[]): Array<{ type: string; data: number[] }> {
  return fields.map((f) => ({ type: 'int32', data: f.data }));
}

/** WebGPU's default limit on workgroups along one dispatch dimension. */
const MAX_GROUPS = 65535;

/**
 * One thread per output element in 64-thread workgroups: tfjs calls the shader's `main(index)` with the
 * flat output index and declares `uniforms.size` (the output's element count). Past 65535 workgroups
 * the grid folds into a second dimension, which tfjs's flat index accounts for.
 */
export class FlatProgram implements WebGPUProgram {
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(
    public shaderKey: string,
    private readonly code: string,
    public outputShape: number[],
    public variableNames: string[],
    public uniforms: string,
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const groups = Math.ceil(util.sizeFromShape(outputShape) / this.workgroupSize[0]);
    this.dispatch = groups <= MAX_GROUPS ? [groups, 1, 1] : [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
  }

  getUserCode(): string {
    return this.code;
  }
}
