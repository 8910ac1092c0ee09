// The tfjs-backend-webgpu program shared by our implicit-GEMM kernels: the backend compiles
// getUserCode() behind its own prelude (input bindings named after variableNames, `result`, `uniforms`
// with the fields declared in `uniforms`) and caches the pipeline under shaderKey.
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
  uniforms: string;
  workgroupSize: [number, number, number];
  private readonly code: string;

  constructor(
    name: string,
    template: string,
    readonly tiles: TileConfig,
    outputShape: number[],
    variableNames: string[],
    fields: UniformField[],
    dispatch: [number, number, number],
  ) {
    this.outputShape = outputShape;
    this.variableNames = variableNames;
    this.uniforms = fields.map((f) => `${f.name} : ${f.type},`).join(' ');
    this.workgroupSize = [tiles.WX, tiles.WY, 1];
    this.dispatch = dispatch;
    this.shaderKey = `vgan_${name}_${tiles.mode}_${tiles.TM}x${tiles.TN}_${tiles.WX}x${tiles.WY}_k${tiles.KT}`;
    this.code = fillTemplate(template, tiles);
  }

  getUserCode(): string {
    return this.code;
  }
}

/** The uniform values in declaration order, as runWebGPUProgram wants them. */
export function uniformData(fields: UniformField[]): Array<{ type: string; data: number[] }> {
  return fields.map((f) => ({ type: 'int32', data: f.data }));
}
