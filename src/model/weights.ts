// Save and load in tfjs's standard weights format: a model.json whose `weightsManifest` lists named,
// typed tensors, and binary shards holding them (float32, or float16 / uint8 quantised as tfjs's
// converter writes them). `modelTopology` carries the VGAN config, so a file alone rebuilds its model.
// Names are the ParamStore's stable names (docs/weights.md); other trainers write the same names.
import * as tf from '../tf';
import { validateConfig, type GeneratorKind, type ModelConfig, type ModelKind } from './config';
import { VganModel } from './networks';

export const WEIGHTS_FORMAT = 'vgan-weights';

export interface VganTopology {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  config: ModelConfig;
  kind: ModelKind;
  generator: GeneratorKind;
  classes: number;
  seed: number;
  /** Free-form facts about the run (trainer options, iteration); checkpoints also hold optimiser state. */
  training?: Record<string, unknown>;
}

export class WeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsError';
  }
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

/** The artifacts of a model's weights and BatchNorm statistics, plus any extra tensors (optimiser state). */
export function saveModel(model: VganModel, extra?: Map<string, tf.Tensor>, training?: Record<string, unknown>): Promise<tf.io.ModelArtifacts> {
  const tensors = new Map<string, tf.Tensor>(model.params.all());
  for (const [k, v] of extra ?? []) tensors.set(k, v);
  return encodeArtifacts(tensors, topologyOf(model, training));
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
  const data = tf.io.concatenateArrayBuffers(artifacts.weightData);
  const want = expectedBytes(specs);
  if (data.byteLength !== want) {
    throw new WeightsError(`weights data is ${data.byteLength < want ? 'truncated' : 'too long'}: the manifest needs ${want} bytes, the shards hold ${data.byteLength}`);
  }
  const decoded = tf.io.decodeWeights(data, specs);
  return {
    topology: { ...(topology as VganTopology), config },
    tensors: new Map(Object.entries(decoded)),
  };
}

/** Copies tensors into a model's parameters; every parameter must be present with its exact shape. */
export function assignWeights(model: VganModel, tensors: Map<string, tf.Tensor>): void {
  const params = model.params.all();
  for (const [name, variable] of params) {
    const t = tensors.get(name);
    if (!t) throw new WeightsError(`weights file lacks ${name}`);
    if (!tf.util.arraysEqual(t.shape, variable.shape)) {
      throw new WeightsError(`weight ${name} has shape [${t.shape}], the model needs [${variable.shape}]`);
    }
  }
  // In a tidy: the cast's handle is released, the variable keeps its data.
  tf.tidy(() => {
    for (const [name, variable] of params) variable.assign(tensors.get(name)!.cast('float32'));
  });
}

/** Builds the model a weights file describes and loads its weights. Extra tensors are returned to the caller. */
export function loadModel(artifacts: tf.io.ModelArtifacts): { model: VganModel; topology: VganTopology; extra: Map<string, tf.Tensor> } {
  const { topology, tensors } = decodeArtifacts(artifacts);
  const model = new VganModel(topology.config, {
    kind: topology.kind,
    generator: topology.generator,
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
