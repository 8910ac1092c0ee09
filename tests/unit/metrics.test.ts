// The automatic metrics on constructed cases with known answers, and one evaluation of a tiny model.
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { generateShapesClip } from '../../src/data/shapes';
import { resolveConfig } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { pooledFeatures, randomFeatureNetwork } from '../../src/eval/features';
import { frechetDistance, frechetDistanceOfSamples, gaussianOf, matmul, sqrtm, symmetricEigen, type Matrix } from '../../src/eval/frechet';
import { evaluateGenerator, maskAgreement, repeatFirstFrame } from '../../src/eval/metrics';
import { splitHeldOut } from '../../src/eval/clips';
import { backgroundStillness, flicker, highFrequency, maskCoverage } from '../../src/data/clip-stats';
import { seededRandom } from '../../src/data/random';

const matrix = (rows: number[][]): Matrix => ({ n: rows.length, data: Float64Array.from(rows.flat()) });
const expectClose = (a: Matrix, b: Matrix, digits: number) =>
  a.data.forEach((x, i) => {
    expect(x).toBeCloseTo(b.data[i], digits);
  });

/** A random symmetric positive definite matrix: A Aᵀ + n·I. */
function randomSpd(n: number, seed: number): Matrix {
  const rand = seededRandom(seed);
  const a = matrix(Array.from({ length: n }, () => Array.from({ length: n }, () => rand() - 0.5)));
  const at: Matrix = { n, data: Float64Array.from({ length: n * n }, (_, k) => a.data[(k % n) * n + Math.floor(k / n)]) };
  const m = matmul(a, at);
  for (let i = 0; i < n; i++) m.data[i * n + i] += n * 0.1;
  return m;
}

/** `count` rows of `dim` Gaussian features with a per-dimension mean and scale. */
function gaussianRows(count: number, dim: number, seed: number, mean = 0, scale = 1): Float64Array {
  const rand = seededRandom(seed);
  return Float64Array.from({ length: count * dim }, (_, k) => {
    const u = Math.max(rand(), 1e-12);
    return mean + scale * ((k % dim) + 1) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  });
}

describe('matrix square root', () => {
  it('finds the known root of [[5,4],[4,5]]', () => {
    expectClose(
      sqrtm(
        matrix([
          [5, 4],
          [4, 5],
        ]),
      ),
      matrix([
        [2, 1],
        [1, 2],
      ]),
      12,
    );
  });

  it('squares back to a random SPD matrix, with orthonormal eigenvectors', () => {
    const a = randomSpd(12, 3);
    const root = sqrtm(a);
    expectClose(matmul(root, root), a, 10);
    const { vectors } = symmetricEigen(a);
    const vt: Matrix = { n: 12, data: Float64Array.from({ length: 144 }, (_, k) => vectors.data[(k % 12) * 12 + Math.floor(k / 12)]) };
    expectClose(
      matmul(vt, vectors),
      matrix(Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j) => (i === j ? 1 : 0)))),
      12,
    );
  });

  it('treats a singular PSD matrix as having zero eigenvalues', () => {
    const root = sqrtm(
      matrix([
        [1, 1],
        [1, 1],
      ]),
    );
    expectClose(
      root,
      matrix([
        [Math.SQRT1_2, Math.SQRT1_2],
        [Math.SQRT1_2, Math.SQRT1_2],
      ]),
      12,
    );
  });
});

