// The user's own video → an in-memory dataset, in the browser: decode an animated image (GIF, WebP, PNG,
// AVIF) with WebCodecs' ImageDecoder at the rate its frame durations give, an MP4 with WebCodecs' VideoDecoder
// at its container's rate where the browser decodes its codec (src/data/mp4-frames.ts), any other video with a <video>
// element (seeking frame by frame at the native rate, which requestVideoFrameCallback measures); resize
// the short side and centre-crop, cut clips (and stabilise) in a worker, encode shards that can be downloaded.
import { browserEncoder } from './browser';
import type { CutResult, FrameSequence } from './clips';
import type { CutRequest, CutResponse } from './cut-worker';
import { DataError, NoFramesError, NotAVideoError, UnsupportedCodecError } from './errors';
import { buildDataset, type BuiltDataset } from './shards';
import type { StabilizeOptions } from './stabilize';
import { BACKGROUND_GREY } from './still-image';

export interface OwnVideoOptions {
  /** Frames per clip (default 32). */
  frames?: number;
  /** Clip frame side (default 64). */
  size?: number;
  /** Frames between clip starts (default: frames). */
  stride?: number;
  /** Cancel camera motion (opencv.js in a worker); true for the defaults. */
  stabilize?: boolean | StabilizeOptions;
  /** Frames decoded at most (default 3000). */
  maxFrames?: number;
  name?: string;
  licence?: string;
  onProgress?: (stage: 'decoding' | 'cutting' | 'encoding', done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Where a frame rate came from: an animated image's frame durations, an MP4 container's sample durations, a
 * played video's frame timestamps, or nowhere.
 */
export type FpsSource = 'frame durations' | 'container' | 'frame timestamps' | 'assumed';

/** What decoded the frames: WebCodecs (ImageDecoder for animated images, VideoDecoder for MP4) or a <video> element. */
export type FrameDecoder = 'ImageDecoder' | 'VideoDecoder' | 'video element';

/** Decoded frames, where their rate came from and what decoded them. */
export type DecodedVideo = FrameSequence & { fpsFrom: FpsSource; decoder: FrameDecoder };

export interface OwnVideoDataset {
  dataset: BuiltDataset;
  fps: number;
  fpsFrom: FpsSource;
  decoder: FrameDecoder;
  /** Windows dropped by the stabiliser, and windows in all. */
  dropped: number;
  windows: number;
}

function once(target: EventTarget, ok: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e: Event) => {
      target.removeEventListener(ok, done);
      target.removeEventListener('error', done);
      signal?.removeEventListener('abort', abort);
      if (e.type === 'error') reject(new DataError('the video stopped decoding'));
      else resolve();
    };
    const abort = () => reject(signal!.reason);
    target.addEventListener(ok, done);
    target.addEventListener('error', done);
    signal?.addEventListener('abort', abort);
  });
}

/** The assumed rate of a video whose frames the browser will not time. */
const ASSUMED_FPS = 25;

/** Native frame rate from the timestamps of frames presented while the video plays muted; null where the browser cannot say. */
async function measureFps(video: HTMLVideoElement): Promise<number | null> {
  if (!('requestVideoFrameCallback' in video)) return null;
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    const onFrame = (_: number, meta: VideoFrameCallbackMetadata) => {
      times.push(meta.mediaTime);
      if (times.length >= 12 || video.ended) resolve();
      else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    video.play().catch(() => resolve());
    setTimeout(resolve, 3000);
  });
  video.pause();
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  return gaps.length > 0 ? Math.round(100 / gaps[gaps.length >> 1]) / 100 : null;
}

