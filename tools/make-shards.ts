// npm run make-shards -- <videos or folders> --out public/data/<name> [--frames 32 --size 64 --stride N --stabilize]
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeShards, summarise, type VideoInput } from './data/make';
import { writeDataset } from './data/write-dataset';

const VIDEO_EXTENSIONS = new Set([
  '.avi',
  '.mp4',
  '.m4v',
  '.mov',
  '.mkv',
  '.webm',
  '.ogv',
  '.mpg',
  '.mpeg',
  '.wmv',
  '.flv',
  '.3gp',
  '.gif',
]);

const usage = `usage: npm run make-shards -- <videos or folders…> --out DIR [options]
  --frames N        frames per clip (default 32)
  --size N          frame side in pixels (default 64)
  --stride N        frames between clip starts (default: --frames, no overlap)
  --stabilize       cancel camera motion (ORB + RANSAC homographies); drops windows it cannot trust
  --name NAME       dataset name (default: the --out folder's name)
  --licence TEXT    licence of the footage, stored with every clip (default "unknown")
  --source TEXT     attribution text (default: the file names)
  --label K=V       a label stored with every clip (repeatable)
  --quality N       JPEG quality (default 90)
  --shard-mb N      shard size in MiB (default 2)
  --max-frames N    frames decoded per video at most (default 20000)`;

/** The video files among `paths` (folders are listed), and every path left out with the reason. */
async function expand(paths: string[]): Promise<{ files: string[]; skipped: string[] }> {
  const files: string[] = [];
  const skipped: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => null);
    if (!info) skipped.push(`  ${p}: skipped (no such file or folder)`);
    else if (!info.isDirectory()) files.push(p);
    else {
      for (const n of (await readdir(p)).sort()) {
        if (VIDEO_EXTENSIONS.has(extname(n).toLowerCase())) files.push(join(p, n));
        else skipped.push(`  ${join(p, n)}: skipped (in a folder, only ${[...VIDEO_EXTENSIONS].join(' ')} files are read)`);
      }
    }
  }
  return { files, skipped };
}

const positiveInt = (name: string, v: string | undefined, fallback: number) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      frames: { type: 'string' },
      size: { type: 'string' },
      stride: { type: 'string' },
      stabilize: { type: 'boolean', default: false },
      name: { type: 'string' },
      licence: { type: 'string', default: 'unknown' },
      source: { type: 'string' },
      label: { type: 'string', multiple: true, default: [] },
      quality: { type: 'string' },
      'shard-mb': { type: 'string' },
      'max-frames': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length === 0 || !values.out) {
    console.error(usage);
    process.exit(values.help ? 0 : 2);
  }
  const frames = positiveInt('frames', values.frames, 32);
  const labels = Object.fromEntries(
    values.label.map((kv) => {
      const [k, ...v] = kv.split('=');
      if (!k || v.length === 0) throw new Error(`--label expects KEY=VALUE, got "${kv}"`);
      return [k, v.join('=')];
    }),
  );
  const { files, skipped } = await expand(positionals);
  if (skipped.length > 0) console.error(skipped.join('\n'));
  if (files.length === 0) throw new Error('no video file among the inputs: each is listed above with the reason it was skipped');
  const inputs: VideoInput[] = files.map((path) => ({
    path,
    source: values.source ?? basename(path),
    licence: values.licence,
    ...(values.label.length > 0 ? { labels } : {}),
  }));
  const { dataset, reports } = await makeShards(inputs, {
    name: values.name ?? basename(values.out),
    frames,
    size: positiveInt('size', values.size, 64),
    stride: positiveInt('stride', values.stride, frames),
    stabilize: values.stabilize,
    quality: positiveInt('quality', values.quality, 90),
    shardBytes: positiveInt('shard-mb', values['shard-mb'], 2) << 20,
    maxFrames: positiveInt('max-frames', values['max-frames'], 20_000),
  });
  console.error(summarise(reports));
  const bytes = await writeDataset(values.out, dataset);
  console.error(
    `wrote ${dataset.manifest.clips} clips in ${dataset.shards.length} shards (${(bytes / 1e6).toFixed(2)} MB) to ${values.out}`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
