// Small in-memory datasets and a fetch over them, shared by the data tests.
import { nodeEncoder } from '../../../src/data/node';
import { buildDataset, type BuiltDataset, type Clip } from '../../../src/data/shards';
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

export const clipPixels = (clips: Clip[]) => new Map(clips.map((c) => [c.key, c]));
