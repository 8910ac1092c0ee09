// Training the future model in the playground: the `kind` setting and a session in future mode.
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { resolveConfig } from '../../src/model/config';
import { defaultSettings, settingsFromQuery, settingsToQuery } from '../../src/settings';
import { shapesSource } from '../../src/train/data-source';
import type { ToWorker } from '../../src/train/protocol';
import { TrainingSession } from '../../src/train/session';
import { usePlayground } from '../../src/ui/store';

describe('kind setting', () => {
  it('round-trips through the URL and keeps the future model two-stream', () => {
    const future = { ...defaultSettings, kind: 'future' as const, hide: [] };
    expect(settingsToQuery(future)).toBe('kind=future');
    expect(settingsFromQuery('?kind=future')).toEqual({ settings: future, problems: [] });
    const mixed = settingsFromQuery('?kind=future&generator=oneStream');
    expect(mixed.settings.generator).toBe('twoStream');
    expect(mixed.problems).toEqual(['generator=oneStream does not go with kind=future: the future model is two-stream only']);
    expect(settingsFromQuery('?kind=sideways').problems).toEqual(['kind=sideways is not one of unconditional, future']);
  });

  it('rebuilds the session, leaves a pretrained model and forces two streams', () => {
    const sent: ToWorker[] = [];
    usePlayground.setState({
      send: (m) => sent.push(m),
      settings: { ...defaultSettings, generator: 'oneStream', weights: 'shapes-tiny' },
      ready: true,
    });
    usePlayground.getState().setSettings({ kind: 'future' });
    expect(sent.at(-1)).toMatchObject({ type: 'init', settings: { kind: 'future', generator: 'twoStream', weights: '' } });
    usePlayground.getState().setSettings({ generator: 'oneStream' });
    expect(usePlayground.getState().settings.generator).toBe('twoStream');
  });
});

describe('a future-mode session', () => {
  it('trains, predicts from fixed real first frames, refuses interpolation and leaks nothing', async () => {
    const settings = { ...defaultSettings, kind: 'future' as const, batchSize: 2, seed: 4 };
    const config = resolveConfig('tiny');
    const session = new TrainingSession(settings, shapesSource(config, 2, 4));
    expect(session.trainer.model.kind).toBe('future');
    const first = await session.samples();
    await session.step('both'); // the first step makes the optimisers' state
    const before = tf.memory().numTensors;
    const report = await session.step('both');
    expect(report.reconstruction).toBeGreaterThan(0);
    expect(report.numTensors).toBe(before);
    const samples = await session.samples();
    expect(samples).toHaveLength(2); // the grid holds at most one batch of first frames
    expect(samples[0].video).toMatchObject({ frames: config.frames, size: config.size, channels: 3 });
    expect(samples[0].mask).toMatchObject({ channels: 1 });
    expect(samples[0].video.data).not.toEqual(first[0].video.data); // the same frames, a trained model

    // The same seed draws the same first frames: an untrained twin predicts what this session first did.
    const twin = new TrainingSession(settings, shapesSource(config, 2, 4));
    expect((await twin.samples())[1].video.data).toEqual(first[1].video.data);
    twin.dispose();

    await expect(session.interpolate(0, 1, 3)).rejects.toThrow(/the future model has none/);
    expect(tf.memory().numTensors).toBe(before);
    session.dispose();
  });
});
