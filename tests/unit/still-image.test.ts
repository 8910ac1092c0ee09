// Still image → the future model's input frame: header sniffing, refusals, colour layouts, crop and resize.
import { describe, expect, it } from 'vitest';
import { nodeDecoder } from '../../src/data/node';
import { BACKGROUND_GREY, MAX_PIXELS, sniffStill, StillImageError, stillToFrame, type StillInfo } from '../../src/data/still-image';
import { cmykJpeg, gif1x1, jpeg, pattern, png, pngHeader, rgba, svg, webp1x1 } from '../fixtures/still-images';

async function frameOf(bytes: Uint8Array, size: number) {
  const info = sniffStill(bytes);
  const image = await nodeDecoder.decode(bytes, info.format as 'png' | 'jpeg', 'image under test');
  return { info, ...stillToFrame(image, info, size) };
}

const pixel = (frame: Float32Array, size: number, x: number, y: number) =>
  Array.from(frame.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));
const byte = (v: number) => Math.round((v + 1) * 127.5);

describe('sniffStill', () => {
  it('reads format, size and colour layout from PNG, JPEG, GIF and WebP headers', () => {
    const px = pattern(12, 7);
    expect(sniffStill(png(12, 7, px, 6))).toEqual({ format: 'png', width: 12, height: 7, colour: 'rgba' });
    expect(sniffStill(png(12, 7, px, 2)).colour).toBe('rgb');
    expect(sniffStill(png(12, 7, px, 0)).colour).toBe('grey');
    expect(sniffStill(png(12, 7, px, 4)).colour).toBe('grey+alpha');
    expect(sniffStill(jpeg(12, 7, px))).toEqual({ format: 'jpeg', width: 12, height: 7, colour: 'rgb' });
    expect(sniffStill(cmykJpeg(16, 8, [0, 255, 255, 0]))).toEqual({ format: 'jpeg', width: 16, height: 8, colour: 'cmyk' });
    expect(sniffStill(gif1x1())).toEqual({ format: 'gif', width: 1, height: 1, colour: 'palette' });
    expect(sniffStill(webp1x1())).toEqual({ format: 'webp', width: 1, height: 1, colour: 'rgba' });
  });

  it('refuses a 30000×30000 PNG from its header, before any decoding', () => {
    const header = pngHeader(30000, 30000);
    expect(header.length).toBeLessThan(100);
    expect(() => sniffStill(header)).toThrow(/30000×30000 \(900 megapixels\).*refused before decoding/);
    expect(() => sniffStill(pngHeader(5000, 5000))).not.toThrow();
    expect(5000 * 5000).toBeLessThanOrEqual(MAX_PIXELS);
  });

  it('refuses SVG, non-images, empty and zero-sized files with messages that say why', () => {
    expect(() => sniffStill(svg(), '“a.svg”')).toThrow(/“a\.svg” is an SVG: vector images are refused.*external resources/);
    expect(() => sniffStill(new TextEncoder().encode('just some notes\n'), '“notes.txt”')).toThrow(
      /“notes\.txt” is not an image this page reads: expected a PNG, JPEG, GIF or WebP/,
    );
    expect(() => sniffStill(new Uint8Array(0), '“empty.png”')).toThrow(/is empty/);
    expect(() => sniffStill(pngHeader(0, 10))).toThrow(/0×10 pixels: it has no pixels/);
    for (const bad of [svg(), new Uint8Array([1, 2, 3])]) expect(() => sniffStill(bad)).toThrow(StillImageError);
  });

  it('refuses truncated and corrupted JPEGs, PNGs and WebPs', () => {
    const good = jpeg(32, 32, pattern(32, 32));
    expect(() => sniffStill(good.slice(0, Math.floor(good.length * 0.7)))).toThrow(/JPEG is truncated: it has no end-of-image marker/);
    expect(() => sniffStill(good.slice(0, 40))).toThrow(/JPEG is truncated/);
    const damaged = good.slice();
    damaged[2 + 2 + 16] = 0x12; // the byte after the first segment should be a marker's FF
    expect(() => sniffStill(damaged)).toThrow(/JPEG is corrupted: expected a marker/);
    const p = png(16, 16, pattern(16, 16));
    expect(() => sniffStill(p.slice(0, p.length - 20))).toThrow(/PNG is truncated: it has no end chunk/);
    expect(() => sniffStill(webp1x1().slice(0, 30))).toThrow(/WebP is truncated/);
  });
});

