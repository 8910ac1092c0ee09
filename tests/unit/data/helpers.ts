// Small in-memory datasets and a fetch over them, shared by the data tests.
import { nodeEncoder } from '../../../src/data/node';
import { seededRandom } from '../../../src/data/random';
import { project, type Homography } from '../../../src/data/stabilize';
import { buildDataset, type BuiltDataset } from '../../../src/data/shards';
import { shapesClips } from '../../../src/data/shapes';

export async function shapesDataset(count = 6, opts: { shardBytes?: number; frames?: number } = {}): Promise<BuiltDataset> {
  return buildDataset(shapesClips(count, 1, { size: 16, frames: opts.frames ?? 4 }), {
    name: 'test-shapes',
    attribution: [{ source: 'generated in tests', licence: 'CC0-1.0' }],
    encoder: nodeEncoder,
    quality: 95,
    shardBytes: opts.shardBytes ?? 1,
  });
}

/** Serves a built dataset (optionally altered) as `name → bytes` through a fetch-like function. */
export function memoryFetch(files: Map<string, Uint8Array | string>) {
  return async (url: string) => {
    const body = files.get(url);
    return body === undefined ? new Response(null, { status: 404, statusText: 'Not Found' }) : new Response(body as BodyInit);
  };
}

export function datasetFiles(ds: BuiltDataset): Map<string, Uint8Array | string> {
  const files = new Map<string, Uint8Array | string>(ds.shards.map((s) => [s.name, s.bytes]));
  files.set('manifest.json', JSON.stringify(ds.manifest));
  return files;
}

/** Frame side of the rendered camera-motion videos. */
export const SIDE = 96;

/** A 256² scene of random rectangles: plenty of corners for ORB. */
function scene(): Uint8Array {
  const n = 256;
  const rand = seededRandom(5);
  const img = new Uint8Array(n * n * 3);
  for (let i = 0; i < img.length; i++) img[i] = 120;
  for (let k = 0; k < 400; k++) {
    const [x0, y0] = [Math.floor(rand() * n), Math.floor(rand() * n)];
    const [w, h] = [3 + Math.floor(rand() * 18), 3 + Math.floor(rand() * 18)];
    const colour = [rand() * 255, rand() * 255, rand() * 255];
    for (let y = y0; y < Math.min(n, y0 + h); y++) for (let x = x0; x < Math.min(n, x0 + w); x++) img.set(colour, (y * n + x) * 3);
  }
  return img;
}

/** Camera t sees scene point p at s_t (p − c_t): a pan with a slow zoom (scale and shift only). */
export function camera(t: number): Homography {
  const s = 1 + 0.012 * t;
  const [cx, cy] = [70 + 2.3 * t, 80 + 1.1 * t];
  return [s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1];
}
export const inverse = (g: Homography): Homography => [1 / g[0], 0, -g[2] / g[0], 0, 1 / g[4], -g[5] / g[4], 0, 0, 1];

/**
 * The scene as camera by camera sees it (bilinear; pixel centres at integer coordinates, as in OpenCV).
 * Plain JS rather than opencv.js: tests that encode videos with ffmpeg.wasm must not load opencv.js first.
 */
export function render(cameras: Homography[]): Uint8Array {
  const n = 256;
  const img = scene();
  const out = new Uint8Array(cameras.length * SIDE * SIDE * 3);
  const at = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= n || y >= n ? 0 : img[(y * n + x) * 3 + c]);
  cameras.forEach((g, t) => {
    const [u0, v0] = project(inverse(g), 0, 0);
    const step = 1 / g[0];
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const [u, v] = [u0 + x * step, v0 + y * step];
        const [iu, iv] = [Math.floor(u), Math.floor(v)];
        const [fu, fv] = [u - iu, v - iv];
        for (let c = 0; c < 3; c++) {
          const top = (1 - fu) * at(iu, iv, c) + fu * at(iu + 1, iv, c);
          const bottom = (1 - fu) * at(iu, iv + 1, c) + fu * at(iu + 1, iv + 1, c);
          out[((t * SIDE + y) * SIDE + x) * 3 + c] = Math.round((1 - fv) * top + fv * bottom);
        }
      }
    }
  });
  return out;
}
