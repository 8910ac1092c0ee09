// A model picked as files: its model.json and every shard file the manifest names (several files at once,
// in any order), as tfjs's trainer/ and the playground write them. The PyTorch trainer splits weights into
// 4 MiB shards, so a paper-size model always comes in several files.
import { parseModelJson, readingWeights, WeightsError } from '../model/weights';

export interface WeightsUpload {
  /** The model.json's name as picked, for messages. */
  name: string;
  modelJson: string;
  /** The shards' bytes joined in the manifest's order. */
  weights: ArrayBuffer;
}

/** Reads a model.json and its shard files from one pick; says plainly what is missing or wrong (WeightsError). */
export async function readWeightsFiles(files: File[]): Promise<WeightsUpload> {
  const jsons = files.filter((f) => f.name.endsWith('.json'));
  const model = jsons.find((f) => f.name === 'model.json') ?? (jsons.length === 1 ? jsons[0] : undefined);
  if (!model) {
    throw new WeightsError(
      jsons.length === 0
        ? 'Pick the model.json together with its .bin shard files.'
        : `Pick one model.json, not ${jsons.map((f) => f.name).join(', ')}.`,
    );
  }
  const modelJson = await model.text();
  const { paths } = readingWeights(model.name, () => parseModelJson(modelJson));
  if (paths.length === 0) throw new WeightsError(`${model.name} names no weight files (weightsManifest[0].paths).`);
  const shards = files.filter((f) => f !== model && !f.name.endsWith('.json'));
  const byName = new Map(shards.map((f) => [f.name, f]));
  const picked = paths.map((p) => byName.get(p));
  // One shard saved under another name (a download kept as weights.bin) still fits a one-shard model.
  if (paths.length === 1 && shards.length === 1) picked[0] = shards[0];
  const missing = paths.filter((_, i) => !picked[i]);
  if (missing.length > 0)
    throw new WeightsError(
      `${model.name} names ${missing.join(', ')}: pick ${missing.length > 1 ? 'them' : 'it'} together with the model.json.`,
    );
  const parts = await Promise.all(picked.map((f) => f!.arrayBuffer()));
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weights.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return { name: model.name, modelJson, weights: weights.buffer };
}
