// The user's own video → an in-memory dataset, in the browser: decode with a <video> element (seeking
// frame by frame at the native rate, which requestVideoFrameCallback measures), resize the short side and
// centre-crop, cut clips (and stabilise) in a worker, encode shards that can be downloaded.
import { browserEncoder } from './browser';
import type { CutResult, FrameSequence } from './clips';
import type { CutRequest, CutResponse } from './cut-worker';
import { DataError, NoFramesError, NotAVideoError, UnsupportedCodecError } from './errors';
import { buildDataset, type BuiltDataset } from './shards';
import type { StabilizeOptions } from './stabilize';

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

export interface OwnVideoDataset {
  dataset: BuiltDataset;
  fps: number;
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

/** Native frame rate from the timestamps of frames presented while the video plays muted. */
async function measureFps(video: HTMLVideoElement): Promise<number> {
  if (!('requestVideoFrameCallback' in video)) return 25;
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
  const gaps = times.slice(1).map((t, i) => t - times[i]).filter((g) => g > 0).sort((a, b) => a - b);
  return gaps.length > 0 ? Math.round(100 / gaps[gaps.length >> 1]) / 100 : 25;
}

/** Decodes a video file into side × side RGB frames (short side resized, centre crop) at its native rate. */
export async function decodeVideoFile(file: Blob, side: number, opts: Pick<OwnVideoOptions, 'maxFrames' | 'onProgress' | 'signal'> = {}): Promise<FrameSequence> {
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
    const fps = await measureFps(video);
    const count = Math.min(Math.floor(video.duration * fps), opts.maxFrames ?? 3000);
    if (count < 1) throw new NoFramesError('the video is shorter than one frame');
    const canvas = new OffscreenCanvas(side, side);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingQuality = 'high';
    const crop = Math.min(video.videoWidth, video.videoHeight);
    const [sx, sy] = [(video.videoWidth - crop) / 2, (video.videoHeight - crop) / 2];
    const rgb = new Uint8Array(count * side * side * 3);
    for (let i = 0; i < count; i++) {
      video.currentTime = (i + 0.5) / fps; // mid-frame, so rounding never lands on the neighbour
      await once(video, 'seeked', opts.signal);
      ctx.drawImage(video, sx, sy, crop, crop, 0, 0, side, side);
      const rgba = ctx.getImageData(0, 0, side, side).data;
      for (let p = 0; p < side * side; p++) rgb.set(rgba.subarray(p * 4, p * 4 + 3), (i * side * side + p) * 3);
      opts.onProgress?.('decoding', i + 1, count);
    }
    return { rgb, frames: count, side, fps };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

function cutInWorker(request: CutRequest): Promise<CutResult> {
  const worker = new Worker(new URL('./cut-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<CutResult>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<CutResponse>) => ('error' in data ? reject(new DataError(data.error)) : resolve(data.result));
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
  const video = await decodeVideoFile(file, stabilize ? 2 * size : size, opts);
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
  return { dataset, fps: video.fps, dropped: cut.dropped, windows: cut.windows };
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
