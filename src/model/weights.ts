// Save and load in tfjs's standard weights format: a model.json whose `weightsManifest` lists named,
// typed tensors, and binary shards holding them (float32, or float16 / uint8 quantised as tfjs's
// converter writes them). `modelTopology` carries the VGAN config, so a file alone rebuilds its model.
// Names are the ParamStore's stable names (docs/weights.md); other trainers write the same names.
import * as tf from '../tf';
import { upsampleKinds, validateConfig, type GeneratorKind, type ModelConfig, type ModelKind, type Upsample } from './config';
import { modelParams, VganModel } from './networks';
import { resizeKernelInverse } from './resize';

export const WEIGHTS_FORMAT = 'vgan-weights';

export interface VganTopology {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  config: ModelConfig;
  kind: ModelKind;
  generator: GeneratorKind;
  /** How the generator was trained to upsample; files from before the setting: 'transposed'. Its kernels are the paper's either way. */
  upsample: Upsample;
  classes: number;
  seed: number;
  /** Free-form facts about the run (trainer options, iteration); checkpoints also hold optimiser state. */
  training?: Record<string, unknown>;
}

export class WeightsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WeightsError';
  }
}

/**
 * Runs one step of reading the weights file `file` (sync or async): whatever fails in it (our checks,
 * JSON.parse, tfjs's loaders, a RangeError) comes out as a WeightsError naming the file, the original
 * message kept as its detail and the error as its cause.
 */
