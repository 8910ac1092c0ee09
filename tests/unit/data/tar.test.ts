import { describe, expect, it } from 'vitest';
import { TarError } from '../../../src/data/errors';
import { groupByKey, readTar, writeTar } from '../../../src/data/tar';

const enc = new TextEncoder();
const entries = [
  { name: 'a.json', data: enc.encode('{"x":1}') },
  { name: 'a.jpg', data: new Uint8Array(700).map((_, i) => i % 251) },
  { name: 'b.json', data: enc.encode('{"x":2}') },
  { name: 'b.mask.png', data: new Uint8Array(3) },
];

describe('tar', () => {
  it('round-trips entries and is byte-for-byte deterministic', () => {
    const tar = writeTar(entries);
    expect(writeTar(entries)).toEqual(tar);
    const { entries: read, errors } = readTar(tar);
    expect(errors).toEqual([]);
    expect(read.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    read.forEach((e, i) => {
      expect(e.data).toEqual(entries[i].data);
    });
    const groups = groupByKey(read);
    expect([...groups.keys()]).toEqual(['a', 'b']);
    expect([...groups.get('b')!.keys()]).toEqual(['json', 'mask.png']);
  });

  it('reports a truncated archive and keeps the complete entries', () => {
    const tar = writeTar(entries);
    const { entries: read, errors } = readTar(tar.subarray(0, 512 + 512 + 512 + 300));
    expect(read.map((e) => e.name)).toEqual(['a.json']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TarError);
    expect(errors[0].message).toMatch(/truncated.*a\.jpg/);
  });

  it('skips a damaged header and resynchronises on the next one', () => {
    const tar = writeTar(entries).slice();
    tar[1024 + 10] ^= 0xff; // the header of a.jpg
    const { entries: read, errors } = readTar(tar);
    expect(read.map((e) => e.name)).toEqual(['a.json', 'b.json', 'b.mask.png']);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/damaged tar header at byte 1024/);
  });

  it('survives random garbage without throwing', () => {
    const garbage = new Uint8Array(5000).map((_, i) => (i * 7919) % 256);
    const { entries: read, errors } = readTar(garbage);
    expect(read).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
  });
});
