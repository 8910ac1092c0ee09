// Representation learning on tiny data: splits, budgets, logistic regression, and the fine-tuning loop.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import type { PreparedClip } from '../../src/data/loader';
import { seededRandom } from '../../src/data/random';
import { resolveConfig } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { ensureTorch, PYTHON, ROOT } from './python';
import { budgetSizes, logisticRegression, representationExperiment, stratifiedSplit, type LabelledClips } from '../../src/eval/finetune';

describe('splits and budgets', () => {
  const labels = Array.from({ length: 40 }, (_, i) => i % 4);

  it('holds out a seeded, stratified test set and interleaves classes in the training order', () => {
    const split = stratifiedSplit(labels, 4, 0.25, 7);
    expect(split.test).toHaveLength(12);
    expect(new Set([...split.train, ...split.test]).size).toBe(40);
    for (let k = 0; k < 4; k++) expect(split.test.filter((c) => labels[c] === k)).toHaveLength(3);
    expect(
      split.train
        .slice(0, 4)
        .map((c) => labels[c])
        .sort(),
    ).toEqual([0, 1, 2, 3]);
    expect(stratifiedSplit(labels, 4, 0.25, 7)).toEqual(split);
    expect(stratifiedSplit(labels, 4, 0.25, 8)).not.toEqual(split);
  });

  it('sizes budgets from 1/8 to all of the training split', () => {
    expect(budgetSizes(28, [1 / 8, 1 / 4, 1 / 2, 1])).toEqual([4, 7, 14, 28]);
    expect(budgetSizes(3, [1 / 8])).toEqual([1]);
  });

  it('splits and sizes budgets exactly as the PyTorch twin (trainer/vgan/representation.py)', () => {
    ensureTorch();
    const rand = seededRandom(11);
    // Uneven classes, a class with one clip, and labels outside the classes (left out).
    const uneven = Array.from({ length: 61 }, () => Math.floor(rand() ** 2 * 8));
    const cases = [
      { labels, classes: 4, test: 0.25, seed: 7 },
      { labels: uneven, classes: 7, test: 0.3, seed: 2 ** 31 + 9 },
      { labels: [0, 1, 1, 2, 2, 2], classes: 3, test: 0.5, seed: 1 },
    ];
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'trainer'))})
from vgan.representation import budget_sizes, stratified_split
out = []
for c in json.loads(sys.argv[1]):
    train, test = stratified_split(c["labels"], c["classes"], c["test"], c["seed"])
    out.append({"train": train, "test": test, "budgets": budget_sizes(len(train), [1 / 8, 1 / 4, 1 / 2, 1])})
print(json.dumps(out))
`;
    const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(cases)], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`python failed:\n${r.stderr}`);
    const python = JSON.parse(r.stdout);
    cases.forEach((c, i) => {
      const split = stratifiedSplit(c.labels, c.classes, c.test, c.seed);
      expect(python[i]).toEqual({ ...split, budgets: budgetSizes(split.train.length, [1 / 8, 1 / 4, 1 / 2, 1]) });
    });
    expect(python[1].train.length + python[1].test.length).toBeLessThan(61); // label 7 left out
  });
});

describe('logistic regression', () => {
  it('separates linearly separable clusters', async () => {
    const rand = seededRandom(3);
    const centres = [
      [3, 0],
      [-3, 0],
      [0, 3],
    ];
    const points = (n: number) => {
      const y = Array.from({ length: n }, (_, i) => i % 3);
      const x = y.flatMap((k) => centres[k].map((c) => c + (rand() - 0.5)));
      return { x: tf.tensor2d(x, [n, 2]), y };
    };
    const train = points(60);
    const test = points(30);
    const before = tf.memory().numTensors;
    const acc = await logisticRegression(train.x, train.y, test.x, test.y, 3, { steps: 200, l2: 1e-3, learningRate: 0.05 });
    expect(acc).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([train.x, test.x]);
  });
});

describe('fine-tuning', () => {
  it('runs every budget on tiny data, with accuracies in [0, 1] and no tensor leaks', async () => {
    const config = resolveConfig('tiny');
    const { frames, size } = config;
    // Two classes: bright and dark noise.
    const rand = seededRandom(5);
    const clips: PreparedClip[] = Array.from({ length: 16 }, (_, i) => ({
      key: `clip${i}`,
      rgb: Uint8Array.from({ length: frames * size * size * 3 }, () => (i % 2 ? 128 : 0) + Math.floor(rand() * 128)),
    }));
    const data: LabelledClips = { clips, labels: clips.map((_, i) => i % 2), classes: ['dark', 'bright'] };
    const pretrained = new VganModel(config, { seed: 9 });
    const before = tf.memory().numTensors;
    const steps: string[] = [];
    const partial: number[] = [];
    const result = await representationExperiment(pretrained, data, {
      fractions: [1 / 4, 1],
      steps: 2,
      batchSize: 4,
      logisticSteps: 20,
      onStep: (label, done) => void steps.push(`${label}:${done}`),
      onResult: (rows) => void partial.push(rows.length),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ train: 12, test: 4, classes: ['dark', 'bright'] });
    expect(result.features).toContain('2×4×4×64 = 2048');
    expect(result.rows.map((r) => r.labels)).toEqual([3, 12]);
    for (const row of result.rows) {
      for (const acc of [row.pretrained, row.scratch, row.logistic]) {
        expect(acc).toBeGreaterThanOrEqual(0);
        expect(acc).toBeLessThanOrEqual(1);
      }
    }
    expect(partial).toEqual([1, 2]);
    expect(steps).toEqual([
      'pretrained/3:1',
      'pretrained/3:2',
      'scratch/3:1',
      'scratch/3:2',
      'pretrained/12:1',
      'pretrained/12:2',
      'scratch/12:1',
      'scratch/12:2',
    ]);
    pretrained.dispose();
  });
});