export function readingWeights<T>(file: string, step: () => T): T {
  const named = (e: unknown) => new WeightsError(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  let result: T;
  try {
    result = step();
  } catch (e) {
    throw named(e);
  }
  if (result instanceof Promise) {
    return result.catch((e: unknown) => {
      throw named(e);
    }) as T;
  }
  return result;
}

/** model.json's text parsed and its manifest's shard list checked (plain names beside it): the shard names to read. */
export function parseModelJson(text: string): { json: tf.io.ModelJSON; paths: string[] } {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new WeightsError(`not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const group = json?.weightsManifest?.[0];
  if (!group || !Array.isArray(group.weights) || !Array.isArray(group.paths))
    throw new WeightsError('no weightsManifest with weights and paths');
  return { json, paths: group.paths.map(checkShardPath) };
}

/** The artifacts of a model.json's text and its shards' bytes joined in the manifest's order (a page's pick, a worker's message, a CLI's folder). */
export function artifactsOf(modelJson: string, weights: ArrayBuffer): tf.io.ModelArtifacts {
  const { json } = parseModelJson(modelJson);
  return tf.io.getModelArtifactsForJSONSync(json, json.weightsManifest[0].weights, weights);
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

export function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((sum, s) => {
    const dtype = s.quantization?.dtype ?? s.dtype;
    const bytes = BYTES[dtype];
    if (bytes === undefined) throw new WeightsError(`weight ${s.name}: unsupported dtype ${dtype}`);
    return sum + bytes * s.shape.reduce((a, b) => a * b, 1);
  }, 0);
}

export function topologyOf(model: VganModel, training?: Record<string, unknown>): VganTopology {
  return {
    format: WEIGHTS_FORMAT,
    version: 1,
    config: model.config,
    kind: model.kind,
    generator: model.generatorKind,
    upsample: model.upsample,
    classes: model.classes,
    seed: model.seed,
    ...(training ? { training } : {}),
  };
}

/** Encodes named tensors into artifacts (one weights buffer; writers split it into shards). */
export async function encodeArtifacts(tensors: Map<string, tf.Tensor>, topology: VganTopology): Promise<tf.io.ModelArtifacts> {
  const { data, specs } = await tf.io.encodeWeights(Object.fromEntries(tensors));
  return {
    format: WEIGHTS_FORMAT,
    generatedBy: 'vgan-playground',
    modelTopology: topology,
    weightSpecs: specs,
    weightData: data,
  };
}

/**
 * The artifacts of a model's weights and BatchNorm statistics, plus any extra tensors (optimiser state). A
 * resize-convolution's kernel is written as the transposed convolution it equals: every file holds the paper's layers.
 */
export async function saveModel(
  model: VganModel,
  extra?: Map<string, tf.Tensor>,
  training?: Record<string, unknown>,
): Promise<tf.io.ModelArtifacts> {
  const tensors = new Map<string, tf.Tensor>(model.params.all());
  const expanded: tf.Tensor[] = [];
  for (const name of model.params.resizeTaps().keys()) {
    const k = model.params.kernel(name);
    expanded.push(k);
    tensors.set(name, k);
  }
  for (const [k, v] of extra ?? []) tensors.set(k, v);
  try {
    return await encodeArtifacts(tensors, topologyOf(model, training));
  } finally {
    tf.dispose(expanded);
  }
}

/** Checks and decodes artifacts. The caller owns (and must dispose) the returned tensors. */
export function decodeArtifacts(artifacts: tf.io.ModelArtifacts): { topology: VganTopology; tensors: Map<string, tf.Tensor> } {
  const topology = artifacts.modelTopology as Partial<VganTopology> | undefined;
  if (!topology || topology.format !== WEIGHTS_FORMAT) {
    throw new WeightsError(`not a VGAN weights file: modelTopology.format must be "${WEIGHTS_FORMAT}"`);
  }
  if (topology.version !== 1) throw new WeightsError(`unsupported VGAN weights version ${String(topology.version)}`);
  // The file's own config, checked field by field (no preset fills a gap); files from before frameStride used 1.
  const config = { frameStride: 1, ...topology.config } as ModelConfig;
  validateConfig(config);
  const specs = artifacts.weightSpecs;
  if (!specs || artifacts.weightData === undefined) throw new WeightsError('weights file has no weights manifest or data');
  const upsample = topology.upsample ?? 'transposed';
  if (!upsampleKinds.includes(upsample))
    throw new WeightsError(`modelTopology.upsample "${String(upsample)}" is not one of ${upsampleKinds.join(', ')}`);
  checkModelListed({ ...(topology as VganTopology), config }, specs);
  const data = tf.io.concatenateArrayBuffers(artifacts.weightData);
  const want = expectedBytes(specs);
  if (data.byteLength !== want) {
    throw new WeightsError(
      `weights data is ${data.byteLength < want ? 'truncated' : 'too long'}: the manifest needs ${want} bytes, the shards hold ${data.byteLength}`,
    );
  }
  const bad = firstNonFinite(specs, data);
  if (bad) throw new WeightsError(`weight ${bad} holds NaN or Infinity: the file is corrupt or its training diverged`);
  const decoded = tf.io.decodeWeights(data, specs);
  return {
    topology: { ...(topology as VganTopology), config, upsample },
    tensors: new Map(Object.entries(decoded)),
  };
}

/** A shard named in a weights manifest must be a plain file beside model.json: nothing that climbs out of its folder. */
export function checkShardPath(path: unknown): string {
  if (typeof path !== 'string' || !/^[\w.-]+$/.test(path) || path.startsWith('.')) {
    throw new WeightsError(`weights manifest names the shard ${JSON.stringify(path)}: only plain file names beside model.json are read`);
  }
  return path;
}

const MODEL_KINDS: readonly string[] = ['unconditional', 'future'];
const GENERATORS: readonly string[] = ['twoStream', 'oneStream'];
/** Far more classes than any labelled video set here; a bound so that a lying file cannot ask for more. */
const MAX_CLASSES = 10_000;

/**
 * Every parameter of the model the file's config describes must be listed in its manifest with its exact
 * shape. Checked before anything is decoded or built: a small model.json whose config claims a huge model
 * is refused here instead of allocating what the config says.
 */
function checkModelListed(topology: VganTopology, specs: tf.io.WeightsManifestEntry[]): void {
  const { kind, generator, classes = 0 } = topology;
  if (!MODEL_KINDS.includes(kind)) throw new WeightsError(`modelTopology.kind "${String(kind)}" is not one of ${MODEL_KINDS.join(', ')}`);
  if (!GENERATORS.includes(generator))
    throw new WeightsError(`modelTopology.generator "${String(generator)}" is not one of ${GENERATORS.join(', ')}`);
  if (!Number.isInteger(classes) || classes < 0 || classes > MAX_CLASSES)
    throw new WeightsError(`modelTopology.classes ${String(classes)} is not a class count`);
  const listed = new Map(specs.map((s) => [s.name, s.shape]));
  for (const p of modelParams(topology.config, { kind, generator, classes })) {
    const shape = listed.get(p.name);
    if (!shape) throw new WeightsError(`weights file lacks ${p.name}, which the model its config describes has`);
    if (!tf.util.arraysEqual(shape, p.shape)) {
      throw new WeightsError(`weight ${p.name} is listed as [${shape}], the model its config describes needs [${p.shape}]`);
    }
  }
}

/** The name of the first tensor holding NaN or ±Infinity, read from the raw bytes before any tensor exists. */
function firstNonFinite(specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): string | null {
  const view = new DataView(data);
  let offset = 0;
  for (const s of specs) {
    const dtype = s.quantization?.dtype ?? s.dtype;
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.quantization && ![s.quantization.scale, s.quantization.min].every((v) => v === undefined || Number.isFinite(v))) return s.name;
    if (dtype === 'float32') {
      for (let i = 0; i < n; i++) if (!Number.isFinite(view.getFloat32(offset + 4 * i, true))) return s.name;
    } else if (dtype === 'float16') {
      // All exponent bits set: Infinity or NaN.
      for (let i = 0; i < n; i++) if ((view.getUint16(offset + 2 * i, true) & 0x7c00) === 0x7c00) return s.name;
    }
    offset += BYTES[dtype] * n;
  }
  return null;
}

/**
 * Copies tensors into a model's parameters; every parameter must be present with its exact shape. A
 * resize-convolution's kernel may come as the transposed convolution's (a weights file's): it is projected back
 * to its 3 taps, on the CPU from the file's values.
 */
export function assignWeights(model: VganModel, tensors: Map<string, tf.Tensor>): void {
  const params = model.params.all();
  const projected = new Map<string, tf.Tensor>();
  try {
    for (const [name, variable] of params) {
      let t = tensors.get(name);
      if (!t) throw new WeightsError(`weights file lacks ${name}`);
      const dims = model.params.resizeAxes(name);
      if (dims && t.shape.slice(0, dims).every((n) => n === 4) && tf.util.arraysEqual(t.shape.slice(dims), variable.shape.slice(dims))) {
        const k = resizeKernelInverse(t.dataSync(), t.shape, dims);
        if (!k) throw new WeightsError(`weight ${name}: this kernel is not a resize-convolution's (its taps are not sums of three)`);
        projected.set(name, k);
        t = k;
      }
      if (!tf.util.arraysEqual(t.shape, variable.shape)) {
        throw new WeightsError(`weight ${name} has shape [${t.shape}], the model needs [${variable.shape}]`);
      }
    }
    // In a tidy: the cast's handle is released, the variable keeps its data.
    tf.tidy(() => {
      for (const [name, variable] of params) variable.assign((projected.get(name) ?? tensors.get(name)!).cast('float32'));
    });
  } finally {
    tf.dispose([...projected.values()]);
  }
}

/** Builds the model a weights file describes and loads its weights. Extra tensors are returned to the caller. */
export function loadModel(artifacts: tf.io.ModelArtifacts): { model: VganModel; topology: VganTopology; extra: Map<string, tf.Tensor> } {
  const { topology, tensors } = decodeArtifacts(artifacts);
  const model = new VganModel(topology.config, {
    kind: topology.kind,
    generator: topology.generator,
    upsample: topology.upsample,
    classes: topology.classes,
    seed: topology.seed,
  });
  try {
    assignWeights(model, tensors);
  } catch (e) {
    model.dispose();
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
  const extra = new Map<string, tf.Tensor>();
  for (const [name, t] of tensors) {
    if (model.params.has(name)) t.dispose();
    else extra.set(name, t);
  }
  return { model, topology, extra };
}

/** model.json for artifacts whose data is stored in `paths` (in order). */
export function modelJson(artifacts: tf.io.ModelArtifacts, paths: string[]): tf.io.ModelJSON {
  return {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
  };
}
