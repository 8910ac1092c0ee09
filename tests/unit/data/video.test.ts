// The Node video path (ffmpeg.wasm → clips → shards) on tiny generated videos.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoFramesError, NotAVideoError, UnsupportedCodecError } from '../../../src/data/errors';
import { decodeVideo, loadCore } from '../../../tools/data/ffmpeg';
import { groupByKey, readTar } from '../../../src/data/tar';
import { makeShards, NoClipsError } from '../../../tools/data/make';
import { camera, render, SIDE } from './helpers';

const FRAMES = 12;

/** An MJPEG AVI of a panning, zooming camera, encoded by ffmpeg.wasm itself (4:2:0: its 4:4:4 path is very slow). */
async function mjpegAvi(): Promise<Uint8Array> {
  const core = await loadCore();
  core.FS.writeFile('in.rgb', render(Array.from({ length: FRAMES }, (_, t) => camera(t))));
  const ret = core.exec(
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${SIDE}x${SIDE}`,
    '-r',
    '10',
    '-i',
    'in.rgb',
    '-pix_fmt',
    'yuvj420p',
    '-c:v',
    'mjpeg',
    '-q:v',
    '2',
    'out.avi',
  );
  expect(ret).toBe(0);
  return core.FS.readFile('out.avi').slice();
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
function replaceAll(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const out = bytes.slice();
  const [a, b] = [ascii(from), ascii(to)];
  for (let i = 0; i + a.length <= out.length; i++) if (a.every((c, k) => out[i + k] === c)) out.set(b, i);
  return out;
}

describe('video decoding (ffmpeg.wasm)', () => {
  let avi: Uint8Array;
  let dir: string;
  beforeAll(async () => {
    avi = await mjpegAvi();
    dir = await mkdtemp(join(tmpdir(), 'vgan-video-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('decodes every frame at the native rate, resized and centre-cropped', async () => {
    const v = await decodeVideo('shapes.avi', avi, 16);
    expect(v).toMatchObject({ frames: FRAMES, side: 16, fps: 10 });
    expect(v.rgb.length).toBe(FRAMES * 16 * 16 * 3);
  });

  it('rejects a file that is not a video', async () => {
    const text = new TextEncoder().encode('this is a shopping list, not a video\n'.repeat(20));
    await expect(decodeVideo('list.txt', text, 16)).rejects.toThrow(NotAVideoError);
  });

  it('rejects an unsupported codec', async () => {
    const unknown = replaceAll(replaceAll(avi, 'MJPG', 'QQQQ'), 'mjpg', 'qqqq');
    const err = await decodeVideo('odd.avi', unknown, 16).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedCodecError);
    expect(err.message).toMatch(/odd\.avi: video codec/);
  });

  it('rejects a video with no decodable frame', async () => {
    // Keep the AVI headers and index, zero the payload of every frame chunk ("00dc", size, data).
    const broken = avi.slice();
    const view = new DataView(broken.buffer);
    const tag = ascii('00dc');
    for (let i = 0; i + 8 < broken.length; i++) {
      if (tag.every((c, k) => broken[i + k] === c)) broken.fill(0, i + 8, Math.min(broken.length, i + 8 + view.getUint32(i + 4, true)));
    }
    const err = await decodeVideo('blank.avi', broken, 16).catch((e) => e);
    expect(err).toBeInstanceOf(NoFramesError);
  });

  it('builds the same shard bytes twice, with stabilisation, and reports bad inputs', async () => {
    const good = join(dir, 'shapes.avi');
    const bad = join(dir, 'notes.avi');
    await writeFile(good, avi);
    await writeFile(bad, 'not a video');
    const inputs = [good, bad].map((path) => ({ path, source: 'test', licence: 'CC0-1.0' }));
    const opts = { name: 't', frames: 4, size: 32, stride: 4, stabilize: true };
    const a = await makeShards(inputs, opts);
    const b = await makeShards(inputs, opts);
    expect(a.dataset.manifest.clips).toBe(3);
    expect(a.dataset.manifest.shards).toEqual(b.dataset.manifest.shards);
    expect(a.reports[1].error).toMatch(/NotAVideoError/);
  });

  it('skips a title card and leaves a tripod input unstabilised, labelling clips from the file start', async () => {
    const path = join(dir, 'tripod.avi');
    await writeFile(path, avi);
    const input = { path, source: 'test', licence: 'CC0-1.0', firstFrame: 2 };
    const opts = { name: 't', frames: 4, size: 32, stride: 4 };
    const tripod = await makeShards([{ ...input, tripod: true }], { ...opts, stabilize: true });
    const plain = await makeShards([input], { ...opts, stabilize: false });
    const stabilised = await makeShards([input], { ...opts, stabilize: true });
    // 10 frames after the title: windows at 2 and 6, counted from the file's start. The test camera pans, so
    // stabilising changes the pixels: the tripod input's differ from the stabilised ones.
    const sources = ({ dataset }: typeof tripod) =>
      [...groupByKey(dataset.shards.flatMap((s) => readTar(s.bytes).entries)).values()].map(
        (files) => JSON.parse(new TextDecoder().decode(files.get('json'))).source,
      );
    expect(sources(tripod)).toEqual(['tripod.avi@2', 'tripod.avi@6']);
    expect(sources(stabilised)).toEqual(sources(tripod));
    expect(tripod.dataset.manifest.clips).toBe(plain.dataset.manifest.clips);
    expect(tripod.dataset.shards[0].bytes).not.toEqual(stabilised.dataset.shards[0].bytes);
  });

  it('given only unusable inputs, names each one and why it was skipped', async () => {
    const list = join(dir, 'list.avi');
    const missing = join(dir, 'missing.avi');
    await writeFile(list, 'not a video');
    const inputs = [list, missing].map((path) => ({ path, source: 'test', licence: 'CC0-1.0' }));
    const err = await makeShards(inputs, { name: 't', frames: 4, size: 16, stride: 4, stabilize: false }).catch((e) => e);
    expect(err).toBeInstanceOf(NoClipsError);
    expect(err.message).toContain('none of the 2 inputs gave a clip');
    expect(err.message).toMatch(new RegExp(`${list.replace(/[.]/g, '\\.')}: skipped \\(NotAVideoError: `));
    expect(err.message).toMatch(new RegExp(`${missing.replace(/[.]/g, '\\.')}: skipped \\(Error: ENOENT`));
  });

  it('npm run make-shards lists every input it skipped and why, and exits non-zero when none gave a clip', async () => {
    const folder = join(dir, 'inputs');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'notes.txt'), 'a shopping list');
    await writeFile(join(folder, 'list.avi'), 'not a video');
    const run = promisify(execFile)('npx', [
      'tsx',
      'tools/make-shards.ts',
      folder,
      join(dir, 'nowhere.mp4'),
      '--out',
      join(dir, 'out'),
      '--frames',
      '4',
      '--size',
      '16',
    ]);
    const err = await run.then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain(`${join(folder, 'notes.txt')}: skipped (in a folder, only`);
    expect(err?.stderr).toContain(`${join(dir, 'nowhere.mp4')}: skipped (no such file or folder)`);
    expect(err?.stderr).toMatch(/list\.avi: skipped \(NotAVideoError: /);
    expect(err?.stderr).toContain('NoClipsError: none of the 1 input gave a clip');
  });
});
