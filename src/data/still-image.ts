// A still image the user drops in → the future model's input: an S×S×3 frame in [−1, 1].
//   1. sniffStill reads the format and the pixel size from the file's own header bytes (PNG, JPEG, GIF,
//      WebP), before anything is decoded: SVG, non-images, truncated files and images over MAX_PIXELS are
//      refused here, so a 30000×30000 PNG never reaches a decoder and cannot exhaust memory.
//   2. A decoder (createImageBitmap in the browser, jpeg-js/pngjs in Node) gives RGBA: greyscale and
//      palette images arrive as three equal channels, CMYK JPEGs converted by the decoder.
//   3. stillToFrame composites transparency over mid-grey, centre-crops the square and resamples it to
//      S×S with src/data/image.ts (area averaging down, bilinear up: a 1×1 image becomes a flat frame).
import type { RgbaImage } from './codec';
import { DataError } from './errors';
import { centreSquare, resizeRegion } from './image';

/** The largest image decoded: 25 megapixels (a 6000×4000 camera photo) is ≤ 100 MB of RGBA. */
export const MAX_PIXELS = 25_000_000;

/** Transparent pixels are composited over this grey: 0 in the model's [−1, 1] range, neither black nor white. */
export const BACKGROUND_GREY = 128;

export type StillFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** Colour layout as the header states it (the decoder's RGBA output is the same for all). */
export type StillColour = 'grey' | 'grey+alpha' | 'rgb' | 'rgba' | 'palette' | 'cmyk' | 'unknown';

export interface StillInfo {
  format: StillFormat;
  width: number;
  height: number;
  colour: StillColour;
}

/** A still image that cannot be used; the message is meant for the page as it is. */
export class StillImageError extends DataError {}

const MIME: Record<StillFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
export const mimeOf = (format: StillFormat) => MIME[format];

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

function indexOf(b: Uint8Array, pattern: number[], from = 0): number {
  outer: for (let i = from; i <= b.length - pattern.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (b[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

function looksLikeSvg(b: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('<') && /<svg[\s>]/i.test(head);
}

function png(b: Uint8Array): StillInfo {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') throw new StillImageError('This PNG is corrupted: its header (IHDR) is missing or cut short.');
  const colours: Record<number, StillColour> = { 0: 'grey', 2: 'rgb', 3: 'palette', 4: 'grey+alpha', 6: 'rgba' };
  const colour = colours[b[25]];
  if (!colour) throw new StillImageError(`This PNG is corrupted: colour type ${b[25]} does not exist.`);
  // IEND closes every complete PNG; without it the pixel data was cut off.
  if (indexOf(b, [0x49, 0x45, 0x4e, 0x44], 33) < 0) throw new StillImageError('This PNG is truncated: it has no end chunk (IEND), so its pixels were cut off.');
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20), colour };
}

// Start-of-frame markers: every SOFn except DHT (C4), JPG (C8) and DAC (CC).
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b: Uint8Array): StillInfo {
  let at = 2;
  let frame: Omit<StillInfo, 'format'> | null = null;
  while (at < b.length) {
    if (b[at] !== 0xff) throw new StillImageError(`This JPEG is corrupted: expected a marker at byte ${at}.`);
    while (b[at] === 0xff) at++; // fill bytes
    const marker = b[at++];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9) break;
    if (at + 2 > b.length) break;
    const length = u16be(b, at);
    if (length < 2 || at + length > b.length) throw new StillImageError('This JPEG is truncated: a header segment runs past the end of the file.');
    if (isSof(marker)) {
      if (length < 8) throw new StillImageError('This JPEG is corrupted: its frame header is too short.');
      const components = b[at + 7];
      const colours: Record<number, StillColour> = { 1: 'grey', 3: 'rgb', 4: 'cmyk' };
      frame = { height: u16be(b, at + 3), width: u16be(b, at + 5), colour: colours[components] ?? 'unknown' };
    }
    if (marker === 0xda) {
      if (!frame) throw new StillImageError('This JPEG is corrupted: its image data starts before its frame header.');
      // Entropy-coded data never holds FF D9 (FF is always stuffed), so the last one ends the image.
      if (indexOf(b, [0xff, 0xd9], at + length) < 0) throw new StillImageError('This JPEG is truncated: it has no end-of-image marker, so its pixels were cut off.');
      if (frame.height === 0) throw new StillImageError('This JPEG gives its height only after the image data (DNL), which is not supported.');
      return { format: 'jpeg', ...frame };
    }
    at += length;
  }
  throw new StillImageError('This JPEG is truncated or corrupted: it ends before its image data.');
}

function gif(b: Uint8Array): StillInfo {
  if (b.length < 13) throw new StillImageError('This GIF is truncated: its header is cut short.');
  return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8), colour: 'palette' };
}

