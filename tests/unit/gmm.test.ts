import { describe, expect, it } from 'vitest';
import { fitGmm, gmmFromJson, gmmToJson, logLikelihood, sampleGmm, type GaussianMixture } from '../../src/eval/gmm';

/** A known 4-component mixture in 3 dimensions, well separated, with unequal weights and variances. */
const truth: GaussianMixture = {
  components: 4,
  dim: 3,
  weights: Float64Array.from([0.1, 0.2, 0.3, 0.4]),
  means: Float64Array.from([-6, 0, 0, 6, 0, 0, 0, 6, 2, 0, -6, -2]),
  variances: Float64Array.from([0.25, 1, 0.5, 1, 0.25, 0.25, 0.5, 0.5, 1, 2, 1, 0.5]),
};

/** For each true component, the fitted component whose mean is nearest. */
function match(fit: GaussianMixture): number[] {
  return Array.from({ length: truth.components }, (_, t) => {
    let best = -1;
    let bestDist = Infinity;
    for (let c = 0; c < fit.components; c++) {
      let dist = 0;
      for (let j = 0; j < truth.dim; j++) dist += (fit.means[c * 3 + j] - truth.means[t * 3 + j]) ** 2;
      if (dist < bestDist) [best, bestDist] = [c, dist];
    }
    return best;
  });
}

describe('Gaussian mixture', () => {
  const data = sampleGmm(truth, 4000, 5);

  it('recovers the weights, means and variances of a known mixture', () => {
    const { gmm, converged } = fitGmm(data, 3, { components: 4, seed: 1 });
    expect(converged).toBe(true);
    const m = match(gmm);
    expect(new Set(m).size).toBe(4);
    m.forEach((c, t) => {
      expect(Math.abs(gmm.weights[c] - truth.weights[t])).toBeLessThan(0.03);
      for (let j = 0; j < 3; j++) {
        expect(Math.abs(gmm.means[c * 3 + j] - truth.means[t * 3 + j])).toBeLessThan(0.15);
        expect(gmm.variances[c * 3 + j] / truth.variances[t * 3 + j]).toBeGreaterThan(0.8);
        expect(gmm.variances[c * 3 + j] / truth.variances[t * 3 + j]).toBeLessThan(1.25);
      }
    });
    // The fit explains its data about as well as the truth does.
    expect(logLikelihood(gmm, data)).toBeGreaterThan(logLikelihood(truth, data) - 0.01);
  });

  it('never lowers the log-likelihood over EM iterations', () => {
    // More components than clusters and few points: the hard case for monotonicity (floors, near-empty components).
    const { logLikelihoods } = fitGmm(data.subarray(0, 600), 3, { components: 12, seed: 3, tolerance: 0, maxIterations: 60 });
    for (let i = 1; i < logLikelihoods.length; i++) expect(logLikelihoods[i]).toBeGreaterThanOrEqual(logLikelihoods[i - 1] - 1e-9);
  });

  it('is deterministic with a seed and draws reproducible samples', () => {
    const a = fitGmm(data.subarray(0, 900), 3, { components: 5, seed: 9 });
    const b = fitGmm(data.subarray(0, 900), 3, { components: 5, seed: 9 });
    expect(Array.from(a.gmm.means)).toEqual(Array.from(b.gmm.means));
    expect(Array.from(sampleGmm(a.gmm, 10, 4))).toEqual(Array.from(sampleGmm(b.gmm, 10, 4)));
    expect(Array.from(sampleGmm(a.gmm, 10, 4))).not.toEqual(Array.from(sampleGmm(a.gmm, 10, 5)));
  });

  it('clamps the components to the number of points, with a note', () => {
    const fit = fitGmm(data.subarray(0, 30), 3, { seed: 2 });
    expect(fit.gmm.components).toBe(10);
    expect(fit.notes.join(' ')).toMatch(/256 components asked for, but only 10 codes/);
    expect([...fit.gmm.variances].every((v) => v > 0)).toBe(true);
  });

  it('round-trips through JSON and rejects malformed files', () => {
    const g = gmmFromJson(JSON.parse(JSON.stringify(gmmToJson(truth))));
    expect(Array.from(g.variances)).toEqual(Array.from(truth.variances));
    expect(() => gmmFromJson({ format: 'other' })).toThrow(/not a Gaussian mixture file/);
    const bad = gmmToJson(truth);
    bad.means[1] = [1, 2];
    expect(() => gmmFromJson(bad)).toThrow(/means must be 4 rows of 3 numbers/);
    expect(() => gmmFromJson({ ...gmmToJson(truth), weights: [1, 1, 1, 1] })).toThrow(/weights sum to 4/);
  });

  it('rejects data that is not N×D finite numbers', () => {
    expect(() => fitGmm(new Float32Array(7), 3)).toThrow(/not a positive multiple of 3/);
    expect(() => fitGmm(Float32Array.from([0, NaN, 1]), 3)).toThrow(/non-finite/);
  });
});
