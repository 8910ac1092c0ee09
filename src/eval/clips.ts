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

/**
 * Splits up to 2·`count` clips of a stored dataset into `count` to score against and the rest held out
 * (src/eval/metrics.ts), alternately, so that both draw on the same stretch of the loader's order (a stored
 * dataset's order is clumpy: consecutive clips often share a source). Where there are fewer than 2·`count`,
 * the held-out set is the smaller: the first 2·h clips alternate, the remaining ones are all scored against.
 */
export function splitHeldOut<T>(clips: T[], count: number): { scored: T[]; heldOut: T[] } {
  const held = Math.max(0, Math.min(count, clips.length - count));
  const scored: T[] = [];
  const heldOut: T[] = [];
  clips.slice(0, count + held).forEach((c, i) => {
    (i < 2 * held && i % 2 === 1 ? heldOut : scored).push(c);
  });
  return { scored, heldOut };
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
