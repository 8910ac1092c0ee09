// Reads and writes weights in tfjs's file layout (model.json + group1-shardKofN.bin) on disk, for the CLIs.
// The browser reads the same files with tf.io.http; tests check that it does.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../../src/tf';
import { checkShardPath, modelJson, readingWeights } from '../../src/model/weights';

/** tfjs's converter default: 4 MiB shards, small enough for any static host and browser cache. */
const SHARD_BYTES = 4 * 1024 * 1024;

export async function writeWeightFiles(dir: string, artifacts: tf.io.ModelArtifacts): Promise<string[]> {
  const data = tf.io.concatenateArrayBuffers(artifacts.weightData!);
  const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  await mkdir(dir, { recursive: true });
  await Promise.all(
    paths.map((p, i) => writeFile(join(dir, p), new Uint8Array(data, i * SHARD_BYTES, Math.min(SHARD_BYTES, data.byteLength - i * SHARD_BYTES)))),
  );
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson(artifacts, paths), null, 1));
  return ['model.json', ...paths];
}

/** Loads model.json and its shards through tfjs's own http loader, fed from the file system; errors name the file. */
export function readWeightFiles(dir: string): Promise<tf.io.ModelArtifacts> {
  const fetchFunc = async (input: RequestInfo | URL) => {
    const url = String(input);
    const name = url.replace(/^file:\/\/\//, '');
    const bytes = await readFile(join(dir, name === 'model.json' ? name : checkShardPath(name)));
    return new Response(bytes, { headers: { 'content-type': url.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  };
  return readingWeights(join(dir, 'model.json'), () => tf.io.http('file:///model.json', { fetchFunc }).load!());
}
