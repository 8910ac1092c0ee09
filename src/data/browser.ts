// Browser codecs: a pool of decode workers for the loader, and OffscreenCanvas encoders for shards
// built from the user's own video.
import type { ImageDecoder, ImageEncoder, ImageKind, RgbaImage } from './codec';
import { ImageError } from './image-header';

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  kind: ImageKind;
  /** The file's name, for its errors. */
  name: string;
}

export type DecodeResponse = { id: number; width: number; height: number; data: Uint8Array } | { id: number; error: string };

/** A decoder that spreads work over `size` Web Workers; `close()` terminates them. */
export function browserDecoder(
  size = Math.max(1, Math.min(4, (navigator.hardwareConcurrency ?? 2) - 1)),
): ImageDecoder & { close(): void } {
  const workers = Array.from({ length: size }, () => new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' }));
  const pending = new Map<number, { resolve: (img: RgbaImage) => void; reject: (e: Error) => void }>();
  let next = 0;
  for (const w of workers) {
    w.onmessage = ({ data }: MessageEvent<DecodeResponse>) => {
      const job = pending.get(data.id);
      pending.delete(data.id);
      // The worker's every failure is an image it could not use; its message names the file.
      if ('error' in data) job?.reject(new ImageError(data.error));
      else job?.resolve(data);
    };
  }
  return {
    decode(bytes: Uint8Array, kind: ImageKind, name: string) {
      const id = next++;
      return new Promise<RgbaImage>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // A copy travels to the worker: `bytes` is a view into the shard, which must stay intact.
        workers[id % workers.length].postMessage({ id, bytes: bytes.slice(), kind, name } satisfies DecodeRequest);
      });
    },
    close() {
      workers.forEach((w) => {
        w.terminate();
      });
      pending.forEach((job) => {
        job.reject(new Error('decoder closed'));
      });
      pending.clear();
    },
  };
}

async function encodeCanvas(image: RgbaImage, type: string, quality?: number): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  const blob = await canvas.convertToBlob({ type, quality });
  return new Uint8Array(await blob.arrayBuffer());
}

/** The browser's own JPEG/PNG encoders (deterministic for a given browser build). */
export const browserEncoder: ImageEncoder = {
  jpeg: (image, quality) => encodeCanvas(image, 'image/jpeg', quality / 100),
  png: (image) => encodeCanvas(image, 'image/png'),
};
