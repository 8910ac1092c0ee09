// The procedural streams (shapes, moving-mnist) and the quality metrics are the same in TypeScript and in
// the PyTorch trainer (trainer/vgan/procedural.py, trainer/vgan/quality.py): the same seed gives the same
// bytes, and the same clips give the same flicker, high frequency, mask coverage and stillness.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ModelConfig } from '../../src/model/config';
import { openClipMaker, shapesTrainingClip, type ClipMaker } from '../../src/train/data-source';
import { nodeDecoder, publicFetch } from '../../src/data/node';
import type { Generator } from '../../src/data/datasets';
import { backgroundStillness, flicker, highFrequency, maskCoverage } from '../../src/data/clip-stats';
import { ensureTorch, PYTHON, ROOT } from './python';

let dir = '';
const makers = {} as Record<Generator, ClipMaker>;
beforeAll(async () => {
  ensureTorch();
  dir = mkdtempSync(join(tmpdir(), 'procedural-parity-'));
  for (const generator of ['shapes', 'moving-mnist'] as const) {
    makers[generator] = await openClipMaker(generator, { root: '', decoder: nodeDecoder, fetch: publicFetch });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Geometry = Pick<ModelConfig, 'size' | 'frames' | 'frameStride'>;
const CASES: Array<{ generator: Generator; seed: number; first: number; count: number; geometry: Geometry }> = [
  { generator: 'shapes', seed: 1, first: 0, count: 4, geometry: resolveConfig('tiny') },
  { generator: 'shapes', seed: 2 ** 31 + 5, first: 1000, count: 2, geometry: resolveConfig('small') },
  { generator: 'shapes', seed: 7, first: 3, count: 1, geometry: { size: 64, frames: 32, frameStride: 1 } },
  // Seven clips in a row: every motion class.
  { generator: 'moving-mnist', seed: 1, first: 0, count: 7, geometry: resolveConfig('tiny') },
  { generator: 'moving-mnist', seed: 2 ** 32 - 3, first: 500, count: 7, geometry: resolveConfig('small') },
  { generator: 'moving-mnist', seed: 11, first: 4, count: 2, geometry: { size: 64, frames: 32, frameStride: 1 } },
];

/** Python writes each case's clips (rgb then mask bytes) and its quality numbers. */
function runPython(): Array<{ bytes: Buffer; quality: Record<string, number> }> {
  const script = `
import json, sys
import numpy as np, torch
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'trainer'))})
from vgan.procedural import PROCEDURAL
from vgan.quality import describe
cases, out = json.loads(sys.argv[1]), sys.argv[2]
results = []
for k, c in enumerate(cases):
    g = c["geometry"]
    clips = [PROCEDURAL[c["generator"]](c["seed"], c["first"] + i, g["size"], g["frames"], g["frameStride"]) for i in range(c["count"])]
    with open(f"{out}/case{k}.bin", "wb") as f:
        for rgb, mask in clips:
            f.write(rgb.tobytes()); f.write(mask.tobytes())
    video = torch.from_numpy(np.stack([r for r, _ in clips])).permute(0, 4, 1, 2, 3).float().div(127.5).sub(1)
    mask = torch.from_numpy(np.stack([m for _, m in clips])).float().div(255).unsqueeze(1)
    results.append(describe(video, mask))
print(json.dumps(results))
`;
  const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(CASES), dir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python failed:\n${r.stderr}`);
  const quality = JSON.parse(r.stdout) as Array<Record<string, number>>;
  return quality.map((q, k) => ({ bytes: readFileSync(join(dir, `case${k}.bin`)), quality: q }));
}

describe('procedural clips, TypeScript and Python', () => {
  it('draw identical clips for a seed, and score them identically', () => {
    const python = runPython();
    CASES.forEach(({ generator, seed, first, count, geometry }, k) => {
      const { size, frames } = geometry;
      const plane = frames * size * size;
      const clips = Array.from({ length: count }, (_, i) => makers[generator](seed, first + i, geometry));
      const bytes = Buffer.concat(clips.flatMap((c) => [Buffer.from(c.rgb), Buffer.from(c.mask)]));
      expect(bytes.length).toBe(python[k].bytes.length);
      expect(bytes.equals(python[k].bytes)).toBe(true);
      const video = new Float32Array(count * plane * 3);
      const mask = new Float32Array(count * plane);
      clips.forEach((c, i) => {
        c.rgb.forEach((v, j) => {
          video[i * plane * 3 + j] = v / 127.5 - 1;
        });
        c.mask.forEach((v, j) => {
          mask[i * plane + j] = v / 255;
        });
      });
      const shape = { clips: count, frames, size };
      const q = python[k].quality;
      expect(flicker(video, shape)).toBeCloseTo(q.flicker, 5);
      expect(highFrequency(video, shape)).toBeCloseTo(q.highFrequency, 5);
      expect(maskCoverage(mask)).toBeCloseTo(q.maskCoverage, 6);
      expect(backgroundStillness(video, mask, shape)).toBeCloseTo(q.stillness, 5);
    });
  });

  it('spans frames·frameStride source frames: a stride-4 clip is every 4th frame of the long clip', () => {
    const geometry = resolveConfig('tiny');
    const strided = shapesTrainingClip(9, 2, geometry);
    const full = shapesTrainingClip(9, 2, { ...geometry, frames: geometry.frames * geometry.frameStride, frameStride: 1 });
    const frame = geometry.size * geometry.size * 3;
    for (let t = 0; t < geometry.frames; t++) {
      const at = t * geometry.frameStride;
      expect(strided.rgb.subarray(t * frame, (t + 1) * frame)).toEqual(full.rgb.subarray(at * frame, (at + 1) * frame));
    }
  });
});
