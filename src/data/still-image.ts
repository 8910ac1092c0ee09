// A still image the user drops in → the future model's input: an S×S×3 frame in [−1, 1].
//   1. sniffStill reads the format and the pixel size from the file's own header bytes (PNG, JPEG, GIF,
//      WebP; src/data/image-header.ts), before anything is decoded: SVG, non-images, truncated files and
//      images over MAX_PIXELS are refused here, so a 30000×30000 PNG never reaches a decoder.
//   2. A decoder (createImageBitmap in the browser, jpeg-js/pngjs in Node) gives RGBA: greyscale and
//      palette images arrive as three equal channels, CMYK JPEGs converted by the decoder.
//   3. stillToFrame composites transparency over mid-grey, centre-crops the square and resamples it to
//      S×S with src/data/image.ts (area averaging down, bilinear up: a 1×1 image becomes a flat frame).
import type { RgbaImage } from './codec';
import { decodeWithBrowser } from './browser-image';
import { centreSquare, resizeRegion } from './image';
import { ImageError, imageFormatOf, readImageHeader, type ImageColour, type ImageFormat, type ImageHeader } from './image-header';
import limits from './limits.json';

/** The largest image decoded (limits.json): 25 megapixels (a 6000×4000 camera photo) is ≤ 100 MB of RGBA. */
export const MAX_PIXELS = limits.stillPixels;

/** Transparent pixels are composited over this grey: 0 in the model's [−1, 1] range, neither black nor white. */
export const BACKGROUND_GREY = 128;

export type StillFormat = ImageFormat;
export type StillColour = ImageColour;
export type StillInfo = ImageHeader;

/** A still image that cannot be used; the message names the file and is meant for the page as it is. */
export class StillImageError extends ImageError {}

function looksLikeSvg(b: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(b.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('<') && /<svg[\s>]/i.test(head);
}

/** Format, size and colour layout from the header; throws StillImageError, naming the file, for anything the page will not decode. */
export function sniffStill(bytes: Uint8Array, name = 'this image'): StillInfo {
  if (bytes.length > 0 && !imageFormatOf(bytes)) {
    // Rasterising SVG would need an <img> on the page (not in a worker) and a size we would have to invent;
    // an SVG may also pull in external resources. A PNG export of it says exactly which pixels to use.
    if (looksLikeSvg(bytes))
      throw new StillImageError(
        `${name} is an SVG: vector images are refused, because they have no pixel size of their own and may load external resources. Export it as a PNG or JPEG first.`,
      );
    throw new StillImageError(`${name} is not an image this page reads: expected a PNG, JPEG, GIF or WebP file.`);
  }
  return readImageHeader(bytes, name, { maxPixels: MAX_PIXELS, error: StillImageError });
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
  if (transparent > 0)
    notes.push(
      `${transparent} transparent pixel${transparent === 1 ? '' : 's'} composited over mid-grey (${BACKGROUND_GREY}, ${BACKGROUND_GREY}, ${BACKGROUND_GREY})`,
    );
  if (width !== height) notes.push(`centre-cropped from ${width}×${height} to ${square.width}×${square.height}`);
  if (square.width < size) notes.push(`upsampled from ${square.width}×${square.width} to ${size}×${size}`);
  if (info.format === 'gif') notes.push('GIF: its first frame only');
  return { frame, size, notes };
}

/** Decodes the still image `name` with the browser's codecs (page or worker). */
export function decodeInBrowser(bytes: Uint8Array, info: StillInfo, name = 'this image'): Promise<RgbaImage> {
  // premultiplyAlpha 'none': straight alpha, so stillToFrame composites each pixel exactly once.
  return decodeWithBrowser(bytes, info.format, name, { premultiplyAlpha: 'none' }, StillImageError);
}
