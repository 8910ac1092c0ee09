// A training iteration broken down by kernel: GPU time from WebGPU timestamp queries, to show where the
// time goes.
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '../../src/tf';
import type { Options } from './options';
import { withTrainer } from './training';

export interface ProfileRow {
  kernel: string;
  calls: number;
  gpuMs: number;
}

export interface Profile {
  preset: string;
  /** Wall time of the profiled iteration. */
  seconds: number;
  rows: ProfileRow[];
}

/**
 * One training iteration of a preset with our kernels (after a first one that compiles the pipelines),
 * with the GPU time of every kernel summed by name from WebGPU timestamp queries (tf.profile).
 */
export async function profileTraining(preset: string, opts: Options): Promise<Profile> {
  return withTrainer(preset, 'ours', opts, async (trainer, real) => {
    const backend = tf.backend() as WebGPUBackend;
    if (!backend.device.features.has('timestamp-query')) throw new Error('--profile: this adapter has no timestamp-query feature');
    await trainer.step(real);
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await trainer.step(real);
    });
    const seconds = (performance.now() - t0) / 1000;
    const byName = new Map<string, ProfileRow>();
    for (const k of info.kernels) {
      const row = byName.get(k.name) ?? { kernel: k.name, calls: 0, gpuMs: 0 };
      const ms = await k.kernelTimeMs;
      row.calls++;
      row.gpuMs += typeof ms === 'number' ? ms : 0;
      byName.set(k.name, row);
    }
    return { preset, seconds, rows: [...byName.values()].sort((a, b) => b.gpuMs - a.gpuMs) };
  });
}
