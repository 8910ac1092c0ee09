// A Gaussian mixture with diagonal covariances, fitted by EM: the paper's baseline fits 256 components on
// the autoencoder's 100-d codes and decodes samples of the mixture (§4.1). Codes are few (hundreds to
// thousands) and small, so plain typed arrays on the CPU are enough and keep every fit reproducible.
import { seededRandom } from '../data/random';

export interface GaussianMixture {
  /** Components K and dimensions D. */
  components: number;
  dim: number;
  /** [K] mixing weights, summing to 1. */
  weights: Float64Array;
  /** [K, D] row-major means and variances. */
  means: Float64Array;
  variances: Float64Array;
}

export interface GmmFitOptions {
  /** Components (the paper's 256); more than the number of points is clamped, with a note. */
  components?: number;
  seed?: number;
  maxIterations?: number;
  /** Stop when the mean log-likelihood per point gains less than this. */
  tolerance?: number;
  /**
   * Variances never fall below this fraction of the data's mean variance: a component that collapses onto
   * one code would otherwise have an unbounded likelihood.
   */
  varianceFloor?: number;
}

export interface GmmFit {
  gmm: GaussianMixture;
  /** Mean log-likelihood per point after initialisation and after every EM iteration. */
  logLikelihoods: number[];
  iterations: number;
  converged: boolean;
  notes: string[];
}

const LOG_2PI = Math.log(2 * Math.PI);

/** A standard normal from a uniform generator (Box–Muller; one of the pair is enough here). */
function normal(rand: () => number): number {
  const u = 1 - rand(); // (0, 1]: log(0) would be −∞
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
function drawIndex(weights: ArrayLike<number>, total: number, rand: () => number): number {
  let r = rand() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  // Rounding left r a hair above zero: take the last index that had weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return weights.length - 1;
}

function checkData(data: ArrayLike<number>, dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`gmm: dimension must be a positive integer, got ${dim}`);
  if (data.length === 0 || data.length % dim !== 0) throw new Error(`gmm: data length ${data.length} is not a positive multiple of ${dim}`);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new Error(`gmm: data holds a non-finite value at ${i}`);
  return data.length / dim;
}

/**
 * Log-densities of each point under each weighted component, log(w_k) + log N(x | μ_k, σ²_k), into `out`
 * [N, K]; returns the mean over points of log Σ_k exp(·) (log-sum-exp, so far-away points do not underflow).
 * With `responsibilities`, `out` is normalised in place to posterior probabilities.
 */
function eStep(g: GaussianMixture, data: ArrayLike<number>, n: number, out: Float64Array, responsibilities: boolean): number {
  const { components: k, dim: d, weights, means, variances } = g;
  const constants = new Float64Array(k);
  const inverse = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    let logDet = 0;
    for (let j = 0; j < d; j++) {
      logDet += Math.log(variances[c * d + j]);
      inverse[c * d + j] = 1 / variances[c * d + j];
    }
    constants[c] = (weights[c] > 0 ? Math.log(weights[c]) : -Infinity) - 0.5 * (d * LOG_2PI + logDet);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let q = 0;
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j] - means[c * d + j];
        q += diff * diff * inverse[c * d + j];
      }
      const v = constants[c] - 0.5 * q;
      out[i * k + c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(out[i * k + c] - max);
    const logSum = max + Math.log(sum);
    total += logSum;
    if (responsibilities) for (let c = 0; c < k; c++) out[i * k + c] = Math.exp(out[i * k + c] - logSum);
  }
  return total / n;
}

/** Mean log-likelihood per point of `data` ([N, D] row-major) under the mixture. */
export function logLikelihood(g: GaussianMixture, data: ArrayLike<number>): number {
  const n = checkData(data, g.dim);
  return eStep(g, data, n, new Float64Array(n * g.components), false);
}

/** k-means++ seeding: each next centre is a point drawn with probability ∝ its squared distance to the nearest centre. */
function kMeansPlusPlus(data: ArrayLike<number>, n: number, d: number, k: number, rand: () => number): Float64Array {
  const centres = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rand() * n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centres[c * d + j] = data[pick * d + j];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j] - centres[c * d + j];
        dist += diff * diff;
      }
      if (dist < nearest[i]) nearest[i] = dist;
      total += nearest[i];
    }
    // Only duplicates left: any point will do.
    pick = total > 0 ? drawIndex(nearest, total, rand) : Math.floor(rand() * n);
  }
  return centres;
}

