// Content against motion: one sample's still background under another's moving foreground and mask, mixed
// the way the generator mixes its own streams (src/model/networks.ts), from the clips the worker sent.
import type { ClipData, SampleClips } from '../model/sample';

/** m·f + (1−m)·b per pixel and frame: b from `background`, f and m from `motion`; null when either lacks the streams (one-stream). */
export function mixClips(background: SampleClips, motion: SampleClips): ClipData | null {
  const b = background.background;
  const { foreground: f, mask: m } = motion;
  if (!b || !f || !m) return null;
  const data = new Float32Array(f.data.length);
  for (let p = 0; p < m.data.length; p++) {
    const k = m.data[p];
    for (let c = 0; c < 3; c++) data[p * 3 + c] = k * f.data[p * 3 + c] + (1 - k) * b.data[p * 3 + c];
  }
  return { data, frames: f.frames, size: f.size, channels: 3 };
}
