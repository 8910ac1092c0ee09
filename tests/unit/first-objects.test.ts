import { expect, it } from 'vitest';
import { defaultSettings, paperBeta1, paperLearningRate, type Settings } from '../../src/settings';
import { firstObjectsAfter } from '../../src/ui/first-objects';

const run = (patch: Partial<Settings>) => firstObjectsAfter({ ...defaultSettings, ...patch });

it("the page's default run (resize-convolutions, G at 1e-3, Adam without momentum) was measured to draw objects after about 300 iterations", () => {
  expect(defaultSettings.upsample).toBe('resize');
  expect(defaultSettings.lrG).toBe(1e-3);
  expect(defaultSettings.beta1).toBe(0);
  expect(defaultSettings.lrD).toBe(paperLearningRate);
  expect(firstObjectsAfter(defaultSettings)).toBe(300);
  expect(run({ seed: 7 })).toBe(300); // the seeds varied
  expect(run({ beta1: paperBeta1 })).toBe(800);
  expect(run({ beta1: paperBeta1, lrG: paperLearningRate })).toBe(1000);
  expect(run({ beta1: paperBeta1, lrG: paperLearningRate, upsample: 'transposed' })).toBe(4000);
});

it('says nothing of runs that no measurement covers', () => {
  for (const patch of [
    { upsample: 'transposed', lrG: 1e-3 },
    { lrG: 5e-4 },
    { lrG: paperLearningRate }, // with β1 0: looked at, blurred blobs at 300; no measured row
    { beta1: 0.9 },
    { batchSize: 16 },
    { lrD: 1e-3 },
    { dataset: 'moving-mnist' },
    { preset: 'small' },
    { baseChannels: '16' },
    { augment: 'on' },
    { emaDecay: 0.999 },
    { weights: 'shapes-tiny' },
  ] as Partial<Settings>[]) {
    expect(run(patch), JSON.stringify(patch)).toBeNull();
  }
});