/** Fits a K-component diagonal Gaussian mixture to `data` ([N, D] row-major) by EM, from a seeded k-means++ start. */
export function fitGmm(data: ArrayLike<number>, dim: number, options: GmmFitOptions = {}): GmmFit {
  const n = checkData(data, dim);
  const { seed = 0, maxIterations = 100, tolerance = 1e-5, varianceFloor = 1e-3 } = options;
  const notes: string[] = [];
  let k = options.components ?? 256;
  if (!Number.isInteger(k) || k <= 0) throw new Error(`gmm: components must be a positive integer, got ${k}`);
  if (k > n) {
    notes.push(`${k} components asked for, but only ${n} codes: fitted ${n} components.`);
    k = n;
  }
  const d = dim;
  const rand = seededRandom(seed);

  // The data's own per-dimension variance sets the scale of the floor and of the starting variances.
  const mean = new Float64Array(d);
  const spread = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) spread[j] += (data[i * d + j] - mean[j]) ** 2 / n;
  const floor = Math.max(varianceFloor * (spread.reduce((a, b) => a + b, 0) / d), 1e-12);

  const g: GaussianMixture = {
    components: k,
    dim: d,
    weights: new Float64Array(k).fill(1 / k),
    means: kMeansPlusPlus(data, n, d, k, rand),
    variances: new Float64Array(k * d),
  };
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) g.variances[c * d + j] = Math.max(spread[j], floor);

  const resp = new Float64Array(n * k);
  const logLikelihoods = [eStep(g, data, n, resp, true)];
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations && !converged) {
    // M step: weighted means, then variances about them (two passes: no cancellation when a variance is
    // tiny); a component with no responsibility keeps its parameters.
    const nk = new Float64Array(k);
    const sums = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        nk[c] += r;
        for (let j = 0; j < d; j++) sums[c * d + j] += r * data[i * d + j];
      }
    }
    const live = (c: number) => nk[c] >= 1e-10;
    for (let c = 0; c < k; c++) {
      g.weights[c] = nk[c] / n;
      if (live(c)) for (let j = 0; j < d; j++) g.means[c * d + j] = sums[c * d + j] / nk[c];
    }
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        for (let j = 0; j < d; j++) sums[c * d + j] += r * (data[i * d + j] - g.means[c * d + j]) ** 2;
      }
    }
    for (let c = 0; c < k; c++) {
      if (live(c)) for (let j = 0; j < d; j++) g.variances[c * d + j] = Math.max(sums[c * d + j] / nk[c], floor);
    }
    iterations++;
    logLikelihoods.push(eStep(g, data, n, resp, true));
    converged = logLikelihoods[iterations] - logLikelihoods[iterations - 1] < tolerance;
  }
  if (!converged) notes.push(`EM stopped after ${maxIterations} iterations before converging.`);
  return { gmm: g, logLikelihoods, iterations, converged, notes };
}

/** `count` points drawn from the mixture, [count, D] row-major; the same seed draws the same points. */
export function sampleGmm(g: GaussianMixture, count: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const { dim: d, weights, means, variances } = g;
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float32Array(count * d);
  for (let i = 0; i < count; i++) {
    const c = drawIndex(weights, total, rand);
    for (let j = 0; j < d; j++) out[i * d + j] = means[c * d + j] + Math.sqrt(variances[c * d + j]) * normal(rand);
  }
  return out;
}

export const GMM_FORMAT = 'vgan-gmm';

export interface GmmJson {
  format: typeof GMM_FORMAT;
  version: 1;
  components: number;
  dim: number;
  weights: number[];
  /** [K][D] */
  means: number[][];
  variances: number[][];
}

const rows = (a: Float64Array, k: number, d: number) => Array.from({ length: k }, (_, c) => Array.from(a.subarray(c * d, (c + 1) * d)));

export function gmmToJson(g: GaussianMixture): GmmJson {
  const { components: k, dim: d } = g;
  return {
    format: GMM_FORMAT,
    version: 1,
    components: k,
    dim: d,
    weights: Array.from(g.weights),
    means: rows(g.means, k, d),
    variances: rows(g.variances, k, d),
  };
}

/** Reads what `gmmToJson` (or the PyTorch trainer) wrote, checking every shape and value. */
export function gmmFromJson(json: unknown): GaussianMixture {
  const j = json as Partial<GmmJson> | null;
  if (!j || j.format !== GMM_FORMAT) throw new Error(`not a Gaussian mixture file: format must be "${GMM_FORMAT}"`);
  if (j.version !== 1) throw new Error(`unsupported Gaussian mixture version ${String(j.version)}`);
  const { components: k, dim: d } = j;
  if (!Number.isInteger(k) || k! <= 0 || !Number.isInteger(d) || d! <= 0)
    throw new Error('Gaussian mixture: components and dim must be positive integers');
  const flat = (name: 'means' | 'variances') => {
    const m = j[name];
    if (!Array.isArray(m) || m.length !== k || m.some((r) => !Array.isArray(r) || r.length !== d)) {
      throw new Error(`Gaussian mixture: ${name} must be ${k} rows of ${d} numbers`);
    }
    return Float64Array.from(m.flat());
  };
  if (!Array.isArray(j.weights) || j.weights.length !== k) throw new Error(`Gaussian mixture: weights must hold ${k} numbers`);
  const g = { components: k!, dim: d!, weights: Float64Array.from(j.weights), means: flat('means'), variances: flat('variances') };
  if (![...g.weights, ...g.means, ...g.variances].every(Number.isFinite))
    throw new Error('Gaussian mixture: non-numeric or non-finite values');
  if (g.weights.some((w) => w < 0) || g.variances.some((v) => v <= 0))
    throw new Error('Gaussian mixture: weights must be ≥ 0 and variances > 0');
  const sum = g.weights.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-4) throw new Error(`Gaussian mixture: weights sum to ${sum}, not 1`);
  return g;
}