describe('stillToFrame', () => {
  it('centre-crops a wide image and resamples it to the model size, in [−1, 1]', async () => {
    // 48×16: the centre square is x ∈ [16, 32); its left half is red and right half blue.
    const bytes = png(
      48,
      16,
      rgba(48, 16, (x) => (x < 24 ? [255, 0, 0, 255] : [0, 0, 255, 255])),
      2,
    );
    const { frame, notes } = await frameOf(bytes, 8);
    expect(frame.length).toBe(8 * 8 * 3);
    expect(pixel(frame, 8, 0, 0).map(byte)).toEqual([255, 0, 0]);
    expect(pixel(frame, 8, 7, 7).map(byte)).toEqual([0, 0, 255]);
    expect(Math.min(...frame)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...frame)).toBeLessThanOrEqual(1);
    expect(notes).toContain('centre-cropped from 48×16 to 16×16');
  });

  it('averages areas when shrinking: a 2×2 checkerboard at 64² becomes flat grey at 16²', async () => {
    const bytes = png(
      64,
      64,
      rgba(64, 64, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255])),
      2,
    );
    const { frame } = await frameOf(bytes, 16);
    for (const v of frame) {
      expect(byte(v)).toBeGreaterThanOrEqual(127);
      expect(byte(v)).toBeLessThanOrEqual(128);
    }
  });

  it('gives greyscale three equal channels', async () => {
    const grey = png(
      16,
      16,
      rgba(16, 16, (x) => [x * 16, x * 16, x * 16, 255]),
      0,
    );
    const { info, frame, notes } = await frameOf(grey, 16);
    expect(info.colour).toBe('grey');
    for (let p = 0; p < 16 * 16; p++) {
      expect(frame[p * 3]).toBe(frame[p * 3 + 1]);
      expect(frame[p * 3]).toBe(frame[p * 3 + 2]);
    }
    expect(byte(pixel(frame, 16, 15, 3)[0])).toBe(240);
    expect(notes.join()).toMatch(/greyscale/);
  });

  it('composites transparency over mid-grey', async () => {
    // Left half transparent, right half half-transparent white, over grey 128.
    const bytes = png(
      8,
      8,
      rgba(8, 8, (x) => (x < 4 ? [255, 0, 0, 0] : [255, 255, 255, 128])),
      6,
    );
    const { frame, notes } = await frameOf(bytes, 8);
    expect(pixel(frame, 8, 0, 0).map(byte)).toEqual([BACKGROUND_GREY, BACKGROUND_GREY, BACKGROUND_GREY]);
    expect(pixel(frame, 8, 7, 0).map(byte)).toEqual([192, 192, 192]);
    expect(notes).toContain('64 transparent pixels composited over mid-grey (128, 128, 128)');
  });

  it('upsamples a 1×1 image to a flat frame', async () => {
    const { frame, notes } = await frameOf(png(1, 1, new Uint8Array([10, 200, 30, 255]), 2), 32);
    expect(frame.length).toBe(32 * 32 * 3);
    for (let p = 0; p < 32 * 32; p++) expect(pixel(frame, 32, p % 32, Math.floor(p / 32)).map(byte)).toEqual([10, 200, 30]);
    expect(notes).toContain('upsampled from 1×1 to 32×32');
  });

  it('takes a CMYK JPEG through the decoder and says its colours may be off', async () => {
    // Pure magenta + yellow ink (no cyan, no black) is red.
    const { info, frame, notes } = await frameOf(cmykJpeg(16, 16, [0, 255, 255, 0]), 8);
    expect(info.colour).toBe('cmyk');
    const [r, g, b] = pixel(frame, 8, 4, 4).map(byte);
    expect(r).toBeGreaterThan(200);
    expect(Math.max(g, b)).toBeLessThan(60);
    expect(notes.join()).toMatch(/CMYK JPEG: converted to RGB/);
  });

  it('notes the first frame of a GIF', () => {
    const info: StillInfo = { format: 'gif', width: 1, height: 1, colour: 'palette' };
    expect(stillToFrame({ width: 1, height: 1, data: new Uint8Array([255, 255, 255, 255]) }, info, 4).notes).toContain(
      'GIF: its first frame only',
    );
  });
});
