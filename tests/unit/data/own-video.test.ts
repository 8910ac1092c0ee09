// The own-video path's pure parts (src/data/own-video.ts, src/data/mp4-frames.ts): which files go to
// ImageDecoder or VideoDecoder, the uniform rate and frame order made from an animated image's frame
// durations, and an MP4's rate from its container.
import { describe, expect, it } from 'vitest';
import { containerFps } from '../../../src/data/mp4-frames';
import { animatedImageType, ftypBrand, resampleDurations } from '../../../src/data/own-video';

const bytes = (s: string, prefix: number[] = []) => new Uint8Array([...prefix, ...[...s].map((c) => c.charCodeAt(0))]);

describe('animated images are told from videos by their first bytes', () => {
  it('names GIF, WebP, PNG and AVIF, and nothing else', () => {
    expect(animatedImageType(bytes('GIF89a\x10\x00\x10\x00\x00\x00'))).toBe('image/gif');
    expect(animatedImageType(bytes('GIF87a\x10\x00\x10\x00\x00\x00'))).toBe('image/gif');
    expect(animatedImageType(bytes('RIFF\x00\x00\x00\x00WEBP'))).toBe('image/webp');
    expect(animatedImageType(bytes('PNG\r\n\x1a\n\x00\x00\x00\x0d', [0x89]))).toBe('image/png');
    expect(animatedImageType(bytes('\x00\x00\x00\x1cftypavis'))).toBe('image/avif');
    expect(animatedImageType(bytes('\x00\x00\x00\x1cftypisom'))).toBeNull(); // an MP4
    expect(animatedImageType(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull(); // WebM
    expect(animatedImageType(bytes('RIFF\x00\x00\x00\x00AVI '))).toBeNull();
  });
});

describe('MP4 files are told by their ftyp box, and their rate by their sample durations', () => {
  it('gives the major brand of a file that starts with ftyp, and null for anything else', () => {
    expect(ftypBrand(bytes('\x00\x00\x00\x1cftypisom'))).toBe('isom');
    expect(ftypBrand(bytes('\x00\x00\x00\x14ftypqt  '))).toBe('qt  ');
    expect(ftypBrand(bytes('GIF89a\x10\x00\x10\x00\x00\x00'))).toBeNull();
    expect(ftypBrand(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull(); // WebM
  });

  it('takes the median sample duration over the timescale', () => {
    expect(containerFps(90_000, [3600, 3600, 3600])).toBe(25);
    expect(containerFps(30_000, [1001, 1001, 1001, 2002])).toBe(29.97);
    // A jittery recording: an odd long or short frame does not move the rate.
    expect(containerFps(1000, [40, 41, 39, 40, 120, 40, 0])).toBe(25);
  });

  it('refuses a track whose samples have no duration', () => {
    expect(() => containerFps(1000, [0, 0])).toThrow('no durations');
  });
});

describe('frame durations become a uniform rate', () => {
  it('keeps evenly timed frames as they are, at the rate their durations give', () => {
    expect(resampleDurations([40, 40, 40, 40], 100)).toEqual({ fps: 25, pick: [0, 1, 2, 3] });
  });

  it('repeats a frame held longer than the others, in proportion', () => {
    expect(resampleDurations([100, 300, 100], 100)).toEqual({ fps: 10, pick: [0, 1, 1, 1, 2] });
  });

  it('plays delays of 0 and 10 ms at 100 ms, as browsers do', () => {
    expect(resampleDurations([0, 10, 0], 100)).toEqual({ fps: 10, pick: [0, 1, 2] });
  });

  it('stops at maxFrames', () => {
    expect(resampleDurations(Array(50).fill(20), 8).pick).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
