import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/settings';
import { compiledLabel, countToRemember, kernelCountKey } from '../../src/train/kernel-counts';

describe('kernel counts', () => {
  it('keys a configuration by what decides its kernels, and nothing else', () => {
    const key = kernelCountKey(defaultSettings, 'both');
    expect(kernelCountKey({ ...defaultSettings, seed: defaultSettings.seed + 1, lrG: 1e-3 }, 'both')).toBe(key);
    const others = [
      kernelCountKey({ ...defaultSettings, preset: 'small' }, 'both'),
      kernelCountKey({ ...defaultSettings, kind: 'future' }, 'both'),
      kernelCountKey({ ...defaultSettings, generator: 'oneStream' }, 'both'),
      kernelCountKey({ ...defaultSettings, upsample: defaultSettings.upsample === 'resize' ? 'transposed' : 'resize' }, 'both'),
      kernelCountKey({ ...defaultSettings, augment: 'on' }, 'both'),
      kernelCountKey({ ...defaultSettings, baseChannels: '8' }, 'both'),
      kernelCountKey({ ...defaultSettings, batchSize: defaultSettings.batchSize * 2 }, 'both'),
      kernelCountKey(defaultSettings, 'D'),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  it('counts k of n once a former run compiled n, and says when it is the first time', () => {
    expect(compiledLabel(12, undefined)).toBe(
      '12 GPU kernels compiled (the first time for this configuration in this browser; later runs count k of n)',
    );
    expect(compiledLabel(12, 40)).toBe('12 of 40 GPU kernels compiled');
  });

  it('remembers the largest count, since a backend that compiled other kernels before compiles fewer', () => {
    expect(countToRemember(40, undefined)).toBe(40);
    expect(countToRemember(25, 40)).toBe(40);
    expect(countToRemember(45, 40)).toBe(45);
  });
});
