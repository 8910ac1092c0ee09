// The Fréchet distance between two Gaussians fitted to feature vectors (the distance behind FID and FVD):
//   d² = |μa − μb|² + tr Σa + tr Σb − 2 tr (Σa^½ Σb Σa^½)^½.
// All in float64 on plain arrays: covariances of a few hundred clips are far from full rank, and the
// trace term is a difference of large numbers, so float32 and a general (non-symmetric) sqrtm drift.

/** A square matrix, row-major. */
export interface Matrix {
  n: number;
  data: Float64Array;
}

export interface Gaussian {
  mean: Float64Array;
  cov: Matrix;
}

const JACOBI_SWEEPS = 100;

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: values[i] with the unit
 * eigenvector in column i of `vectors`. Jacobi is slow (n³ per sweep) but accurate to the last bits for
 * the small eigenvalues that decide the trace term, and needs no library.
 */
export function symmetricEigen(m: Matrix): { values: Float64Array; vectors: Matrix } {
  const { n } = m;
  const a = Float64Array.from(m.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  const tolerance = 1e-30 * scale;
  for (let sweep = 0; sweep < JACOBI_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.1).
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: { n, data: v } };
}

/** V f(Λ) Vᵀ for a symmetric matrix. */
function applyToEigenvalues(m: Matrix, f: (x: number) => number): Matrix {
  const { n } = m;
  const { values, vectors } = symmetricEigen(m);
  const fv = values.map(f);
  const out = new Float64Array(n * n);
  const v = vectors.data;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += v[i * n + k] * fv[k] * v[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return { n, data: out };
}

/** The principal square root of a symmetric positive semi-definite matrix; round-off negatives count as 0. */
export function sqrtm(m: Matrix): Matrix {
  return applyToEigenvalues(m, (x) => Math.sqrt(Math.max(x, 0)));
}

export function matmul(a: Matrix, b: Matrix): Matrix {
  const { n } = a;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a.data[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b.data[k * n + j];
    }
  }
  return { n, data: out };
}

const trace = (m: Matrix) => {
  let t = 0;
  for (let i = 0; i < m.n; i++) t += m.data[i * m.n + i];
  return t;
};

/** Sum of the square roots of a symmetric PSD matrix's eigenvalues: tr M^½. */
const traceSqrt = (m: Matrix) => symmetricEigen(m).values.reduce((s, x) => s + Math.sqrt(Math.max(x, 0)), 0);

const squaredDistance = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);

/** Fréchet distance d² between two Gaussians given by mean and covariance. */
export function frechetDistance(a: Gaussian, b: Gaussian): number {
  const root = sqrtm(a.cov);
  const cross = traceSqrt(matmul(matmul(root, b.cov), root));
  return Math.max(0, squaredDistance(a.mean, b.mean) + trace(a.cov) + trace(b.cov) - 2 * cross);
}

/** Rows of a [count, dim] sample matrix, centred, in float64. */
function centred(rows: ArrayLike<number>, count: number, dim: number): { mean: Float64Array; x: Float64Array } {
  if (count < 2) throw new Error(`a Fréchet distance needs at least 2 samples per set, got ${count}`);
  if (rows.length !== count * dim) throw new Error(`expected ${count}×${dim} features, got ${rows.length} values`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += rows[i * dim + j] / count;
  const x = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) x[i * dim + j] = rows[i * dim + j] - mean[j];
  return { mean, x };
}

/** X Yᵀ / divisor for row-major X [rowsX, dim] and Y [rowsY, dim]. */
function gram(x: Float64Array, y: Float64Array, rowsX: number, rowsY: number, dim: number, divisor: number): Float64Array {
  const out = new Float64Array(rowsX * rowsY);
  for (let i = 0; i < rowsX; i++) {
    for (let j = 0; j < rowsY; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += x[i * dim + k] * y[j * dim + k];
      out[i * rowsY + j] = s / divisor;
    }
  }
  return out;
}

/** Transposes a row-major [rows, cols] matrix. */
function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

/** Mean and (unbiased) covariance of [count, dim] feature rows. */
export function gaussianOf(rows: ArrayLike<number>, count: number, dim: number): Gaussian {
  const { mean, x } = centred(rows, count, dim);
  const xt = transpose(x, count, dim);
  return { mean, cov: { n: dim, data: gram(xt, xt, dim, dim, count, count - 1) } };
}

/**
 * Fréchet distance between the Gaussians fitted to two sets of feature rows. With fewer samples than
 * dimensions the covariances have rank < dim, and tr (Σa Σb)^½ is the sum of the singular values of
 * Xa Xbᵀ / √((na−1)(nb−1)) (X the centred rows): an na × na eigenproblem instead of a dim × dim one.
 */
export function frechetDistanceOfSamples(a: ArrayLike<number>, countA: number, b: ArrayLike<number>, countB: number, dim: number): number {
  if (Math.min(countA, countB) >= dim) return frechetDistance(gaussianOf(a, countA, dim), gaussianOf(b, countB, dim));
  const ca = centred(a, countA, dim);
  const cb = centred(b, countB, dim);
  let traces = 0;
  for (const x of ca.x) traces += (x * x) / (countA - 1);
  for (const x of cb.x) traces += (x * x) / (countB - 1);
  // B = Xa Xbᵀ / √((na−1)(nb−1)); its singular values are the square roots of the eigenvalues of B Bᵀ.
  const cross = gram(ca.x, cb.x, countA, countB, dim, Math.sqrt((countA - 1) * (countB - 1)));
  const bbt = gram(cross, cross, countA, countA, countB, 1);
  const nuclear = traceSqrt({ n: countA, data: bbt });
  return Math.max(0, squaredDistance(ca.mean, cb.mean) + traces - 2 * nuclear);
}
