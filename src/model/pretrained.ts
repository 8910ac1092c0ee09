// The shipped pretrained models under public/weights/: an index of model cards (written by
// trainer/publish.py from each model's card.json) and the weights themselves, fetched with progress.
import * as tf from '../tf';
import { DataError, errorMessage } from '../data/errors';
import { fetchJson, joinUrl, readBody, type Fetch } from '../data/http';
import type { GeneratorKind, ModelKind, PresetName, Upsample } from './config';
import { MODEL_NAME } from './model-name';
import { checkShardPath, expectedBytes, readingWeights, WeightsError } from './weights';

/** A model card as trainer/publish.py writes it (card.json, and one entry of index.json). */
export interface PretrainedCard {
  name: string;
  title: string;
  description: string;
  kind: ModelKind;
  generator: GeneratorKind;
  /** Cards written before the setting existed lack it: 'transposed', the paper's. */
  upsample?: Upsample;
  preset: PresetName;
  size: number;
  frames: number;
  /** Cards written before these were part of the config lack them: the preset's. */
  baseChannels?: number;
  frameStride?: number;
  dataset: string;
  iterations: number;
  batch: number;
  wallClockSeconds: number;
  hardware: string;
  final: Record<string, number>;
  dtype: 'float16' | 'float32';
  bytes: number;
  command: string;
}

export async function loadIndex(baseUrl: string, fetchFn: Fetch = fetch): Promise<PretrainedCard[]> {
  const index = (await fetchJson(joinUrl(baseUrl, 'index.json'), fetchFn, 'no pretrained models are installed')) as {
    models?: PretrainedCard[];
  };
  if (!Array.isArray(index.models)) throw new DataError(`${joinUrl(baseUrl, 'index.json')}: no "models" list`);
  return index.models.filter((m) => typeof m.name === 'string' && MODEL_NAME.test(m.name));
}

/**
 * The artifacts of `<baseUrl>/<name>/model.json` and its shards, checked against the manifest's sizes
 * (a truncated shard is refused by decodeArtifacts with the byte counts).
 */
export async function loadPretrained(
  baseUrl: string,
  name: string,
  onProgress: (loaded: number, total: number) => void = () => {},
  fetchFn: Fetch = fetch,
): Promise<tf.io.ModelArtifacts> {
  if (!MODEL_NAME.test(name)) throw new WeightsError(`"${name}" is not a pretrained model's name`);
  const dir = joinUrl(baseUrl, name);
  // Its messages name the file already; a missing or broken model.json is a weights error like any other.
  const json = (await fetchJson(joinUrl(dir, 'model.json'), fetchFn, `no pretrained model named "${name}"`).catch((e: unknown) => {
    throw new WeightsError(errorMessage(e), { cause: e });
  })) as tf.io.ModelJSON;
  return readingWeights(joinUrl(dir, 'model.json'), async () => {
    const group = json?.weightsManifest?.[0];
    if (!group || !Array.isArray(group.weights) || !Array.isArray(group.paths)) throw new WeightsError('no weightsManifest');
    const total = expectedBytes(group.weights);
    let loaded = 0;
    const shards: ArrayBuffer[] = [];
    for (const path of group.paths.map(checkShardPath)) {
      const response = await fetchFn(joinUrl(dir, path));
      if (!response.ok) throw new WeightsError(`its shard ${path}: HTTP ${response.status}`);
      const bytes = await readBody(response, total - loaded, (n) => {
        loaded += n;
        onProgress(loaded, total);
      });
      shards.push(bytes.buffer as ArrayBuffer);
    }
    return tf.io.getModelArtifactsForJSONSync(json, group.weights, tf.io.concatenateArrayBuffers(shards));
  });
}
