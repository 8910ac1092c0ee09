import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipError, IntegrityError, ManifestError, type DataError } from '../../../src/data/errors';
import { openDataset, type Batch, type LoadProgress, type LoaderOptions } from '../../../src/data/loader';
import { sha256Hex } from '../../../src/data/codec';
import { nodeDecoder } from '../../../src/data/node';
import { shapesClip } from '../../../src/data/shapes';
import { writeTar, readTar } from '../../../src/data/tar';
import type { BuiltDataset } from '../../../src/data/shards';
import { datasetFiles, memoryFetch, shapesDataset } from './helpers';

beforeAll(() => tf.setBackend('cpu'));

async function load(files: Map<string, Uint8Array | string>, opts: Partial<LoaderOptions> = {}) {
  const ds = await openDataset('', {
    size: 16,
    frames: 4,
    batchSize: 2,
    decoder: nodeDecoder,
    fetch: memoryFetch(files),
    ...opts,
  });
  const batches: Batch[] = [];
  for await (const b of ds.batches()) batches.push(b);
  const keys = batches.flatMap((b) => b.keys);
  return { ds, batches, keys, errors: ds.errors as DataError[] };
}

// biome-ignore lint/suspicious/noExplicitAny: the edits write values a Manifest forbids, which is the point
const withManifest = (built: BuiltDataset, edit: (m: any) => void) => {
  const files = datasetFiles(built);
  const manifest = structuredClone(built.manifest);
  edit(manifest);
  files.set('manifest.json', JSON.stringify(manifest));
  return files;
};

