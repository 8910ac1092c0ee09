// Evaluation data held in memory: every clip of a (small) dataset, read once through the loader, then cut
// into tensors on demand. Experiments need fixed, indexable splits, which a shuffled stream cannot give.
import * as tf from '../tf';
import type { PreparedClip } from '../data/loader';

/** The first `limit` clips of a pass, in the loader's seeded order. */
export async function gatherClips(clips: AsyncIterable<PreparedClip>, limit = Infinity): Promise<PreparedClip[]> {
  const out: PreparedClip[] = [];
  for await (const clip of clips) {
    if (out.length >= limit) break;
    out.push(clip);
  }
  return out;
}

/** Clips `indices` as one [N, frames, size, size, 3] tensor in [−1, 1]. */
export function videoBatch(clips: PreparedClip[], indices: number[], frames: number, size: number): tf.Tensor5D {
  const n = frames * size * size * 3;
  const values = new Float32Array(indices.length * n);
  indices.forEach((c, b) => {
    const rgb = clips[c].rgb;
    for (let i = 0; i < n; i++) values[b * n + i] = rgb[i] / 127.5 - 1;
  });
  return tf.tensor5d(values, [indices.length, frames, size, size, 3]);
}

/** Class indices of the clips' label `key` in `vocabulary`; clips without a known label are an error. */
export function classIndices(clips: PreparedClip[], key: string, vocabulary: string[]): number[] {
  return clips.map((c) => {
    const k = vocabulary.indexOf(String(c.labels?.[key]));
    if (k < 0) throw new Error(`clip ${c.key}: label ${key}=${String(c.labels?.[key])} is not one of ${vocabulary.join(', ')}`);
    return k;
  });
}
