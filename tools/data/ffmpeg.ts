// Video decoding in plain Node with ffmpeg.wasm (@ffmpeg/core ships its wasm; no system ffmpeg).
// The core is an Emscripten worker build: it needs `self`, `location` and `importScripts`.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NoFramesError, NotAVideoError, UnsupportedCodecError } from '../../src/data/errors';

interface FFmpegCore {
  FS: { writeFile(path: string, data: Uint8Array): void; readFile(path: string): Uint8Array; unlink(path: string): void };
  setLogger(logger: (line: { type: string; message: string }) => void): void;
  exec(...args: string[]): number;
}

export interface DecodedVideo {
  /** Frames of side × side RGB pixels, back to back. */
  rgb: Uint8Array;
  frames: number;
  side: number;
  fps: number;
  /** The input stream line ffmpeg printed, e.g. "Video: msmpeg4v3 ..., 768x576, 10 fps". */
  stream: string;
}

export async function loadCore(): Promise<FFmpegCore> {
  const g = globalThis as Record<string, unknown>;
  g.self ??= globalThis;
  g.location ??= { href: pathToFileURL(process.cwd()).href };
  g.importScripts ??= () => {};
  const dist = join(dirname(createRequire(import.meta.url).resolve('@ffmpeg/core')), '..', 'esm');
  const { default: create } = await import(pathToFileURL(join(dist, 'ffmpeg-core.js')).href);
  return create({ wasmBinary: await readFile(join(dist, 'ffmpeg-core.wasm')) });
}

/** Why ffmpeg could not produce frames, from its log. */
function classify(name: string, log: string): Error {
  // The most telling line: the last one that names a problem.
  const lines = log.split('\n').filter((l) => l.trim() && !/^Aborted|^\s+lib/.test(l));
  const last = [...lines].reverse().find((l) => /error|invalid|not found|unsupported|could not|unknown|empty/i.test(l)) ?? lines.at(-1);
  if (/unknown codec|Decoder \(codec [^)]*\) not found|not currently supported|Unsupported codec/i.test(log)) {
    const codec = /Video: ([^,\n]+)/.exec(log)?.[1] ?? 'unknown';
    return new UnsupportedCodecError(`${name}: video codec "${codec}" cannot be decoded by ffmpeg.wasm (${last})`);
  }
  if (/Stream #\d+:\d+[^:]*: Video:/.test(log)) return new NoFramesError(`${name}: no frame could be decoded (${last})`);
  if (/Invalid data found when processing input|Unknown input format/i.test(log)) {
    return new NotAVideoError(`${name}: not a video or image file ffmpeg recognises (${last})`);
  }
  return new NotAVideoError(`${name}: has no video stream (${last})`);
}

/**
 * Decodes every frame at the native frame rate, resized so the short side is `side` (area filter) and
 * centre-cropped to side × side, as the VGAN authors prepared their clips.
 */
export async function decodeVideo(name: string, bytes: Uint8Array, side: number, maxFrames = 20_000): Promise<DecodedVideo> {
  const core = await loadCore();
  let log = '';
  core.setLogger(({ message }) => {
    log += `${message}\n`;
  });
  core.FS.writeFile('input', bytes);
  const filter = `scale=${side}:${side}:force_original_aspect_ratio=increase:flags=area,crop=${side}:${side}`;
  const ret = core.exec(
    '-i',
    'input',
    '-an',
    '-vf',
    filter,
    '-frames:v',
    String(maxFrames),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'out.rgb',
  );
  let rgb: Uint8Array = new Uint8Array(0);
  try {
    rgb = core.FS.readFile('out.rgb');
  } catch {
    // No output file: classified below.
  }
  const frames = Math.floor(rgb.length / (side * side * 3));
  if (ret !== 0 || frames === 0) throw classify(name, log);
  const stream = /Stream #\d+:\d+[^:]*: (Video: [^\n]*)/.exec(log)?.[1] ?? '';
  const fps = Number(/([\d.]+) fps/.exec(stream)?.[1] ?? /([\d.]+) tbr/.exec(stream)?.[1] ?? 25);
  return { rgb: rgb.subarray(0, frames * side * side * 3), frames, side, fps, stream };
}
