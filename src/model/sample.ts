// Runs the generator and reads its streams back as plain arrays, for drawing: one GPU→CPU read per stream.
import * as tf from '../tf';
import type { GeneratorOutput, VganModel } from './networks';

export interface ClipData {
  /** [T, H, W, C], row-major. RGB in [−1, 1], masks in [0, 1]. */
  data: Float32Array;
  frames: number;
  size: number;
  channels: 1 | 3;
}

export interface SampleClips {
  video: ClipData;
  foreground?: ClipData;
  background?: ClipData;
  mask?: ClipData;
}

/**
 * Generates from `input` (latent codes, or first frames for the future model). BatchNorm uses its running
 * averages, or with `batchStatistics` the statistics of this batch (left unchanged): an untrained model's
 * running averages still describe its N(0, 0.01) initial weights and would draw flat grey.
 */
export async function sampleClips(model: VganModel, input: tf.Tensor, { batchStatistics = false } = {}): Promise<SampleClips[]> {
  return readClips(tf.tidy(() => ({ ...model.generate(input, { training: batchStatistics, freezeStatistics: true }) })) as GeneratorOutput);
}

/** Reads generator streams back, one clip set per batch entry, and disposes them. */
export async function readClips(out: GeneratorOutput): Promise<SampleClips[]> {
  const streams = (['video', 'foreground', 'background', 'mask'] as const).filter((k) => out[k]);
  try {
    const arrays = await Promise.all(streams.map((k) => out[k]!.data() as Promise<Float32Array>));
    const [n, frames, size] = out.video.shape;
    return Array.from({ length: n }, (_, i) => {
      const sample: SampleClips = {} as SampleClips;
      streams.forEach((k, s) => {
        const channels = k === 'mask' ? 1 : 3;
        const len = frames * size * size * channels;
        sample[k] = { data: arrays[s].slice(i * len, (i + 1) * len), frames, size, channels };
      });
      return sample;
    });
  } finally {
    tf.dispose(streams.map((k) => out[k]!));
  }
}
