// The shipped pretrained models (public/weights): every one loads in TypeScript, float16 included, and
// reproduces the outputs PyTorch computed from the same file (check.json, written by trainer/publish.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { loadIndex, loadPretrained } from '../../src/model/pretrained';
import { loadModel } from '../../src/model/weights';
import { openDataset } from '../../src/data/loader';
import { fileFetch, nodeDecoder } from '../../src/data/node';
import { evaluateGenerator, type MetricRow } from '../../src/eval/metrics';
import { randomFeatureNetwork } from '../../src/eval/features';
import { referenceClips } from '../../tools/lib/eval-cli';

const dir = join(__dirname, '../../public/weights');
const serve = fileFetch(dir);
interface CardMetrics {
  dataset: string;
  clips: number;
  seed: number;
  rows: MetricRow[];
}
const cards = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).models as Array<{
  name: string;
  dtype: string;
  metrics?: CardMetrics;
}>;

interface Check {
  input: { shape: number[]; values: number[] };
  video: { indices: number[]; values: number[]; mean: number; meanAbs: number };
}

describe('shipped pretrained models', () => {
  it('lists at least one model, each with a card and a sample GIF', async () => {
    const index = await loadIndex('', serve);
    expect(index.length).toBeGreaterThan(0);
    for (const m of index) {
      const gif = readFileSync(join(dir, m.name, 'sample.gif'));
      expect(gif.subarray(0, 6).toString('latin1')).toMatch(/^GIF8[79]a$/);
      expect(readFileSync(join(dir, m.name, 'README.md'), 'utf8')).toContain(m.command);
    }
  });

  for (const card of cards) {
    it(`${card.name} (${card.dtype}) reproduces PyTorch's outputs from the same file`, async () => {
      const before = tf.memory().numTensors;
      const loaded: number[] = [];
      const artifacts = await loadPretrained('', card.name, (done) => loaded.push(done), serve);
      expect(loaded.at(-1)).toBe(tf.io.concatenateArrayBuffers(artifacts.weightData!).byteLength);
      const { model, extra } = loadModel(artifacts);
      expect(extra.size).toBe(0);
      const check = JSON.parse(readFileSync(join(dir, card.name, 'check.json'), 'utf8')) as Check;
      const input = tf.tensor(check.input.values, check.input.shape);
      const out = tf.tidy(() => model.generate(input).video);
      const video = out.dataSync();
      const got = check.video.indices.map((i) => video[i]);
      const maxError = Math.max(...got.map((v, k) => Math.abs(v - check.video.values[k])));
      expect(maxError).toBeLessThan(1e-4);
      const mean = (video as Float32Array).reduce((a, v) => a + v, 0) / video.length;
      expect(Math.abs(mean - check.video.mean)).toBeLessThan(1e-5);
      tf.dispose([input, out]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  for (const card of cards) {
    it(`${card.name}: its card's metrics are reproduced from the shipped file`, async () => {
      expect(card.metrics, 'every card carries its metrics (trainer/publish.py)').toBeDefined();
      const { dataset, clips, seed, rows } = card.metrics!;
      const { model } = loadModel(await loadPretrained('', card.name, () => {}, serve));
      const { real, heldOut } = await referenceClips(dataset, model.config, seed, clips, model.kind === 'unconditional');
      const featureModel = randomFeatureNetwork(model.config);
      const again = await evaluateGenerator(model, real, { featureModel, seed, heldOut });
      expect(again.map((r) => r.name)).toEqual(rows.map((r) => r.name));
      again.forEach((r, i) => {
        for (const [key, value] of Object.entries(rows[i])) {
          if (typeof value === 'number') expect(r[key as keyof MetricRow], `${r.name} ${key}`).toBeCloseTo(value, 5);
          else expect(r[key as keyof MetricRow], `${r.name} ${key}`).toBe(value);
        }
      });
      featureModel.dispose();
      model.dispose();
    });
  }

  it('says plainly when a model or a dataset is missing, or a shard is cut short', async () => {
    await expect(loadPretrained('', 'no-such-model', () => {}, serve)).rejects.toThrow(
      /no pretrained model named "no-such-model" \(no-such-model\/model.json: HTTP 404\)/,
    );
    await expect(loadPretrained('', '../data', () => {}, serve)).rejects.toThrow(/not a pretrained model's name/);
    // A single-page-app server answers a missing file with its index.html.
    const spa = async () => new Response('<!doctype html><html></html>', { headers: { 'content-type': 'text/html' } });
    await expect(loadPretrained('', 'shapes-tiny', () => {}, spa)).rejects.toThrow(/is a web page, not JSON/);
    await expect(openDataset('data/nothing', { size: 16, frames: 8, batchSize: 1, decoder: nodeDecoder, fetch: spa })).rejects.toThrow(
      /no such dataset: data\/nothing/,
    );
    const name = cards[0].name;
    const cut = async (url: string) => {
      const r = await serve(url);
      return url.endsWith('.bin') ? new Response((await r.arrayBuffer()).slice(0, 1000)) : r;
    };
    const artifacts = await loadPretrained('', name, () => {}, cut);
    expect(() => loadModel(artifacts)).toThrow(/truncated/);
    // A manifest that names a shard outside the model's folder is refused before anything is fetched.
    const fetched: string[] = [];
    const climbing = async (url: string) => {
      fetched.push(url);
      const r = await serve(url);
      if (!url.endsWith('model.json')) return r;
      const json = JSON.parse(await r.text());
      json.weightsManifest[0].paths = ['../../data/shapes/manifest.json'];
      return new Response(JSON.stringify(json));
    };
    await expect(loadPretrained('', name, () => {}, climbing)).rejects.toThrow(/only plain file names beside model.json are read/);
    expect(fetched).toEqual([`${name}/model.json`]);
  });
});
