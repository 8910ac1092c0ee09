// The shard format (docs/data-format.md): WebDataset tar shards of clips, each clip one JPEG of frames
// stacked vertically (the VGAN authors' layout) plus a JSON sidecar and, for synthetic data, a PNG mask strip.
import { ManifestError } from './errors';
import limits from './limits.json';

export const FORMAT_NAME = 'vgan-shards';
export const FORMAT_VERSION = 1;

export type Labels = Record<string, string | number>;

export interface Attribution {
  /** What the footage is and where it came from (package, file, original author). */
  source: string;
  licence: string;
  url?: string;
}

/** The `<key>.json` sidecar of one clip. */
export interface ClipMeta {
  /** Frames stacked in the JPEG; its height is frames × frameHeight. */
  frames: number;
  frameWidth: number;
  frameHeight: number;
  fps: number;
  /** Where the clip comes from, e.g. "vtest.avi@120" (file and first frame). */
  source: string;
  licence: string;
  labels?: Labels;
  /** Extension of the ground-truth foreground mask strip (greyscale, 255 = foreground), if any. */
  mask?: string;
}

export interface ShardInfo {
  name: string;
  bytes: number;
  sha256: string;
  clips: number;
}

export interface Manifest {
  format: typeof FORMAT_NAME;
  version: number;
  name: string;
  description?: string;
  clips: number;
  frames: number;
  frameWidth: number;
  frameHeight: number;
  /** Label vocabularies, e.g. { motion: ["left", ...], digit: ["0", ...] }. */
  labels?: Record<string, string[]>;
  hasMask: boolean;
  attribution: Attribution[];
  shards: ShardInfo[];
}

/** Upper bounds that keep a lying or corrupted manifest from causing giant allocations (limits.json: the
 * PyTorch trainer's reader, trainer/vgan/data.py, applies the same). */
export const LIMITS = limits;

const isCount = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;

function fail(field: string, value: unknown, why: string): never {
  throw new ManifestError(`manifest ${field} = ${JSON.stringify(value)}: ${why}`);
}

function checkCount(m: Record<string, unknown>, field: string, min: number, max: number) {
  const v = m[field];
  if (!isCount(v, max) || v < min) fail(field, v, `expected an integer in [${min}, ${max}]`);
}

/** Checks the whole manifest except individual shard entries, which `checkShard` vets one by one. */
export function parseManifest(value: unknown): Manifest {
  if (typeof value !== 'object' || value === null) throw new ManifestError('manifest is not a JSON object');
  const m = value as Record<string, unknown>;
  if (m.format !== FORMAT_NAME) fail('format', m.format, `expected "${FORMAT_NAME}"`);
  if (m.version !== FORMAT_VERSION) fail('version', m.version, `this reader understands version ${FORMAT_VERSION}`);
  checkCount(m, 'frames', 1, LIMITS.frames);
  checkCount(m, 'frameWidth', 1, LIMITS.frameSide);
  checkCount(m, 'frameHeight', 1, LIMITS.frameSide);
  checkCount(m, 'clips', 0, LIMITS.clips);
  if (!Array.isArray(m.shards) || m.shards.length > LIMITS.shards) fail('shards', '…', 'expected an array of shards');
  if (!Array.isArray(m.attribution)) fail('attribution', m.attribution, 'expected an array');
  return value as Manifest;
}

/** Vets one shard entry; a bad entry only costs that shard. */
export function checkShard(s: unknown, index: number): ShardInfo {
  const where = `shards[${index}]`;
  if (typeof s !== 'object' || s === null) fail(where, s, 'expected an object');
  const e = s as Record<string, unknown>;
  if (typeof e.name !== 'string' || !/^[\w.-]+\.tar$/.test(e.name) || e.name.startsWith('.')) {
    fail(`${where}.name`, e.name, 'expected a plain file name ending in .tar');
  }
  if (!isCount(e.bytes, LIMITS.shardBytes) || e.bytes < 1024) {
    fail(`${where}.bytes`, e.bytes, `expected an integer in [1024, ${LIMITS.shardBytes}]`);
  }
  if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) fail(`${where}.sha256`, e.sha256, 'expected 64 hex digits');
  if (!isCount(e.clips, LIMITS.clips)) fail(`${where}.clips`, e.clips, 'expected a clip count');
  return e as unknown as ShardInfo;
}

export const shardName = (index: number) => `shard-${String(index).padStart(6, '0')}.tar`;
export const clipKey = (index: number) => `clip${String(index).padStart(7, '0')}`;