describe('Fréchet distance', () => {
  it('equals the closed form for Gaussians with known means and covariances', () => {
    // Diagonal covariances commute: d² = |Δμ|² + Σ (σa − σb)².
    const diag = (v: number[]) => matrix(v.map((x, i) => v.map((_, j) => (i === j ? x : 0))));
    const a = { mean: Float64Array.from([0, 1, 2]), cov: diag([1, 4, 9]) };
    const b = { mean: Float64Array.from([1, 1, 0]), cov: diag([4, 4, 1]) };
    expect(frechetDistance(a, b)).toBeCloseTo(1 + 4 + (1 + 0 + 4), 12);
    // Non-commuting: Σa = [[2,1],[1,2]], Σb = I, so tr (Σa^½ Σb Σa^½)^½ = tr Σa^½ = √3 + 1.
    const c = {
      mean: new Float64Array(2),
      cov: matrix([
        [2, 1],
        [1, 2],
      ]),
    };
    const d = { mean: new Float64Array(2), cov: diag([1, 1]) };
    expect(frechetDistance(c, d)).toBeCloseTo(4 + 2 - 2 * (Math.sqrt(3) + 1), 12);
  });

  it('is 0 between a set and itself, and symmetric', () => {
    const a = gaussianRows(40, 6, 1);
    const b = gaussianRows(40, 6, 2, 0.5, 1.5);
    expect(frechetDistanceOfSamples(a, 40, a, 40, 6)).toBeCloseTo(0, 9);
    expect(frechetDistanceOfSamples(a, 40, b, 40, 6)).toBeCloseTo(frechetDistanceOfSamples(b, 40, a, 40, 6), 8);
  });

  it('takes the few-samples route to the same value as the full covariances', () => {
    const a = gaussianRows(7, 20, 5);
    const b = gaussianRows(9, 20, 6, 0.2, 0.7);
    const full = frechetDistance(gaussianOf(a, 7, 20), gaussianOf(b, 9, 20));
    // The full route takes square roots of rank-6 covariances, so it agrees to round-off, relatively.
    expect(Math.abs(frechetDistanceOfSamples(a, 7, b, 9, 20) - full) / full).toBeLessThan(1e-7);
    expect(full).toBeGreaterThan(0);
  });

  it('approaches the closed form as samples grow', () => {
    // Rows with means 0 and 1, standard deviations k and 2k per dimension k = 1..3: d² = 3 + Σ k².
    const a = gaussianRows(20000, 3, 11, 0, 1);
    const b = gaussianRows(20000, 3, 12, 1, 2);
    expect(frechetDistanceOfSamples(a, 20000, b, 20000, 3)).toBeCloseTo(3 + 1 + 4 + 9, 0);
  });
});

describe('mask agreement and stillness', () => {
  it('scores hand-made masks', () => {
    expect(maskAgreement([1, 1, 0, 0], [1, 0, 1, 0])).toEqual({ iou: 1 / 3, mae: 0.5 });
    expect(maskAgreement([0.9, 0.6, 0.2], [1, 1, 0])).toMatchObject({ iou: 1 });
    expect(maskAgreement([0.9, 0.6, 0.2], [1, 1, 0]).mae).toBeCloseTo(0.7 / 3, 12);
    expect(maskAgreement([0, 0], [0, 0])).toEqual({ iou: 1, mae: 0 });
    expect(maskCoverage([0.5, 0.49, 1, 0])).toBe(0.5);
  });

  it('gives 0 for a constant video and the temporal std of the background otherwise', () => {
    const shape = { clips: 1, frames: 4, size: 2 };
    const mask = new Float32Array(16);
    expect(backgroundStillness(new Float32Array(48).fill(0.3), mask, shape)).toBe(0);
    // Pixel 0 flickers ±1 (std 1) but is foreground in frame 2; pixel 1 flickers ±1 in the background.
    const video = new Float32Array(48);
    for (let t = 0; t < 4; t++) for (const p of [0, 1]) video.fill(t % 2 ? 1 : -1, (t * 4 + p) * 3, (t * 4 + p) * 3 + 3);
    mask[2 * 4 + 0] = 1;
    expect(backgroundStillness(video, mask, shape)).toBeCloseTo(1 / 3, 6);
  });
});

describe('flicker and high frequency', () => {
  const shape = { clips: 2, frames: 5, size: 8 };
  const frame = 8 * 8 * 3;

  it('are 0 for a static uniform clip, and flicker is 0 for any still clip', () => {
    expect(flicker(new Float32Array(2 * 5 * frame).fill(0.4), shape)).toBe(0);
    expect(highFrequency(new Float32Array(2 * 5 * frame).fill(0.4), shape)).toBe(0);
    const still = new Float32Array(2 * 5 * frame);
    const rand = seededRandom(3);
    const image = Array.from({ length: frame }, () => rand() * 2 - 1);
    for (let f = 0; f < 10; f++) still.set(image, f * frame);
    expect(flicker(still, shape)).toBe(0);
    expect(highFrequency(still, shape)).toBeGreaterThan(0.5);
  });

  it('give E|a − b| = 2/3 for independent uniform noise in [−1, 1]', () => {
    const big = { clips: 4, frames: 16, size: 32 };
    const rand = seededRandom(5);
    const noise = Float32Array.from({ length: 4 * 16 * 32 * 32 * 3 }, () => rand() * 2 - 1);
    expect(flicker(noise, big)).toBeCloseTo(2 / 3, 2);
    expect(highFrequency(noise, big)).toBeCloseTo(2 / 3, 2);
  });

  it('of a clip shifted one pixel per frame: flicker equals the horizontal neighbour difference', () => {
    // Vertical stripes x mod 2: each frame is the previous moved one pixel, so every pixel changes by 2.
    const one = { clips: 1, frames: 3, size: 4 };
    const video = new Float32Array(3 * 16 * 3);
    for (let t = 0; t < 3; t++)
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) video.fill((x + t) % 2 ? 1 : -1, ((t * 4 + y) * 4 + x) * 3, ((t * 4 + y) * 4 + x) * 3 + 3);
    expect(flicker(video, one)).toBe(2);
    // Across: every neighbour pair differs by 2; down: none.
    expect(highFrequency(video, one)).toBe(1);
  });

  it('refuse a video of the wrong length', () => {
    expect(() => flicker(new Float32Array(7), shape)).toThrow(/flicker: a video of 7 values is not 2×5×8²×3/);
  });
});

