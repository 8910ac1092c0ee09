// Clips ⇄ tar shards + manifest. Building is deterministic: entries, JSON key order and tar headers
// depend only on the clips, so the same input gives the same bytes.
import { fromRgba, kindOfExtension, sha256Hex, toRgba, type ImageDecoder, type ImageEncoder, type RgbaImage } from './codec';
import { ClipError, errorMessage } from './errors';
import { FORMAT_NAME, FORMAT_VERSION, LIMITS, shardName, type Attribution, type ClipMeta, type Manifest } from './format';
import { readImageHeader, STRIP_PIXEL_CAP, type ImageHeader } from './image-header';
import { writeTar, type TarEntry } from './tar';

/** A clip in memory: frames × frameHeight × frameWidth pixels, RGB, and an optional 0/255 mask. */
export interface Clip {
  key: string;
  meta: ClipMeta;
  rgb: Uint8Array;
  mask?: Uint8Array;
}

export const MASK_EXTENSION = 'mask.png';
const utf8 = new TextEncoder();

export async function encodeClip(clip: Clip, encoder: ImageEncoder, quality: number): Promise<TarEntry[]> {
  const { frames, frameWidth: w, frameHeight: h } = clip.meta;
  const strip = (pixels: Uint8Array, channels: 1 | 3) => toRgba(pixels, channels, w, h * frames);
  const meta: ClipMeta = { ...clip.meta, ...(clip.mask ? { mask: MASK_EXTENSION } : {}) };
  const entries: TarEntry[] = [
    { name: `${clip.key}.jpg`, data: await encoder.jpeg(strip(clip.rgb, 3), quality) },
    { name: `${clip.key}.json`, data: utf8.encode(JSON.stringify(meta)) },
  ];
  if (clip.mask) entries.push({ name: `${clip.key}.${MASK_EXTENSION}`, data: await encoder.png(strip(clip.mask, 1)) });
  return entries;
}

export interface BuildOptions {
  name: string;
  description?: string;
  attribution: Attribution[];
  labels?: Record<string, string[]>;
  encoder: ImageEncoder;
  /** JPEG quality, 1-100. */
  quality?: number;
  /** A shard is closed once it holds at least this many bytes. */
  shardBytes?: number;
  onProgress?: (clipsDone: number) => void;
}

export interface BuiltShard {
  name: string;
  bytes: Uint8Array;
}

export interface BuiltDataset {
  manifest: Manifest;
  shards: BuiltShard[];
}

/** Encodes clips into shards; all clips must share frame count and frame size (fps may differ). */
export async function buildDataset(clips: Iterable<Clip> | AsyncIterable<Clip>, opts: BuildOptions): Promise<BuiltDataset> {
  const quality = opts.quality ?? 90;
  const shardBytes = opts.shardBytes ?? 2 << 20;
  const shards: BuiltShard[] = [];
  const infos: Manifest['shards'] = [];
  let first: ClipMeta | undefined;
  let hasMask = false;
  let pending: TarEntry[] = [];
  let pendingBytes = 0;
  let pendingClips = 0;
  let done = 0;

  const flush = async () => {
    if (pendingClips === 0) return;
    const bytes = writeTar(pending);
    const name = shardName(shards.length);
    shards.push({ name, bytes });
    infos.push({ name, bytes: bytes.length, sha256: await sha256Hex(bytes), clips: pendingClips });
    pending = [];
    pendingBytes = 0;
    pendingClips = 0;
  };

  for await (const clip of clips) {
    first ??= clip.meta;
    const m = clip.meta;
    if (m.frames !== first.frames || m.frameWidth !== first.frameWidth || m.frameHeight !== first.frameHeight) {
      throw new ClipError(clip.key, 'frame count and size must match the first clip of the dataset');
    }
    hasMask ||= clip.mask !== undefined;
    const entries = await encodeClip(clip, opts.encoder, quality);
    pending.push(...entries);
    pendingBytes += entries.reduce((n, e) => n + e.data.length + 512, 0);
    pendingClips++;
    done++;
    opts.onProgress?.(done);
    if (pendingBytes >= shardBytes) await flush();
  }
  await flush();
  if (!first) throw new ClipError('-', 'a dataset needs at least one clip');

  const manifest: Manifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    name: opts.name,
    ...(opts.description ? { description: opts.description } : {}),
    clips: done,
    frames: first.frames,
    frameWidth: first.frameWidth,
    frameHeight: first.frameHeight,
    ...(opts.labels ? { labels: opts.labels } : {}),
    hasMask,
    attribution: opts.attribution,
    shards: infos,
  };
  return { manifest, shards };
}

