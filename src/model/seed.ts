// Seeds for tfjs's seeded random ops, derived from one user seed and a label, so that every weight, every
// latent code and every dropout mask of a run is reproducible while no two of them share a stream.

/** 32-bit FNV-1a of the label, mixed with the seed; always a non-negative integer. */
export function deriveSeed(seed: number, ...label: Array<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of label.join('/')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
