// An image's format and pixel size read from its own header bytes (PNG IHDR, JPEG SOFn, GIF, WebP) before
// anything decodes it, so that a small file declaring 30000×30000 pixels (a decode bomb) is refused without
// allocating them, and a file cut short or damaged is refused with a reason. Used for the frame strips of
// shards (src/data/shards.ts, node.ts, decode-worker.ts) and for still images (still-image.ts).
import { DataError } from './errors';
import limits from './limits.json';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** Colour layout as the header states it (the decoders' RGBA output is the same for all). */
export type ImageColour = 'grey' | 'grey+alpha' | 'rgb' | 'rgba' | 'palette' | 'cmyk' | 'unknown';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  colour: ImageColour;
}

/** An image refused from its header: not an image, corrupted, truncated, or over the pixel cap. The message names the file. */
export class ImageError extends DataError {}

/** Largest frame strip of a shard (pixels): limits.json, which the PyTorch reader applies too. */
export const STRIP_PIXEL_CAP = limits.clipPixels;

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** Whether `pattern` occurs at or after `from`; searched from the end, where the end markers sit. */
function endsWith(b: Uint8Array, pattern: number[], from: number): boolean {
  outer: for (let i = b.length - pattern.length; i >= from; i--) {
    for (let k = 0; k < pattern.length; k++) if (b[i + k] !== pattern[k]) continue outer;
    return true;
  }
  return false;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Throws `ErrorClass` with "<name>: <why>". */
type Fail = (why: string) => never;

function png(b: Uint8Array, fail: Fail): ImageHeader {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') fail('this PNG is corrupted: its header (IHDR) is missing or cut short.');
  const colours: Record<number, ImageColour> = { 0: 'grey', 2: 'rgb', 3: 'palette', 4: 'grey+alpha', 6: 'rgba' };
  const colour = colours[b[25]];
  if (!colour) fail(`this PNG is corrupted: colour type ${b[25]} does not exist.`);
  // IEND closes every complete PNG; without it the pixel data was cut off.
  if (!endsWith(b, [0x49, 0x45, 0x4e, 0x44], 33)) fail('this PNG is truncated: it has no end chunk (IEND), so its pixels were cut off.');
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20), colour };
}

// Start-of-frame markers: every SOFn except DHT (C4), JPG (C8) and DAC (CC).
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b: Uint8Array, fail: Fail): ImageHeader {
  let at = 2;
  let frame: Omit<ImageHeader, 'format'> | null = null;
  while (at < b.length) {
    if (b[at] !== 0xff) fail(`this JPEG is corrupted: expected a marker at byte ${at}.`);
    while (b[at] === 0xff) at++; // fill bytes
    const marker = b[at++];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9) break;
    if (at + 2 > b.length) break;
    const length = u16be(b, at);
    if (length < 2 || at + length > b.length) fail('this JPEG is truncated: a header segment runs past the end of the file.');
    if (isSof(marker)) {
      if (length < 8) fail('this JPEG is corrupted: its frame header is too short.');
      const colours: Record<number, ImageColour> = { 1: 'grey', 3: 'rgb', 4: 'cmyk' };
      frame = { height: u16be(b, at + 3), width: u16be(b, at + 5), colour: colours[b[at + 7]] ?? 'unknown' };
    }
    if (marker === 0xda) {
      if (!frame) fail('this JPEG is corrupted: its image data starts before its frame header.');
      // Entropy-coded data never holds FF D9 (FF is always stuffed), so the last one ends the image.
      if (!endsWith(b, [0xff, 0xd9], at + length))
        fail('this JPEG is truncated: it has no end-of-image marker, so its pixels were cut off.');
      if (frame.height === 0) fail('this JPEG gives its height only after the image data (DNL), which is not supported.');
      return { format: 'jpeg', ...frame };
    }
    at += length;
  }
  return fail(
    frame
      ? 'this JPEG has headers but no image data (no scan): it would decode as flat grey.'
      : 'this JPEG is truncated or corrupted: it ends before its image data.',
  );
}

function gif(b: Uint8Array, fail: Fail): ImageHeader {
  if (b.length < 13) fail('this GIF is truncated: its header is cut short.');
  return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8), colour: 'palette' };
}

function webp(b: Uint8Array, fail: Fail): ImageHeader {
  const riffEnd = 8 + ((b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0);
  if (b.length < 30 || riffEnd > b.length) fail('this WebP is truncated: the file is shorter than its RIFF header says.');
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
  return fail(`this WebP is corrupted or of an unknown kind (first chunk "${chunk.trim()}").`);
}

const READERS: Array<[ImageFormat, (b: Uint8Array) => boolean, (b: Uint8Array, fail: Fail) => ImageHeader]> = [
  ['png', (b) => b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v), png],
  ['jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, jpeg],
  ['gif', (b) => /^GIF8[79]a$/.test(ascii(b, 0, 6)), gif],
  ['webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP', webp],
];

/** The format the first bytes announce, if it is one of the four read here. */
export const imageFormatOf = (bytes: Uint8Array): ImageFormat | undefined => READERS.find(([, is]) => is(bytes))?.[0];

export interface HeaderOptions {
  /** The formats accepted (default all four). */
  formats?: readonly ImageFormat[];
  /** The most pixels (width × height) decoded. */
  maxPixels: number;
  /** The error thrown, e.g. StillImageError (default ImageError). */
  error?: new (
    message: string,
  ) => DataError;
}

/**
 * Format, size and colour layout of the image file `name` from its header; throws (naming the file, and the
 * dimensions when they are the problem) for anything not to be decoded: another format, a damaged or
 * truncated file, no pixels, or more than `maxPixels`. Call it before handing bytes to any decoder.
 */
export function readImageHeader(
  bytes: Uint8Array,
  name: string,
  { formats = ['png', 'jpeg', 'gif', 'webp'], maxPixels, error = ImageError }: HeaderOptions,
): ImageHeader {
  const fail: Fail = (why) => {
    throw new error(`${name}: ${why}`);
  };
  if (bytes.length === 0) fail('the file is empty.');
  const reader = READERS.find(([format, is]) => formats.includes(format) && is(bytes));
  if (!reader) fail(`not a ${formats.map((f) => f.toUpperCase()).join(', ')} image (its first bytes say otherwise).`);
  const header = reader[2](bytes, fail);
  const { width, height } = header;
  if (width === 0 || height === 0) fail(`this ${header.format.toUpperCase()} says it is ${width}×${height} pixels: it has no pixels.`);
  if (width * height > maxPixels) {
    fail(
      `this image is ${width}×${height} (${((width * height) / 1e6).toFixed(0)} megapixels); images over ${+(maxPixels / 1e6).toFixed(1)} megapixels are refused before decoding so that they cannot exhaust memory.`,
    );
  }
  return header;
}
