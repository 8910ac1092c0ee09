import { expect, it } from 'vitest';
import { defaultSettings, paperLearningRate, type Settings } from '../../src/settings';
import { firstObjectsAfter } from '../../src/ui/first-objects';

const run = (patch: Partial<Settings>) => firstObjectsAfter({ ...defaultSettings, ...patch });

it("the page's default run (resize-convolutions, G at 1e-3) was measured to draw objects after about 800 iterations", () => {
  expect(defaultSettings.upsample).toBe('resize');
  expect(defaultSettings.lrG).toBe(1e-3);
  expect(defaultSettings.lrD).toBe(paperLearningRate);
  expect(firstObjectsAfter(defaultSettings)).toBe(800);
  expect(run({ seed: 7 })).toBe(800); // the seeds varied
  expect(run({ lrG: paperLearningRate })).toBe(1000);
  expect(run({ lrG: paperLearningRate, upsample: 'transposed' })).toBe(4000);
});

it('says nothing of runs that no measurement covers', () => {
  for (const patch of [
    { upsample: 'transposed', lrG: 1e-3 },
    { lrG: 5e-4 },
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