/** Draws frames' centre squares, resized to side × side, into back-to-back RGB (transparency over mid-grey, as for stills). */
function frameGrabber(side: number, count: number) {
  const ctx = new OffscreenCanvas(side, side).getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingQuality = 'high';
  ctx.fillStyle = `rgb(${BACKGROUND_GREY}, ${BACKGROUND_GREY}, ${BACKGROUND_GREY})`;
  const rgb = new Uint8Array(count * side * side * 3);
  const grab = (source: CanvasImageSource, width: number, height: number, i: number) => {
    const crop = Math.min(width, height);
    ctx.fillRect(0, 0, side, side);
    ctx.drawImage(source, (width - crop) / 2, (height - crop) / 2, crop, crop, 0, 0, side, side);
    const rgba = ctx.getImageData(0, 0, side, side).data;
    for (let p = 0; p < side * side; p++) rgb.set(rgba.subarray(p * 4, p * 4 + 3), (i * side * side + p) * 3);
  };
  return { rgb, grab };
}

/** Decodes a video file into side × side RGB frames (short side resized, centre crop) at its native rate. */
export async function decodeVideoFile(
  file: Blob,
  side: number,
  opts: Pick<OwnVideoOptions, 'maxFrames' | 'onProgress' | 'signal'> = {},
): Promise<DecodedVideo> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  const url = URL.createObjectURL(file);
  video.src = url;
  try {
    try {
      await once(video, 'loadeddata', opts.signal);
    } catch (e) {
      if (video.error?.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED && /^video\//.test(file.type)) {
        throw new UnsupportedCodecError(`this browser cannot decode ${file.type} video (${video.error.message || 'unsupported'})`);
      }
      if (video.error) throw new NotAVideoError(`not a video this browser can open: ${video.error.message || 'unrecognised data'}`);
      throw e;
    }
    if (video.videoWidth === 0 || video.videoHeight === 0) throw new NoFramesError('the file has no video track');
    if (!Number.isFinite(video.duration) || video.duration <= 0) throw new NoFramesError('the video reports no duration');
    const measured = await measureFps(video);
    const fps = measured ?? ASSUMED_FPS;
    const count = Math.min(Math.floor(video.duration * fps), opts.maxFrames ?? 3000);
    if (count < 1) throw new NoFramesError('the video is shorter than one frame');
    const { rgb, grab } = frameGrabber(side, count);
    for (let i = 0; i < count; i++) {
      video.currentTime = (i + 0.5) / fps; // mid-frame, so rounding never lands on the neighbour
      await once(video, 'seeked', opts.signal);
      grab(video, video.videoWidth, video.videoHeight, i);
      opts.onProgress?.('decoding', i + 1, count);
    }
    return { rgb, frames: count, side, fps, fpsFrom: measured ? 'frame timestamps' : 'assumed', decoder: 'video element' };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

/** The four characters at `at`, e.g. a box's type. */
export const fourCc = (head: Uint8Array, at: number) => String.fromCharCode(...head.subarray(at, at + 4));

/** The major brand of an ISO BMFF file (MP4, MOV, AVIF…), whose first box is `ftyp`; null for anything else. */
export const ftypBrand = (head: Uint8Array): string | null => (fourCc(head, 4) === 'ftyp' ? fourCc(head, 8) : null);

/** The MIME type of an image format that can be animated, from the file's first bytes; null for anything else. */
export function animatedImageType(head: Uint8Array): string | null {
  if (fourCc(head, 0) === 'GIF8') return 'image/gif';
  if (fourCc(head, 0) === 'RIFF' && fourCc(head, 8) === 'WEBP') return 'image/webp';
  if (fourCc(head, 0) === '\x89PNG') return 'image/png';
  if (/^avi[fs]$/.test(ftypBrand(head) ?? '')) return 'image/avif';
  return null;
}

/** Browsers play GIF delays of 0 or 10 ms at 100 ms, and so does this. */
const playedMs = (ms: number) => (ms <= 10 ? 100 : ms);

/**
 * A uniform rate for frames of the given durations (the median frame's) and, for each output frame, the
 * source frame shown at its middle: a frame held twice as long is repeated.
 */
export function resampleDurations(durationsMs: number[], maxFrames: number): { fps: number; pick: number[] } {
  const played = durationsMs.map(playedMs);
  const sorted = [...played].sort((a, b) => a - b);
  const fps = Math.round(100_000 / sorted[sorted.length >> 1]) / 100;
  const total = played.reduce((a, b) => a + b, 0);
  const count = Math.max(1, Math.min(Math.round((total * fps) / 1000), maxFrames));
  const pick: number[] = [];
  let source = 0;
  let end = played[0];
  for (let i = 0; i < count; i++) {
    const t = ((i + 0.5) * 1000) / fps;
    while (t >= end && source < played.length - 1) end += played[++source];
    pick.push(source);
  }
  return { fps, pick };
}

/** Decodes an animated image with WebCodecs' ImageDecoder, at the rate its frame durations give. */
export async function decodeAnimatedImage(
  file: Blob,
  type: string,
  side: number,
  opts: Pick<OwnVideoOptions, 'maxFrames' | 'onProgress'> = {},
): Promise<DecodedVideo> {
  const format = type.slice('image/'.length).toUpperCase();
  if (typeof ImageDecoder === 'undefined' || !(await ImageDecoder.isTypeSupported(type))) {
    throw new UnsupportedCodecError(
      `this browser cannot decode an animated ${format} frame by frame (it lacks WebCodecs' ImageDecoder for it): convert it to an MP4 or WebM video, or use Chrome or Edge`,
    );
  }
  const decoder = new ImageDecoder({ data: file.stream(), type });
  try {
    await decoder.completed.catch((e: Error) => {
      throw new NotAVideoError(`this ${format} is corrupted: ${e.message}`);
    });
    const sources = Math.min(decoder.tracks.selectedTrack?.frameCount ?? 0, opts.maxFrames ?? 3000);
    if (sources === 0) throw new NotAVideoError(`this ${format} has no frame this browser can decode: it is corrupted or truncated`);
    if (sources === 1)
      throw new NoFramesError(
        `this ${format} has one frame: it is a still image, not a video (the Future view predicts a still image's future)`,
      );
    const { rgb, grab } = frameGrabber(side, sources);
    const durations: number[] = [];
    for (let i = 0; i < sources; i++) {
      const { image } = await decoder.decode({ frameIndex: i });
      grab(image, image.displayWidth, image.displayHeight, i);
      durations.push((image.duration ?? 0) / 1000);
      image.close();
      opts.onProgress?.('decoding', i + 1, sources);
    }
    const { fps, pick } = resampleDurations(durations, opts.maxFrames ?? 3000);
    const frame = side * side * 3;
    const out = new Uint8Array(pick.length * frame);
    pick.forEach((source, i) => {
      out.set(rgb.subarray(source * frame, (source + 1) * frame), i * frame);
    });
    return { rgb: out, frames: pick.length, side, fps, fpsFrom: 'frame durations', decoder: 'ImageDecoder' };
  } finally {
    decoder.close();
  }
}

/** Decodes an MP4 with WebCodecs' VideoDecoder at its container's frame rate; null where this browser cannot. */
async function decodeMp4File(
  file: Blob,
  side: number,
  opts: Pick<OwnVideoOptions, 'maxFrames' | 'onProgress'>,
): Promise<DecodedVideo | null> {
  // mp4box is loaded only for an MP4, as opencv.js only for stabilising.
  const { containerFps, decodeMp4, openMp4 } = await import('./mp4-frames');
  const track = await openMp4(await file.arrayBuffer(), opts.maxFrames ?? 3000);
  if (!track) return null;
  const count = track.samples.length;
  if (count < 2) throw new NoFramesError(`the MP4 has ${count === 0 ? 'no frame' : 'one frame: it is a still image, not a video'}`);
  const { rgb, grab } = frameGrabber(side, count);
  const decoded = await decodeMp4(track, (frame, i) => {
    if (i >= count) return; // reordered frames never outnumber the samples, but a broken file might
    grab(frame, frame.displayWidth, frame.displayHeight, i);
    opts.onProgress?.('decoding', i + 1, count);
  });
  const frames = Math.min(decoded, count);
  const fps = containerFps(
    track.timescale,
    track.samples.map((s) => s.duration),
  );
  return { rgb: rgb.subarray(0, frames * side * side * 3), frames, side, fps, fpsFrom: 'container', decoder: 'VideoDecoder' };
}

/**
 * An animated image through ImageDecoder (a <video> cannot play one), an MP4 through VideoDecoder where the
 * browser has it for the file's codec, anything else through <video>.
 */
export async function decodeOwnFile(
  file: Blob,
  side: number,
  opts: Pick<OwnVideoOptions, 'maxFrames' | 'onProgress' | 'signal'> = {},
): Promise<DecodedVideo> {
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const type = animatedImageType(head);
  if (type) return decodeAnimatedImage(file, type, side, opts);
  const mp4 = ftypBrand(head) !== null ? await decodeMp4File(file, side, opts) : null;
  return mp4 ?? decodeVideoFile(file, side, opts);
}

function cutInWorker(request: CutRequest): Promise<CutResult> {
  const worker = new Worker(new URL('./cut-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<CutResult>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<CutResponse>) =>
      'error' in data ? reject(new DataError(data.error)) : resolve(data.result);
    worker.onerror = (e) => reject(new DataError(`cutting worker failed: ${e.message}`));
    worker.postMessage(request, [request.video.rgb.buffer as ArrayBuffer]);
  }).finally(() => worker.terminate());
}

/** Turns a video file into an in-memory dataset (same format as the built-in ones). */
export async function videoToDataset(file: File, opts: OwnVideoOptions = {}): Promise<OwnVideoDataset> {
  const frames = opts.frames ?? 32;
  const size = opts.size ?? 64;
  const stabilize = opts.stabilize === true ? {} : opts.stabilize || false;
  // Like the CLI: stabilise at twice the clip size, then area-downsample.
  const video = await decodeOwnFile(file, stabilize ? 2 * size : size, opts);
  opts.onProgress?.('cutting', 0, 1);
  const cut = await cutInWorker({
    video,
    options: { frames, size, stride: opts.stride ?? frames, source: file.name, licence: opts.licence ?? 'own footage' },
    stabilize,
  });
  opts.onProgress?.('cutting', 1, 1);
  if (cut.clips.length === 0) throw new NoFramesError(`no usable clip: the stabiliser dropped all ${cut.windows} windows`);
  const dataset = await buildDataset(cut.clips, {
    name: opts.name ?? file.name.replace(/\.[^.]*$/, ''),
    attribution: [{ source: file.name, licence: opts.licence ?? 'own footage' }],
    encoder: browserEncoder,
    onProgress: (done) => opts.onProgress?.('encoding', done, cut.clips.length),
  });
  return { dataset, fps: video.fps, fpsFrom: video.fpsFrom, decoder: video.decoder, dropped: cut.dropped, windows: cut.windows };
}

/** The dataset's files (manifest.json and shards) as Blobs, e.g. for download links or a zip. */
export function datasetFiles(dataset: BuiltDataset): { name: string; blob: Blob }[] {
  return [
    { name: 'manifest.json', blob: new Blob([JSON.stringify(dataset.manifest, null, 2)], { type: 'application/json' }) },
    ...dataset.shards.map((s) => ({ name: s.name, blob: new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' }) })),
  ];
}

/** A fetch over an in-memory dataset, so `openDataset('', { fetch })` trains on it without a server. */
export function memoryFetch(dataset: BuiltDataset): (url: string) => Promise<Response> {
  const files = new Map(datasetFiles(dataset).map((f) => [f.name, f.blob]));
  return async (url) => {
    const blob = files.get(url.split('/').pop() ?? '');
    return blob ? new Response(blob) : new Response(null, { status: 404, statusText: `not found: ${url}` });
  };
}
