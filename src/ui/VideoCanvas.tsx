// Plays a clip [T, H, W, C] (C = 3 in [−1, 1], or C = 1 in [0, 1] for masks) on a canvas, looping.
import { useEffect, useRef } from 'react';
import type { ClipData } from '../model/sample';

/** RGBA bytes of one frame. */
export function frameToRgba(clip: ClipData, t: number): Uint8ClampedArray<ArrayBuffer> {
  const { data, size, channels } = clip;
  const out = new Uint8ClampedArray(size * size * 4);
  const base = t * size * size * channels;
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) {
      const v = data[base + p * channels + (channels === 3 ? c : 0)];
      out[p * 4 + c] = channels === 3 ? (v + 1) * 127.5 : v * 255;
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** `fit`: as wide as its container (the sample grid), else `scale` screen pixels per clip pixel. */
export function VideoCanvas({
  clip,
  fps = 8,
  scale = 4,
  label,
  fit = false,
}: {
  clip: ClipData;
  fps?: number;
  scale?: number;
  label: string;
  fit?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const images = Array.from({ length: clip.frames }, (_, t) => new ImageData(frameToRgba(clip, t), clip.size, clip.size));
    // The frame on show, for a test that compares canvases at the same moment.
    const show = (t: number) => {
      ctx.putImageData(images[t], 0, 0);
      canvas.dataset.frame = String(t);
    };
    let frame = 0;
    let last = 0;
    let raf = 0;
    const draw = (now: number) => {
      if (now - last >= 1000 / fps) {
        show(frame);
        frame = (frame + 1) % clip.frames;
        last = now;
      }
      raf = requestAnimationFrame(draw);
    };
    show(0);
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [clip, fps]);
  return (
    <canvas
      ref={ref}
      width={clip.size}
      height={clip.size}
      role="img"
      aria-label={label}
      data-frames={clip.frames}
      style={
        fit
          ? { width: '100%', height: 'auto', imageRendering: 'pixelated' }
          : { width: clip.size * scale, height: clip.size * scale, imageRendering: 'pixelated' }
      }
    />
  );
}
