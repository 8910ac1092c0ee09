// Every image is sized from its header before a decoder sees it: a decode bomb (a few hundred bytes declaring
// 30000×30000 pixels) is refused at once, naming the file and its dimensions, and never allocates its pixels,
// by the Node decoder and by the shard reader (which also holds the header to the clip's sidecar).
import { describe, expect, it } from 'vitest';
import type { ImageDecoder } from '../../../src/data/codec';
import { ClipError } from '../../../src/data/errors';
import { ImageError, readImageHeader, STRIP_PIXEL_CAP } from '../../../src/data/image-header';
import { nodeDecoder } from '../../../src/data/node';
import { decodeClip } from '../../../src/data/shards';
import { jpeg, jpegClaiming, pattern, pngHeader } from '../../fixtures/still-images';

/** Runs `work`, returning its error, the milliseconds it took and how much the process's memory grew. */
async function measured(work: () => Promise<unknown>) {
  const before = process.memoryUsage();
  const start = performance.now();
  const error = await work().then(
    () => null,
    (e: unknown) => e,
  );
  const after = process.memoryUsage();
  const grew = Math.max(after.rss - before.rss, after.arrayBuffers - before.arrayBuffers);
  return { error, ms: performance.now() - start, grew };
}

describe('decode bombs', () => {
  for (const [kind, file, bytes] of [
    ['png', 'bomb.png', pngHeader(30000, 30000)],
    ['jpeg', 'bomb.jpg', jpegClaiming(30000, 30000)],
  ] as const) {
    it(`the Node decoder refuses a ${kind} declaring 30000×30000 from its header, quickly and without allocating`, async () => {
      expect(bytes.length).toBeLessThan(1000);
      const { error, ms, grew } = await measured(() => nodeDecoder.decode(bytes, kind, file));
      expect(error).toBeInstanceOf(ImageError);
      expect((error as Error).message).toMatch(
        new RegExp(`^${file.replace('.', '\\.')}: this image is 30000×30000 \\(900 megapixels\\).*refused before decoding`),
      );
      expect(ms).toBeLessThan(500);
      expect(grew).toBeLessThan(64 << 20); // its RGBA would be 3.6 GB
    });
  }

  it('a clip whose strip header differs from its sidecar is refused before any decoder runs', async () => {
    let decoded = 0;
    const counting: ImageDecoder = {
      decode: (...args) => {
        decoded++;
        return nodeDecoder.decode(...args);
      },
    };
    const meta = { frames: 2, frameWidth: 8, frameHeight: 8, fps: 25, source: 'test', licence: 'CC0-1.0' };
    const files = (strip: Uint8Array) =>
      new Map([
        ['json', new TextEncoder().encode(JSON.stringify(meta))],
        ['jpg', strip],
      ]);
    const bomb = await decodeClip('clip0000007', files(jpegClaiming(30000, 30000)), counting, false).catch((e) => e);
    expect(bomb).toBeInstanceOf(ClipError);
    expect(bomb.message).toMatch(/clip "clip0000007": cannot decode frame strip: clip0000007\.jpg: this image is 30000×30000/);
    // Under the cap but not what the sidecar says: 16 megapixels that the clip would never use.
    const liar = await decodeClip('clip0000007', files(jpegClaiming(4000, 4000)), counting, false).catch((e) => e);
    expect(liar.message).toMatch(/clip "clip0000007": frame strip clip0000007\.jpg is 4000×4000, the sidecar says 8×16; not decoded/);
    expect(decoded).toBe(0);
    // The same clip with an honest strip decodes.
    await expect(decodeClip('clip0000007', files(jpeg(8, 16, pattern(8, 16))), counting, false)).resolves.toMatchObject({
      key: 'clip0000007',
    });
    expect(decoded).toBe(1);
  });

  it('the strip cap is limits.json’s, which the PyTorch reader reads too', () => {
    expect(STRIP_PIXEL_CAP).toBe(67108864);
    const side = Math.floor(Math.sqrt(STRIP_PIXEL_CAP));
    expect(() => readImageHeader(pngHeader(side, side), 'ok.png', { maxPixels: STRIP_PIXEL_CAP })).not.toThrow();
    expect(() => readImageHeader(pngHeader(side + 1, side + 1), 'big.png', { maxPixels: STRIP_PIXEL_CAP })).toThrow(
      /big\.png: this image is 8193×8193/,
    );
  });
});
