// What the research CLIs (representation, metrics) share: a model from a weights folder or a fresh preset,
// every clip of a local dataset at the model's size, and results written as JSON plus a CSV table.
import '@tensorflow/tfjs-backend-cpu';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../../src/tf';
import { openDataset, type PreparedClip } from '../../src/data/loader';
import type { Manifest } from '../../src/data/format';
import { dataDirOf, fileFetch, nodeDecoder, publicFetch } from '../../src/data/node';
import type { ModelConfig } from '../../src/model/config';
import type { VganModel } from '../../src/model/networks';
import { loadModel, readingWeights } from '../../src/model/weights';
import { gatherClips, splitHeldOut } from '../../src/eval/clips';
import { realClips, type RealClips } from '../../src/data/clip-stats';
import { referenceClips as proceduralReference } from '../../src/train/quality';
import { openClipMaker } from '../../src/train/data-source';
import { datasets, isShipped } from '../../src/data/datasets';
import { deriveSeed } from '../../src/model/seed';
import { readWeightFiles } from './weights-files';

export async function cpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** The model saved in `dir` (model.json and shards); optimiser state and other extras are dropped. */
export async function loadWeightsDir(dir: string): Promise<VganModel> {
  const artifacts = await readWeightFiles(dir);
  const { model, extra } = readingWeights(join(dir, 'model.json'), () => loadModel(artifacts));
  tf.dispose([...extra.values()]);
  return model;
}

/** The manifest and the first `limit` clips of a shipped dataset (by name) or of the one in a folder, resampled to the model's size. */
export async function loadLocalClips(
  data: string,
  config: ModelConfig,
  opts: { seed: number; limit?: number; withMask?: boolean },
): Promise<{ manifest: Manifest; clips: PreparedClip[] }> {
  const dir = dataDirOf(data);
  const dataset = await openDataset('', {
    size: config.size,
    frames: config.frames,
    frameStride: config.frameStride,
    batchSize: 1,
    seed: opts.seed,
    decoder: nodeDecoder,
    fetch: fileFetch(dir),
    withMask: opts.withMask,
    onError: (e) => console.error(`warning: ${e.message}`),
  });
  return { manifest: dataset.manifest, clips: await gatherClips(dataset.clips(), opts.limit) };
}

/**
 * Real clips to score a model against: for a procedural dataset, `limit` fresh clips no training run draws
 * (src/train/quality.ts), else the first `limit` clips of the stored dataset, with true masks where it has them.
 * With `heldOut` (for an unconditional model's baseline and Fréchet floor, src/eval/metrics.ts), as many
 * other real clips: `limit` more fresh ones, or stored ones taken alternately with those scored against
 * (src/eval/clips.ts's splitHeldOut: fewer where the dataset has fewer than 2·`limit`, none where it has no more).
 */
export async function referenceClips(
  data: string,
  config: ModelConfig,
  seed: number,
  limit: number,
  heldOut = false,
): Promise<{ real: RealClips; heldOut?: RealClips; source: string }> {
  const entry = isShipped(data) ? datasets[data] : undefined;
  if (entry?.kind === 'procedural') {
    const maker = await openClipMaker(entry.generator, { root: '', decoder: nodeDecoder, fetch: publicFetch });
    const real = proceduralReference(maker, seed, limit, config);
    const source = `${limit} fresh ${data} clips (seed ${seed})`;
    if (!heldOut) return { real, source };
    return {
      real,
      heldOut: proceduralReference(maker, deriveSeed(seed, 'held out'), limit, config),
      source: `${source}; held out: ${limit} others`,
    };
  }
  const { clips } = await loadLocalClips(data, config, { seed, limit: heldOut ? 2 * limit : limit, withMask: true });
  const { scored, heldOut: others } = splitHeldOut(clips, limit);
  const real = realClips(scored, config.frames, config.size);
  if (others.length === 0) return { real, source: `${real.clips} clips of ${data}` };
  return {
    real,
    heldOut: realClips(others, config.frames, config.size),
    source: `${real.clips} clips of ${data}; held out: ${others.length} others, taken alternately from the first ${real.clips + others.length}`,
  };
}

const csvCell = (v: unknown) =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? String(v)
      : v.toFixed(6)
    : /[",\n]/.test(String(v))
      ? `"${String(v).replace(/"/g, '""')}"`
      : String(v ?? '');

/** Writes `<out>/<name>.json` (everything) and `<out>/<name>.csv` (the rows); returns the two paths. */
export async function writeResults(out: string, name: string, result: object, rows: Array<Record<string, unknown>>): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const columns = Object.keys(rows[0] ?? {});
  const csv = `${[columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n')}\n`;
  const paths = [join(out, `${name}.json`), join(out, `${name}.csv`)];
  await writeFile(paths[0], `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(paths[1], csv);
  return paths;
}
