import { expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { resolveConfig } from '../../src/model/config';
import { defaultSettings } from '../../src/settings';
import { shapesSource } from '../../src/train/data-source';
import { TrainingSession } from '../../src/train/session';
import { iterationStages, type StageReport } from '../../src/train/stages';
import { Trainer } from '../../src/train/trainer';

const config = resolveConfig('tiny');

// With augment on, the probes must show D the same transformed clips as the updates.
it.each([false, true])(
  'steps through one iteration stage by stage, ending exactly where a plain step ends (augment %s)',
  async (augment) => {
    const source = shapesSource(config, 2, 1);
    const batch = await source.next();
    const plain = new Trainer({ seed: 5, augment });
    const staged = new Trainer({ seed: 5, augment });
    const stats = await plain.step(batch);
    const reports: StageReport[] = [];
    const stagedStats = await staged.stepThrough([batch], (r) => {
      reports.push(r);
    });
    expect(reports.map((r) => r.stage)).toEqual(iterationStages.map((s) => s.id));
    expect(reports.every((r) => Object.values(r.numbers).length > 0 && Object.values(r.numbers).every(Number.isFinite))).toBe(true);
    // The probes before each update see what the update sees.
    expect(reports[0].numbers['D(x)']).toBeCloseTo(stats.dReal, 5);
    expect(reports[1].numbers['D(G(z))']).toBeCloseTo(stats.dFake, 5);
    expect(reports[3].numbers['mask mean']).not.toBeCloseTo(0, 3); // two-stream: a mask to pay for
    // The D update raised D(x) and lowered D(G(z)) a little, as it should on its own batch.
    expect(reports[2].numbers['D(x) after']).toBeGreaterThan(reports[0].numbers['D(x)']);
    expect(reports[2].numbers['D(G(z)) after']).toBeLessThan(reports[1].numbers['D(G(z))']);
    expect(stagedStats).toEqual(stats);
    // Same weights and BatchNorm statistics: inference-mode samples agree.
    const z = plain.latent(2, 'check');
    const [a, b] = [plain.sample(z).video, staged.sample(z).video];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    tf.dispose([z, a, b, batch]);
    plain.dispose();
    staged.dispose();
    source.dispose();
  },
);

it('runs the stages of each update (dSteps = 2) in the session without leaking tensors', async () => {
  const settings = { ...defaultSettings, batchSize: 2, dSteps: 2 };
  const session = new TrainingSession(settings, shapesSource(config, 2, 1));
  await session.step('both'); // the optimisers' state exists from here on
  const before = tf.memory().numTensors;
  const stages: string[] = [];
  const report = await session.step('both', (r) => {
    stages.push(r.stage);
  });
  expect(stages).toEqual(['dReal', 'dFake', 'dUpdate', 'dReal', 'dFake', 'dUpdate', 'gForward', 'gUpdate']);
  expect(report).toMatchObject({ kind: 'both', iteration: 2 });
  expect(tf.memory().numTensors).toBe(before);
  session.dispose();
});
