// Minimal ustar writer and a reader that survives damage: a bad header is reported and the reader
// resynchronises on the next valid header, so the intact entries of a damaged shard still load.
import { TarError } from './errors';

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;
// Fixed metadata makes the archive a pure function of its entries (same input, same bytes).
const FIXED_MTIME = 946684800; // 2000-01-01T00:00:00Z
const FILE_MODE = 0o644;

const ascii = new TextEncoder();
const latin = new TextDecoder('latin1');

function writeString(block: Uint8Array, offset: number, length: number, value: string) {
  const bytes = ascii.encode(value);
  if (bytes.length > length) throw new TarError(`tar field too long: "${value}" (max ${length} bytes)`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number) {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function checksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum;
}

function fileHeader(name: string, size: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, FILE_MODE);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, FIXED_MTIME);
  h[156] = 0x30; // '0': regular file
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeOctal(h, 148, 7, checksum(h));
  h[155] = 0x20;
  return h;
}

const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

/** Packs entries, in the given order, into a ustar archive with deterministic headers. */
export function writeTar(entries: TarEntry[]): Uint8Array {
  const total = entries.reduce((n, e) => n + BLOCK + padded(e.data.length), 2 * BLOCK);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const e of entries) {
    out.set(fileHeader(e.name, e.data.length), offset);
    out.set(e.data, offset + BLOCK);
    offset += BLOCK + padded(e.data.length);
  }
  return out;
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return latin.decode(end < 0 ? field : field.subarray(0, end));
}

function readOctal(block: Uint8Array, offset: number, length: number): number {
  const text = readString(block, offset, length).trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN;
}

const isZeroBlock = (b: Uint8Array) => b.every((x) => x === 0);
const isValidHeader = (b: Uint8Array) => !isZeroBlock(b) && readOctal(b, 148, 8) === checksum(b);

export interface TarReadResult {
  entries: TarEntry[];
  errors: TarError[];
}

/** Lists the regular files of a tar archive; entry data are views into `bytes` (no copies). */
export function readTar(bytes: Uint8Array): TarReadResult {
  const entries: TarEntry[] = [];
  const errors: TarError[] = [];
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZeroBlock(header)) break;
    if (!isValidHeader(header)) {
      const from = offset;
      do offset += BLOCK;
      while (offset + BLOCK <= bytes.length && !isValidHeader(bytes.subarray(offset, offset + BLOCK)));
      errors.push(new TarError(`damaged tar header at byte ${from}; skipped ${offset - from} bytes`));
      continue;
    }
    const prefix = readString(header, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + readString(header, 0, 100);
    const size = readOctal(header, 124, 12);
    const type = header[156];
    const dataStart = offset + BLOCK;
    if (!Number.isFinite(size) || dataStart + size > bytes.length) {
      errors.push(new TarError(`tar truncated: entry "${name}" declares ${size} bytes but only ${bytes.length - dataStart} remain`));
      return { entries, errors };
    }
    // '0' and NUL are regular files; directories, links and pax headers carry no clip data.
    if (type === 0x30 || type === 0) entries.push({ name, data: bytes.subarray(dataStart, dataStart + size) });
    offset = dataStart + padded(size);
  }
  if (offset + BLOCK > bytes.length && offset < bytes.length) {
    errors.push(new TarError(`tar truncated: ${bytes.length - offset} stray bytes at the end`));
  }
  return { entries, errors };
}

/** Groups WebDataset entries by key: "dir/abc.mask.png" → key "dir/abc", extension "mask.png". */
export function groupByKey(entries: TarEntry[]): Map<string, Map<string, Uint8Array>> {
  const groups = new Map<string, Map<string, Uint8Array>>();
  for (const { name, data } of entries) {
    const slash = name.lastIndexOf('/');
    const dot = name.indexOf('.', slash + 1);
    if (dot < 0) continue;
    const key = name.slice(0, dot);
    const ext = name.slice(dot + 1);
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key)!.set(ext, data);
  }
  return groups;
}
