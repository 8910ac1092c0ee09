// Reads and writes weights in tfjs's file layout (model.json + group1-shardKofN.bin) on disk, for the CLIs.
// The page reads the same files (src/model/pretrained.ts, src/ui/weights-files.ts); all of them refuse shard
// names that would leave the model's folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../../src/tf';
import { artifactsOf, modelJson, parseModelJson, readingWeights } from '../../src/model/weights';

/** tfjs's converter default: 4 MiB shards, small enough for any static host and browser cache. */
const SHARD_BYTES = 4 * 1024 * 1024;

export async function writeWeightFiles(dir: string, artifacts: tf.io.ModelArtifacts): Promise<string[]> {
  const data = tf.io.concatenateArrayBuffers(artifacts.weightData!);
  const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  await mkdir(dir, { recursive: true });
  await Promise.all(
    paths.map((p, i) =>
      writeFile(join(dir, p), new Uint8Array(data, i * SHARD_BYTES, Math.min(SHARD_BYTES, data.byteLength - i * SHARD_BYTES))),
    ),
  );
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson(artifacts, paths), null, 1));
  return ['model.json', ...paths];
}

/** Loads model.json and the shards it names (plain names beside it only); errors name the file. */
export function readWeightFiles(dir: string): Promise<tf.io.ModelArtifacts> {
  return readingWeights(join(dir, 'model.json'), async () => {
    const text = await readFile(join(dir, 'model.json'), 'utf8');
    const shards = await Promise.all(parseModelJson(text).paths.map((p) => readFile(join(dir, p))));
    return artifactsOf(text, tf.io.concatenateArrayBuffers(shards.map((b) => new Uint8Array(b).buffer)));
  });
}
