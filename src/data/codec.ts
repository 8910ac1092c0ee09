// Image codecs are injected: jpeg-js/pngjs in Node (src/data/node.ts), a Web Worker and OffscreenCanvas in
// the browser (src/data/browser.ts). Everything else in src/data is platform-free.

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8Array | Uint8ClampedArray;
}

export type ImageKind = 'jpeg' | 'png';

export interface ImageDecoder {
  /** Refuses (ImageError naming `name`, the file) an image whose header declares more than the pixel cap, before decoding it. */
  decode(bytes: Uint8Array, kind: ImageKind, name: string): Promise<RgbaImage>;
}

export interface ImageEncoder {
  /** Must be deterministic: the same pixels give the same bytes. */
  jpeg(image: RgbaImage, quality: number): Promise<Uint8Array>;
  /** Lossless, used for ground-truth masks. */
  png(image: RgbaImage): Promise<Uint8Array>;
}

export const kindOfExtension = (ext: string): ImageKind | undefined =>
  /(^|\.)(jpe?g)$/i.test(ext) ? 'jpeg' : /(^|\.)png$/i.test(ext) ? 'png' : undefined;

/** Packs RGB (3 bytes a pixel) or grey (1 byte a pixel) into opaque RGBA. */
export function toRgba(pixels: Uint8Array, channels: 1 | 3, width: number, height: number): RgbaImage {
  const n = width * height;
  const data = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    data[i * 4] = pixels[s];
    data[i * 4 + 1] = pixels[s + (channels === 3 ? 1 : 0)];
    data[i * 4 + 2] = pixels[s + (channels === 3 ? 2 : 0)];
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Takes RGB (channels 3) or the red channel (channels 1) out of RGBA. */
export function fromRgba(image: RgbaImage, channels: 1 | 3): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = image.data[i * 4 + c];
  return out;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