function parseMeta(key: string, bytes: Uint8Array | undefined): ClipMeta {
  if (!bytes) throw new ClipError(key, 'no .json sidecar');
  let meta: Partial<ClipMeta>;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ClipError(key, `bad JSON sidecar: ${errorMessage(e)}`, { cause: e });
  }
  const { frames, frameWidth, frameHeight } = meta;
  const ok = (v: unknown, max: number) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
  if (!ok(frames, LIMITS.frames) || !ok(frameWidth, LIMITS.frameSide) || !ok(frameHeight, LIMITS.frameSide)) {
    throw new ClipError(key, `impossible frames/frameWidth/frameHeight ${frames}/${frameWidth}/${frameHeight}`);
  }
  return meta as ClipMeta;
}

async function decodeStrip(
  key: string,
  what: string,
  ext: string,
  bytes: Uint8Array,
  meta: ClipMeta,
  decoder: ImageDecoder,
  channels: 1 | 3,
): Promise<Uint8Array> {
  const kind = kindOfExtension(ext);
  if (!kind) throw new ClipError(key, `unsupported ${what} type ".${ext}"`);
  const file = `${key}.${ext}`;
  const h = meta.frames * meta.frameHeight;
  const unusable = (e: unknown) => new ClipError(key, `cannot decode ${what}: ${errorMessage(e)}`, { cause: e });
  let header: ImageHeader;
  try {
    header = readImageHeader(bytes, file, { formats: [kind], maxPixels: STRIP_PIXEL_CAP });
  } catch (e) {
    throw unusable(e);
  }
  // The header must declare the size the sidecar does, before anything is decoded (as trainer/vgan/data.py).
  if (header.width !== meta.frameWidth || header.height !== h) {
    throw new ClipError(key, `${what} ${file} is ${header.width}×${header.height}, the sidecar says ${meta.frameWidth}×${h}; not decoded`);
  }
  let image: RgbaImage;
  try {
    image = await decoder.decode(bytes, kind, file);
  } catch (e) {
    throw unusable(e);
  }
  if (image.width !== meta.frameWidth || image.height !== h) {
    throw new ClipError(key, `${what} ${file} decoded as ${image.width}×${image.height}, expected ${meta.frameWidth}×${h}`);
  }
  return fromRgba(image, channels);
}

/** Decodes one WebDataset sample (files by extension) back into a Clip; throws ClipError. */
export async function decodeClip(key: string, files: Map<string, Uint8Array>, decoder: ImageDecoder, withMask: boolean): Promise<Clip> {
  const meta = parseMeta(key, files.get('json'));
  const imageExt = ['jpg', 'jpeg', 'png'].find((e) => files.has(e));
  if (!imageExt) throw new ClipError(key, 'no .jpg frame strip');
  const rgb = await decodeStrip(key, 'frame strip', imageExt, files.get(imageExt)!, meta, decoder, 3);
  const maskBytes = withMask && meta.mask ? files.get(meta.mask) : undefined;
  if (withMask && meta.mask && !maskBytes) throw new ClipError(key, `mask file .${meta.mask} is missing`);
  const mask = maskBytes && (await decodeStrip(key, 'mask strip', meta.mask!, maskBytes, meta, decoder, 1));
  return { key, meta, rgb, ...(mask ? { mask } : {}) };
}
