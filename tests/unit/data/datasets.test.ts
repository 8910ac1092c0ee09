// The committed datasets: valid manifests, intact shards, and batches at a preset's size.
import '@tensorflow/tfjs-backend-cpu';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/data/codec';
import { parseManifest } from '../../../src/data/format';
import { openDataset } from '../../../src/data/loader';
import { shippedDatasets } from '../../../src/data/datasets';
import { datasetDir, fileFetch, nodeDecoder } from '../../../src/data/node';

describe.each(shippedDatasets)('dataset %s', (name) => {
  const dir = datasetDir(name);

  it('has a valid manifest whose shards match their sizes and sha256', async () => {
    const manifest = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    expect(manifest).toMatchObject({ frames: 32, frameWidth: 64, frameHeight: 64 });
    expect(manifest.attribution.length).toBeGreaterThan(0);
    expect(manifest.shards.reduce((n, s) => n + s.clips, 0)).toBe(manifest.clips);
    for (const s of manifest.shards) {
      const bytes = new Uint8Array(await readFile(join(dir, s.name)));
      expect(bytes.length).toBe(s.bytes);
      expect(await sha256Hex(bytes)).toBe(s.sha256);
    }
  });

  it('yields a batch at the tiny preset size', async () => {
    await tf.setBackend('cpu');
    const ds = await openDataset('', { size: 16, frames: 8, batchSize: 4, decoder: nodeDecoder, fetch: fileFetch(dir) });
    const first = await ds.batches().next();
    expect(first.done).toBe(false);
    const { video } = first.value!;
    expect(video.shape).toEqual([4, 8, 16, 16, 3]);
    expect(ds.errors).toEqual([]);
    video.dispose();
  });
});
