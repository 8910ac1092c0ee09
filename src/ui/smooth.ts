// The running average drawn over a noisy training curve (TensorBoard's smoothing): each point is the
// weighted mean of those before it, debiased so that the first points are not pulled towards zero.

/** Exponential moving average with weight `weight` in [0, 1); 0 returns the values unchanged. */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  let average = 0;
  let debias = 1;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    average = average * weight + (1 - weight) * v;
    debias *= weight;
    return average / (1 - debias);
  });
}
