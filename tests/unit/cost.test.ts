// The cost line's numbers follow the model being trained: its parameters are the model's own, and the
// future model's encoder adds arithmetic where the one-stream generator's missing streams remove it.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/model/config';
import { modelCost } from '../../src/model/cost';
import { modelParams } from '../../src/model/networks';

const config = resolveConfig('tiny');
// Trainable ones: BatchNorm's moving statistics are state, not parameters.
const count = (specs: ReturnType<typeof modelParams>) =>
  specs.filter((p) => p.trainable).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);

describe('model cost', () => {
  for (const [kind, generator] of [
    ['unconditional', 'twoStream'],
    ['unconditional', 'oneStream'],
    ['future', 'twoStream'],
  ] as const) {
    it(`counts the parameters of the ${kind} ${generator} model`, () => {
      expect(modelCost(config, 8, kind, generator).parameters).toBe(count(modelParams(config, { kind, generator })));
    });
  }

  it('costs more with an encoder and less without the mask and background, in proportion to the batch', () => {
    const base = modelCost(config, 8);
    expect(modelCost(config, 8, 'future').flopsPerIteration).toBeGreaterThan(base.flopsPerIteration);
    expect(modelCost(config, 8, 'unconditional', 'oneStream').flopsPerIteration).toBeLessThan(base.flopsPerIteration);
    expect(modelCost(config, 16).flopsPerIteration).toBeCloseTo(2 * base.flopsPerIteration, 0);
  });
});