function webp(b: Uint8Array): StillInfo {
  const riffEnd = 8 + (((b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0));
  if (b.length < 30 || riffEnd > b.length) throw new StillImageError('This WebP is truncated: the file is shorter than its RIFF header says.');
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, colour: 'rgb' };
  }
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, colour: bits & (1 << 28) ? 'rgba' : 'rgb' };
  }
  if (chunk === 'VP8X') {
    return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, colour: b[20] & 0x10 ? 'rgba' : 'rgb' };
  }
  throw new StillImageError(`This WebP is corrupted or of an unknown kind (first chunk "${chunk.trim()}").`);
}

/** Format, size and colour layout from the header; throws StillImageError for anything the page will not decode. */
export function sniffStill(bytes: Uint8Array, name = 'This file'): StillInfo {
  if (bytes.length === 0) throw new StillImageError(`${name} is empty.`);
  let info: StillInfo;
  if (indexOf(bytes.subarray(0, 8), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) === 0) info = png(bytes);
  else if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) info = jpeg(bytes);
  else if (/^GIF8[79]a$/.test(ascii(bytes, 0, 6))) info = gif(bytes);
  else if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') info = webp(bytes);
  else if (looksLikeSvg(bytes)) {
    // Rasterising SVG would need an <img> on the page (not in a worker) and a size we would have to invent;
    // an SVG may also pull in external resources. A PNG export of it says exactly which pixels to use.
    throw new StillImageError(`${name} is an SVG: vector images are refused, because they have no pixel size of their own and may load external resources. Export it as a PNG or JPEG first.`);
  } else {
    throw new StillImageError(`${name} is not an image this page reads: expected a PNG, JPEG, GIF or WebP file.`);
  }
  const { width, height } = info;
  if (width === 0 || height === 0) throw new StillImageError(`This ${info.format.toUpperCase()} says it is ${width}×${height} pixels: it has no pixels.`);
  if (width * height > MAX_PIXELS) {
    throw new StillImageError(
      `This image is ${width}×${height} (${((width * height) / 1e6).toFixed(0)} megapixels); images over ${MAX_PIXELS / 1e6} megapixels are refused before decoding so that they cannot exhaust memory. Scale it down first.`,
    );
  }
  return info;
}

export interface StillFrame {
  /** [S, S, 3] row-major in [−1, 1]: the model's input. */
  frame: Float32Array;
  size: number;
  /** What was done to the image, in words for the page (greyscale, transparency, upsampling, CMYK). */
  notes: string[];
}

/**
 * Composites transparency over BACKGROUND_GREY (in place: `image` is consumed), centre-crops and resamples
 * to size × size, and maps bytes to [−1, 1].
 */
export function stillToFrame(image: RgbaImage, info: StillInfo, size: number): StillFrame {
  const { width, height, data } = image;
  let transparent = 0;
  for (let i = 0; i < width * height * 4; i += 4) {
    const a = data[i + 3];
    if (a === 255) continue;
    transparent++;
    for (let c = 0; c < 3; c++) data[i + c] = Math.round((data[i + c] * a + BACKGROUND_GREY * (255 - a)) / 255);
    data[i + 3] = 255;
  }
  const square = centreSquare(width, height);
  const rgba = resizeRegion(data, width, height, 4, square, size, size);
  const frame = new Float32Array(size * size * 3);
  for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) frame[p * 3 + c] = rgba[p * 4 + c] / 127.5 - 1;

  const notes: string[] = [];
  if (info.colour === 'grey' || info.colour === 'grey+alpha') notes.push('greyscale: the grey is copied to red, green and blue');
  if (info.colour === 'cmyk') notes.push('CMYK JPEG: converted to RGB by the decoder without a colour profile, so colours may be off');
  if (transparent > 0) notes.push(`${transparent} transparent pixel${transparent === 1 ? '' : 's'} composited over mid-grey (${BACKGROUND_GREY}, ${BACKGROUND_GREY}, ${BACKGROUND_GREY})`);
  if (width !== height) notes.push(`centre-cropped from ${width}×${height} to ${square.width}×${square.height}`);
  if (square.width < size) notes.push(`upsampled from ${square.width}×${square.width} to ${size}×${size}`);
  if (info.format === 'gif') notes.push('GIF: its first frame only');
  return { frame, size, notes };
}

/** Decodes with the browser's codecs (page or worker): createImageBitmap, then the pixels of an OffscreenCanvas. */
export async function decodeInBrowser(bytes: Uint8Array, info: StillInfo): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    // premultiplyAlpha 'none': straight alpha, so stillToFrame composites each pixel exactly once.
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeOf(info.format) }), { premultiplyAlpha: 'none' });
  } catch (e) {
    throw new StillImageError(`The browser could not decode this ${info.format.toUpperCase()}: it is corrupted (${(e as Error).message})`, { cause: e });
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return { width: canvas.width, height: canvas.height, data: pixels };
}
