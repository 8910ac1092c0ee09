// What the conv kernels share: the check for cases they leave to tfjs, the uniforms that describe a
// convolution's geometry to the shaders, and running a shader as an implicit GEMM (the benchmark's
// plain GEMM too).
import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ImplicitGemmProgram, uniformData, type UniformField } from './program';
import { chooseTiles, gridFor, type KernelMode, type TileConfig } from './tiling';

export type KernelArgs = Parameters<KernelFunc>[0];

export const webgpuBackend = (args: KernelArgs) => args.backend as WebGPUBackend;

/** A kernel's attributes as tfjs-core types them: KernelFunc only knows them as a NamedAttrMap. */
export const attrsOf = <Attrs>(args: KernelArgs) => args.attrs as unknown as Attrs;

let forcedMode: KernelMode | null = null;

/** Forces one loop structure (tests and benchmarks compare them); 'auto' picks by adapter. */
export function setKernelMode(mode: KernelMode | 'auto'): void {
  forcedMode = mode === 'auto' ? null : mode;
}

/** CPU adapters (SwiftShader) read storage buffers faster than workgroup memory; GPUs the reverse. */
function isCpuAdapter(backend: WebGPUBackend): boolean {
  // adapterInfo is recent (Chromium 126+); older browsers get the GPU path.
  const info = backend.device.adapterInfo as GPUAdapterInfo | undefined;
  if (!info) return false;
  return (
    info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(`${info.architecture} ${info.description} ${info.device}`)
  );
}

export function tilesFor(backend: WebGPUBackend, M: number, N: number, vectorK = false): TileConfig {
  const mode = forcedMode ?? (isCpuAdapter(backend) ? 'direct' : 'shared');
  return chooseTiles(mode, M, N, backend.device.limits.maxComputeWorkgroupStorageSize, vectorK);
}

/** Our shaders compute in f32 with i32 indices; anything else goes to tfjs's own kernel. */
export function handled(tensors: TensorInfo[], largestIndex: number): boolean {
  return tensors.every((t) => t.dtype === 'float32') && largestIndex < 2 ** 30;
}

/** Channels-last and no dilation: the layouts our shaders compute (dataFormat's default is channels-last). */
export function channelsLastUndilated(
  dataFormat: string | undefined,
  channelsLast: 'NDHWC' | 'NHWC',
  dilations: number | number[] | undefined,
): boolean {
  return (dataFormat ?? channelsLast) === channelsLast && backend_util.tupleValuesAreOne(dilations ?? 1);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The largest flat index any of these tensors has. */
export const largestIndex = (...shapes: number[][]) => Math.max(...shapes.map(size));

/**
 * Uniforms every conv3d shader reads: the conv's input dims (D, H, W, C), output dims (OD, OH, OW, OC),
 * filter dims (FD, FH, FW) with the batch in .w, strides and front/top/left padding. Each kernel adds
 * its own GEMM sizes.
 */
export function convFields(info: backend_util.Conv3DInfo): UniformField[] {
  const inDims = [info.inDepth, info.inHeight, info.inWidth, info.inChannels];
  const outDims = [info.outDepth, info.outHeight, info.outWidth, info.outChannels];
  const filt = [info.filterDepth, info.filterHeight, info.filterWidth, info.batchSize];
  return [
    { name: 'inDims', type: 'vec4<i32>', data: inDims },
    { name: 'outDims', type: 'vec4<i32>', data: outDims },
    { name: 'filt', type: 'vec4<i32>', data: filt },
    { name: 'stride', type: 'vec4<i32>', data: [info.strideDepth, info.strideHeight, info.strideWidth, 0] },
    { name: 'pad', type: 'vec4<i32>', data: [info.padInfo.front, info.padInfo.top, info.padInfo.left, 0] },
  ];
}

/** An implicit-GEMM shader: its name, its text, and the inputs it may read as vec4s along K (none: never). */
export interface GemmShader {
  name: string;
  template: string;
  vectorInputs?: string[];
}

/**
 * Runs an implicit-GEMM shader as C[M, N] = A[M, K]·B[K, N], written as outputShape. `inputs` name the
 * shader's bindings in order; `extra` uniforms follow the GEMM sizes; `classes` independent products
 * (the input gradient's stride classes) share one dispatch.
 */
export function runGemmShader(
  backend: WebGPUBackend,
  shader: GemmShader,
  inputs: Record<string, TensorInfo>,
  [M, N, K]: number[],
  outputShape: number[],
  extra: UniformField[] = [],
  classes = 1,
): TensorInfo {
  const vectorInputs = shader.vectorInputs ?? [];
  const tiles = tilesFor(backend, M, N, vectorInputs.length > 0);
  const fields: UniformField[] = [{ name: 'gemm', type: 'vec4<i32>', data: [M, N, K, 0] }, ...extra];
  const names = Object.keys(inputs);
  const grid = gridFor(M, N, tiles, classes);
  const program = new ImplicitGemmProgram(shader.name, shader.template, tiles, outputShape, names, fields, grid, vectorInputs);
  return backend.runWebGPUProgram(program, Object.values(inputs), 'float32', uniformData(fields));
}

/** A conv shader through runGemmShader, with the convolution's geometry (convFields) before `extra`. */
export function runConvGemm(
  backend: WebGPUBackend,
  shader: GemmShader,
  inputs: Record<string, TensorInfo>,
  MNK: number[],
  info: backend_util.Conv3DInfo,
  outputShape: number[],
  extra: UniformField[] = [],
  classes = 1,
): TensorInfo {
  return runGemmShader(backend, shader, inputs, MNK, outputShape, [...convFields(info), ...extra], classes);
}
