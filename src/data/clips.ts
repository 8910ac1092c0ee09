// Cutting decoded video into fixed-length clips, shared by the Node CLI and the in-browser "own video" path:
// a sliding window at the native frame rate, optional stabilisation, then area-downsampling to the clip size.
import { clipKey, type ClipMeta } from './format';
import { resizeRegion } from './image';
import type { Clip } from './shards';
import type { Stabilizer } from './stabilize';

/** Decoded frames, side × side RGB each, back to back. */
export interface FrameSequence {
  rgb: Uint8Array;
  frames: number;
  side: number;
  fps: number;
}

export interface CutOptions {
  /** Frames per clip. */
  frames: number;
  /** Output frame side. */
  size: number;
  /** Frames between the starts of consecutive clips. */
  stride: number;
  /** Cancel camera motion inside each clip; windows with unusable motion are dropped. */
  stabilizer?: Stabilizer;
  source: string;
  licence: string;
  labels?: ClipMeta['labels'];
  /** Index of the first clip's key, so several videos can share one dataset. */
  firstIndex?: number;
  /** Frames to skip at the start (a title card); each clip's `source@start` still counts from the file's start. */
  firstFrame?: number;
}

export interface CutResult {
  clips: Clip[];
  /** Windows dropped because the stabiliser could not trust the camera motion inside them. */
  dropped: number;
  windows: number;
}

/** Window starts; a video shorter than one clip gives one window whose last frame is repeated. */
export function windowStarts(total: number, frames: number, stride: number): number[] {
  if (total <= frames) return total > 0 ? [0] : [];
  const starts: number[] = [];
  for (let s = 0; s + frames <= total; s += stride) starts.push(s);
  return starts;
}

export function cutClips(video: FrameSequence, opts: CutOptions): CutResult {
  const { frames, size, stride, stabilizer } = opts;
  const motion = stabilizer?.motion(video.rgb, video.frames, video.side);
  const first = opts.firstFrame ?? 0;
  const starts = windowStarts(Math.max(0, video.frames - first), frames, stride).map((start) => start + first);
  const plane = video.side * video.side * 3;
  const clips: Clip[] = [];
  let dropped = 0;
  for (const start of starts) {
    const length = Math.min(frames, video.frames - start);
    let source = video.rgb.subarray(start * plane, (start + length) * plane);
    if (stabilizer && motion) {
      const warped = stabilizer.warpClip(video.rgb, video.side, start, length, motion);
      if (!warped) {
        dropped++;
        continue;
      }
      source = warped.rgb;
    }
    const rgb = new Uint8Array(frames * size * size * 3);
    for (let t = 0; t < frames; t++) {
      const rect = { x: 0, y: Math.min(t, length - 1) * video.side, width: video.side, height: video.side };
      resizeRegion(source, video.side, video.side * length, 3, rect, size, size, rgb, t * size * size * 3);
    }
    const meta: ClipMeta = {
      frames,
      frameWidth: size,
      frameHeight: size,
      fps: video.fps,
      source: `${opts.source}@${start}`,
      licence: opts.licence,
      ...(opts.labels ? { labels: opts.labels } : {}),
    };
    clips.push({ key: clipKey((opts.firstIndex ?? 0) + clips.length), meta, rgb });
  }
  return { clips, dropped, windows: starts.length };
}