describe('loader', () => {
  let built: BuiltDataset;
  beforeAll(async () => {
    built = await shapesDataset(6, { shardBytes: 1500 });
  });

  it('builds several shards with a consistent manifest', () => {
    expect(built.shards.length).toBeGreaterThan(1);
    expect(built.manifest.clips).toBe(6);
    expect(built.manifest.shards.reduce((n, s) => n + s.clips, 0)).toBe(6);
    expect(built.manifest).toMatchObject({ frames: 4, frameWidth: 16, frameHeight: 16, hasMask: true });
  });

  it('round-trips clip → shard → batch with the same pixels within JPEG error', async () => {
    const { batches, keys, errors } = await load(datasetFiles(built), { withMask: true });
    expect(errors).toEqual([]);
    expect(keys.sort()).toEqual(['clip0000000', 'clip0000001', 'clip0000002', 'clip0000003', 'clip0000004', 'clip0000005']);
    for (const b of batches) {
      expect(b.video.shape.slice(1)).toEqual([4, 16, 16, 3]);
      const video = b.video.dataSync();
      const mask = b.mask!.dataSync();
      b.keys.forEach((key, i) => {
        const truth = shapesClip(1, Number(key.slice(4)), { size: 16, frames: 4 });
        const n = truth.rgb.length;
        let err = 0;
        for (let j = 0; j < n; j++) err += Math.abs((video[i * n + j] + 1) * 127.5 - truth.rgb[j]);
        expect(err / n).toBeLessThan(6);
        const m = truth.mask!.length;
        for (let j = 0; j < m; j++) expect(mask[i * m + j]).toBe(truth.mask![j] / 255);
      });
      expect(b.labels[0]).toHaveProperty('sprites');
      tf.dispose([b.video, b.mask!]);
    }
  });

  it('resizes down and repeats the last frame of short clips', async () => {
    const { batches } = await load(datasetFiles(built), { size: 8, frames: 6, batchSize: 6 });
    const v = batches[0].video;
    expect(v.shape).toEqual([6, 6, 8, 8, 3]);
    const frames = tf.unstack(v, 1);
    expect(tf.max(tf.abs(tf.sub(frames[5], frames[3]))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(frames[1], frames[0]))).dataSync()[0]).toBeGreaterThan(0);
    expect(tf.min(v).dataSync()[0]).toBeGreaterThanOrEqual(-1);
    expect(tf.max(v).dataSync()[0]).toBeLessThanOrEqual(1);
  });

  it('takes every frameStride-th source frame, repeating the last when the clip is short', async () => {
    const all = await load(datasetFiles(built), { frames: 4, batchSize: 6, seed: 2 });
    const strided = await load(datasetFiles(built), { frames: 3, frameStride: 2, batchSize: 6, seed: 2 });
    expect(strided.keys).toEqual(all.keys);
    const a = tf.unstack(all.batches[0].video, 1);
    const s = tf.unstack(strided.batches[0].video, 1);
    // Source frames 0 and 2, then frame 4 is past the 4-frame clips: the last (3) is repeated.
    for (const [t, source] of [
      [0, 0],
      [1, 2],
      [2, 3],
    ])
      expect(tf.max(tf.abs(tf.sub(s[t], a[source]))).dataSync()[0]).toBe(0);
    tf.dispose([...a, ...s, ...all.batches.map((b) => b.video), ...strided.batches.map((b) => b.video)]);
  });

  it('reports each shard it fetches, up to its size, and no shard once it is in', async () => {
    const reports: LoadProgress[] = [];
    await load(datasetFiles(built), { onProgress: (p) => reports.push(p) });
    const fetched = new Map(reports.filter((p) => p.shard).map((p) => [p.shard!.name, p.shard!]));
    expect([...fetched.keys()].sort()).toEqual(built.manifest.shards.map((s) => s.name).sort());
    for (const s of built.manifest.shards) expect(fetched.get(s.name)!.bytesLoaded).toBe(s.bytes);
    expect(reports.at(-1)!.shard).toBeNull();
  });

  it('shuffles reproducibly from a seed', async () => {
    const a = await load(datasetFiles(built), { seed: 3, shuffleBuffer: 4 });
    const b = await load(datasetFiles(built), { seed: 3, shuffleBuffer: 4 });
    const c = await load(datasetFiles(built), { seed: 4, shuffleBuffer: 4 });
    expect(a.keys).toEqual(b.keys);
    expect(c.keys).not.toEqual(a.keys);
  });

  it('mirrors some clips left–right when asked, in the same order, with their masks', async () => {
    const plain = await load(datasetFiles(built), { seed: 3, withMask: true });
    const mirrored = await load(datasetFiles(built), { seed: 3, withMask: true, mirror: true });
    expect(mirrored.keys).toEqual(plain.keys);
    // Clip k of a batch [N, T, 16, 16, C] as rows of 16 pixels, and the same rows reversed.
    const rows = (t: tf.Tensor, k: number, channels: number) => {
      const all = t.dataSync();
      const n = all.length / t.shape[0];
      const clip = Array.from(all.subarray(k * n, (k + 1) * n));
      const width = 16 * channels;
      const flip = clip.map((_, i) => {
        const [row, x, c] = [Math.floor(i / width), Math.floor((i % width) / channels), i % channels];
        return clip[row * width + (15 - x) * channels + c];
      });
      return { clip, flip };
    };
    const verdicts = plain.batches.flatMap((b, i) => {
      const m = mirrored.batches[i];
      return b.keys.map((_, k) => {
        const [p, q] = [rows(b.video, k, 3), rows(m.video, k, 3)];
        const [pm, qm] = [rows(b.mask!, k, 1), rows(m.mask!, k, 1)];
        const same = p.clip.every((v, j) => v === q.clip[j]) && pm.clip.every((v, j) => v === qm.clip[j]);
        const flip = p.flip.every((v, j) => v === q.clip[j]) && pm.flip.every((v, j) => v === qm.clip[j]);
        return same ? 'same' : flip ? 'flipped' : 'other';
      });
    });
    expect(verdicts).toContain('same');
    expect(verdicts).toContain('flipped');
    expect(verdicts).not.toContain('other');
    tf.dispose([...plain.batches, ...mirrored.batches].flatMap((b) => [b.video, b.mask!]));
  });

  it('reports a bad JPEG and still loads the other clips of the shard', async () => {
    const one = await shapesDataset(3, { shardBytes: 1 << 20 });
    const files = datasetFiles(one);
    const { entries } = readTar(one.shards[0].bytes);
    const broken = writeTar(entries.map((e) => (e.name === 'clip0000001.jpg' ? { ...e, data: e.data.slice(0, 40) } : e)));
    // The manifest describes the broken shard, so the shard is read and only the clip fails.
    const manifest = structuredClone(one.manifest);
    Object.assign(manifest.shards[0], { bytes: broken.length, sha256: await sha256Hex(broken) });
    files.set(one.shards[0].name, broken);
    files.set('manifest.json', JSON.stringify(manifest));
    const { keys, errors } = await load(files);
    expect(keys.sort()).toEqual(['clip0000000', 'clip0000002']);
    expect(errors.some((e) => e instanceof ClipError && /clip0000001.*cannot decode/.test(e.message))).toBe(true);
  });

  it('skips a shard whose sha256 differs from the manifest, naming it, and loads the others', async () => {
    const files = datasetFiles(built);
    const tar = built.shards[0].bytes.slice();
    tar[600] ^= 0x55; // inside the first clip's JPEG header
    files.set(built.shards[0].name, tar);
    const { keys, errors } = await load(files);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(IntegrityError);
    expect(errors[0].message).toMatch(/shard-000000\.tar: sha256 differs.*shard skipped/);
    expect(keys.length).toBe(built.manifest.clips - built.manifest.shards[0].clips);
  });

  it('skips a truncated shard, naming it, and loads the others', async () => {
    const files = datasetFiles(built);
    files.set(built.shards[1].name, built.shards[1].bytes.subarray(0, Math.floor(built.shards[1].bytes.length * 0.7)));
    const { keys, errors } = await load(files);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/shard-000001\.tar: \d+ bytes, the manifest declares \d+ \(truncated or replaced\); shard skipped/),
    ]);
    expect(keys.length).toBe(built.manifest.clips - built.manifest.shards[1].clips);
  });

  it('refuses absurd manifest sizes without allocating, and stops reading when sizes lie', async () => {
    const absurd = withManifest(built, (m) => {
      m.shards[0].bytes = 1e15;
      m.shards[1].bytes = -5;
    });
    const a = await load(absurd);
    expect(a.errors.filter((e) => e instanceof ManifestError)).toHaveLength(2);
    expect(a.keys.length).toBeGreaterThan(0);

    const lying = withManifest(built, (m) => {
      m.shards[0].bytes = 1024;
    });
    const b = await load(lying);
    expect(b.errors.some((e) => e instanceof IntegrityError && /more than the 1024 bytes/.test(e.message))).toBe(true);
    expect(b.keys.length).toBe(6 - built.manifest.shards[0].clips);
  });

  it('rejects a broken manifest with a clear error', async () => {
    const files = withManifest(built, (m) => {
      m.frames = 1e9;
    });
    await expect(load(files)).rejects.toThrow(/manifest frames = 1000000000/);
    await expect(load(new Map([['manifest.json', '{oops']]))).rejects.toThrow(/not valid JSON/);
    await expect(load(new Map())).rejects.toThrow(/manifest\.json: HTTP 404/);
  });

  it('fails clearly when no clip is usable', async () => {
    const files = datasetFiles(built);
    for (const s of built.shards) files.set(s.name, new Uint8Array(2048).fill(7));
    await expect(load(files)).rejects.toThrow(/no usable clips/);
  });
});
