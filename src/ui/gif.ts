// GIF export of any pane with gif.js; its worker script is bundled and served by the app itself.
import GIF from 'gif.js/dist/gif.js';
import gifWorkerUrl from 'gif.js/dist/gif.worker.js?url';
import type { ClipData } from '../model/sample';
import { frameToRgba } from './VideoCanvas';

/** Encodes a clip (all frames, looping) scaled up by `scale` with nearest-neighbour pixels. */
export function clipToGif(clip: ClipData, { scale = 4, fps = 8 } = {}): Promise<Blob> {
  const side = clip.size * scale;
  const gif = new GIF({ workers: 2, quality: 10, width: side, height: side, workerScript: gifWorkerUrl, repeat: 0 });
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingEnabled = false;
  const small = new OffscreenCanvas(clip.size, clip.size);
  const smallCtx = small.getContext('2d')!;
  for (let t = 0; t < clip.frames; t++) {
    smallCtx.putImageData(new ImageData(frameToRgba(clip, t), clip.size, clip.size), 0, 0);
    ctx.drawImage(small, 0, 0, side, side);
    gif.addFrame(ctx, { copy: true, delay: Math.round(1000 / fps) });
  }
  return new Promise((resolve, reject) => {
    gif.on('finished', (blob: Blob) => resolve(blob));
    gif.on('abort', () => reject(new Error('GIF export aborted')));
    gif.render();
  });
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