describe('evaluation', () => {
  const config = resolveConfig('tiny');
  const { frames, size } = config;

  function shapes(count: number, firstSeed = 100) {
    const plane = frames * size * size;
    const video = new Float32Array(count * plane * 3);
    const mask = new Float32Array(count * plane);
    for (let i = 0; i < count; i++) {
      const clip = generateShapesClip(firstSeed + i, { size, frames });
      clip.rgb.forEach((v, k) => {
        video[i * plane * 3 + k] = v / 127.5 - 1;
      });
      clip.mask.forEach((v, k) => {
        mask[i * plane + k] = v / 255;
      });
    }
    return { clips: count, frames, size, video, mask };
  }

  it('features of identical clip sets are 0 apart; the first-frame baseline is still but not real', () => {
    const before = tf.memory().numTensors;
    const net = randomFeatureNetwork(config);
    const real = shapes(6);
    const dist = tf.tidy(() => {
      const video = tf.tensor5d(real.video, [6, frames, size, size, 3]);
      const f = pooledFeatures(net, video).dataSync();
      const g = pooledFeatures(net, repeatFirstFrame(video)).dataSync();
      const dim = f.length / 6;
      return [frechetDistanceOfSamples(f, 6, f, 6, dim), frechetDistanceOfSamples(f, 6, g, 6, dim)];
    });
    expect(dist[0]).toBeCloseTo(0, 9);
    expect(dist[1]).toBeGreaterThan(0);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the feature network has one width for every model of a geometry, so their distances share a scale', () => {
    const real = shapes(2);
    const featuresOf = (baseChannels: number) => {
      const net = randomFeatureNetwork({ ...config, baseChannels });
      const f = tf.tidy(() => pooledFeatures(net, tf.tensor5d(real.video, [2, frames, size, size, 3])).arraySync());
      net.dispose();
      return f;
    };
    expect(featuresOf(64)).toEqual(featuresOf(8));
  });

  it('scores a tiny future model and the baseline on shapes without leaking tensors', async () => {
    const net = randomFeatureNetwork(config);
    const model = new VganModel(config, { kind: 'future', seed: 3 });
    const real = shapes(6);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const rows = await evaluateGenerator(model, real, { featureModel: net, batchSize: 4, onProgress: (d) => progress.push(d) });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toEqual([4, 6]);
    const [m, baseline, truth] = rows;
    expect(m.frechet).toBeGreaterThan(0);
    expect(m.maskIoU).toBeGreaterThanOrEqual(0);
    expect(m.maskIoU).toBeLessThanOrEqual(1);
    expect(m.stillness).toBeGreaterThanOrEqual(0);
    const truthMean = real.mask.reduce((s, x) => s + x, 0) / real.mask.length;
    // The baseline holds each input frame's true mask still: it agrees with frame 0 and misses what moves.
    const plane = config.size * config.size;
    let [both, either, first] = [0, 0, 0];
    for (let c = 0; c < real.clips; c++) {
      for (let t = 0; t < config.frames; t++) {
        for (let p = 0; p < plane; p++) {
          const held = real.mask[c * config.frames * plane + p] >= 0.5;
          const now = real.mask[(c * config.frames + t) * plane + p] >= 0.5;
          both += Number(held && now);
          either += Number(held || now);
          first += Number(held);
        }
      }
    }
    expect(baseline).toMatchObject({ name: 'repeated first frame', stillness: 0 });
    expect(baseline.maskIoU).toBeCloseTo(both / either, 9);
    expect(baseline.maskIoU).toBeGreaterThan(0);
    expect(baseline.maskIoU).toBeLessThan(1); // the sprites move
    expect(baseline.maskCoverage).toBeCloseTo(first / real.mask.length, 9);
    expect(truth).toMatchObject({ name: 'real clips', frechet: null, maskIoU: 1, maskMAE: 0 });
    expect(baseline.flicker).toBe(0);
    expect(truth.flicker).toBeCloseTo(flicker(real.video, real), 9);
    expect(truth.highFrequency).toBeGreaterThan(0);
    expect(m.flicker).toBeGreaterThan(0);
    expect(truth.maskCoverage).toBeCloseTo(truthMean, 6); // the shapes masks are 0 or 1
    // Shapes clips made in memory (no JPEG coding) have perfectly still backgrounds.
    expect(truth.stillness).toBe(0);
    expect(m.maskCoverage).toBeGreaterThanOrEqual(0);
    model.dispose();
    net.dispose();
  });

  it("repeats held-out clips' first frames for an unconditional model's baseline; their own distance is the floor", async () => {
    const net = randomFeatureNetwork(config);
    const model = new VganModel(config, { seed: 4 });
    const real = shapes(4);
    const other = shapes(3, 200);
    const before = tf.memory().numTensors;
    const paired = await evaluateGenerator(model, real, { featureModel: net, seed: 1 });
    const same = await evaluateGenerator(model, real, { featureModel: net, seed: 1, heldOut: real });
    const held = await evaluateGenerator(model, real, { featureModel: net, seed: 1, heldOut: other });
    expect(tf.memory().numTensors).toBe(before);
    // Without held-out clips the real clips have no distance; held out, the same clips are 0 from themselves
    // and their baseline is the paired one.
    expect(paired[2].frechet).toBeNull();
    expect(same[2].frechet).toBeCloseTo(0, 9);
    expect(same[1].frechet).toBeCloseTo(paired[1].frechet!, 9);
    // Other clips: the baseline and the floor are their distances to the real clips, computed by hand here.
    const { f, g, still } = tf.tidy(() => {
      const video = (c: typeof real) => tf.tensor5d(c.video, [c.clips, frames, size, size, 3]);
      return {
        f: pooledFeatures(net, video(real)).dataSync(),
        g: pooledFeatures(net, video(other)).dataSync(),
        still: {
          features: pooledFeatures(net, repeatFirstFrame(video(other))).dataSync(),
          video: repeatFirstFrame(video(other)).dataSync(),
        },
      };
    });
    const dim = f.length / 4;
    expect(held[2].frechet).toBeCloseTo(frechetDistanceOfSamples(g, 3, f, 4, dim), 9);
    expect(held[2].frechet).toBeGreaterThan(0);
    expect(held[1].frechet).toBeCloseTo(frechetDistanceOfSamples(still.features, 3, f, 4, dim), 9);
    expect(held[1].highFrequency).toBeCloseTo(highFrequency(still.video, other), 9);
    // The model's own numbers do not depend on them.
    expect(held[0]).toEqual(paired[0]);
    // A future model continues the real clips, so its baseline stays paired and held-out clips are unused.
    const future = new VganModel(config, { kind: 'future', seed: 3 });
    const rows = await evaluateGenerator(future, real, { featureModel: net, heldOut: other });
    expect(rows[2].frechet).toBeNull();
    await expect(evaluateGenerator(model, real, { featureModel: net, heldOut: { ...other, size: 8 } })).rejects.toThrow(
      /held-out clips are/,
    );
    future.dispose();
    model.dispose();
    net.dispose();
  });

  it('holds out stored clips alternately, the scored ones keeping their number', () => {
    const clips = Array.from({ length: 10 }, (_, i) => i);
    expect(splitHeldOut(clips, 4)).toEqual({ scored: [0, 2, 4, 6], heldOut: [1, 3, 5, 7] });
    expect(splitHeldOut(clips, 6)).toEqual({ scored: [0, 2, 4, 6, 8, 9], heldOut: [1, 3, 5, 7] });
    expect(splitHeldOut(clips, 10)).toEqual({ scored: clips, heldOut: [] });
    expect(splitHeldOut(clips, 12)).toEqual({ scored: clips, heldOut: [] });
  });

  it('has no mask agreement for an unconditional model, and stillness under its own mask', async () => {
    const net = randomFeatureNetwork(config);
    const model = new VganModel(config, { seed: 4 });
    const rows = await evaluateGenerator(model, shapes(4), { featureModel: net, seed: 1 });
    expect(rows[0].maskIoU).toBeNull();
    // Its samples pair with no clip: the still baseline's mask is empty.
    expect(rows[1]).toMatchObject({ maskIoU: 0, maskCoverage: 0 });
    expect(rows.map((r) => r.name)).toEqual(['model', 'repeated first frame', 'real clips']);
    expect(rows[0].maskCoverage).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(rows[0].frechet)).toBe(true);
    model.dispose();
    net.dispose();
  });
});
