// Writes a built dataset to a folder: the shards and manifest.json, replacing any stale shards.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltDataset } from '../../src/data/shards';

export async function writeDataset(dir: string, dataset: BuiltDataset): Promise<number> {
  await mkdir(dir, { recursive: true });
  for (const f of await readdir(dir)) if (/^shard-\d+\.tar$/.test(f)) await rm(join(dir, f));
  let bytes = 0;
  for (const shard of dataset.shards) {
    await writeFile(join(dir, shard.name), shard.bytes);
    bytes += shard.bytes.length;
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(dataset.manifest, null, 2)}\n`);
  return bytes;
}
