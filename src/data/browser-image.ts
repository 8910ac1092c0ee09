// Decoding with the browser's own codecs, in the page or a worker: createImageBitmap, then the pixels of an
// OffscreenCanvas. Used for shard frame strips (decode-worker.ts) and still images (the prediction worker).
import type { RgbaImage } from './codec';
import { errorMessage, type DataError } from './errors';
import { ImageError, type ImageFormat } from './image-header';

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/**
 * Decodes the image file `name`, already vetted by readImageHeader (so its size is within the cap). A failure
 * of the browser's codec comes out as `error` naming the file, the browser's own message kept as detail.
 */
export async function decodeWithBrowser(
  bytes: Uint8Array,
  format: ImageFormat,
  name: string,
  options: ImageBitmapOptions,
  error: new (message: string, options?: { cause?: unknown }) => DataError = ImageError,
): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[format] }), options);
  } catch (e) {
    throw new error(`${name}: the browser could not decode this ${format.toUpperCase()}: it is corrupted (${errorMessage(e)})`, {
      cause: e,
    });
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return { width: canvas.width, height: canvas.height, data: pixels };
}
