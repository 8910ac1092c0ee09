// The dataset registry against what ships: every entry opens in the one batch source the workers share,
// and its stored files carry what the entry promises (manifest, name, masks, clip labels).
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetNames, datasets, shippedDatasets } from '../../../src/data/datasets';
import { parseManifest } from '../../../src/data/format';
import { openDataset } from '../../../src/data/loader';
import { datasetDir, fileFetch, nodeDecoder, publicFetch } from '../../../src/data/node';
import { gatherClips } from '../../../src/eval/clips';
import { resolveConfig } from '../../../src/model/config';
import { openBatchSource } from '../../../src/train/data-source';
import { shapesDataset } from './helpers';

describe.each(datasetNames)('dataset %s', (name) => {
  it('opens in openBatchSource and yields a batch at the tiny preset size', async () => {
    const config = resolveConfig('tiny');
    const source = await openBatchSource(name, config, 2, 1, {
      root: '',
      fetch: publicFetch,
      decoder: nodeDecoder,
      own: await shapesDataset(3, { frames: config.frames }),
    });
    const batch = await source.next();
    expect(batch.shape).toEqual([2, config.frames, config.size, config.size, 3]);
    expect(Math.min(...(await batch.data()))).toBeGreaterThanOrEqual(-1);
    // Clips made on the fly never run out; stored ones are counted by their manifest.
    if (datasets[name].kind === 'procedural') expect(source.clips).toBe(Infinity);
    else expect(Number.isInteger(source.clips) && source.clips > 0).toBe(true);
    batch.dispose();
    source.dispose();
  });
});

it('refuses the own dataset when no video is loaded', async () => {
  await expect(openBatchSource('own', resolveConfig('tiny'), 2, 1, { root: '', decoder: nodeDecoder })).rejects.toThrow(
    /No video of your own/,
  );
});

it('registers every dataset under public/data', async () => {
  expect((await readdir('public/data')).sort()).toEqual(shippedDatasets.map((d) => basename(datasetDir(d))).sort());
});

describe.each(shippedDatasets)('shipped dataset %s', (name) => {
  it('has the manifest, masks and clip labels its entry declares', async () => {
    const entry = datasets[name];
    const manifest = parseManifest(JSON.parse(await readFile(`${datasetDir(name)}/manifest.json`, 'utf8')));
    expect(manifest.name).toBe(name);
    expect(manifest.hasMask).toBe(entry.masks);
    const dataset = await openDataset('', {
      size: 16,
      frames: 8,
      batchSize: 1,
      decoder: nodeDecoder,
      fetch: fileFetch(datasetDir(name)),
      withMask: true,
    });
    const clips = await gatherClips(dataset.clips(), 4);
    for (const clip of clips) {
      expect(Object.keys(clip.labels ?? {}).sort()).toEqual([...entry.labels].sort());
      expect(clip.mask !== undefined).toBe(entry.masks);
    }
  });
});
