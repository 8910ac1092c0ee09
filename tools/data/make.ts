// Videos → clips → shards: decode with ffmpeg.wasm, resize the short side and centre-crop, cut sliding
// windows at the native frame rate, optionally stabilise (opencv.js), encode deterministically.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { cutClips } from '../../src/data/clips';
import { ClipError, DataError } from '../../src/data/errors';
import type { Attribution, Labels } from '../../src/data/format';
import { nodeEncoder, nodeOpenCv } from '../../src/data/node';
import { buildDataset, type BuiltDataset, type Clip } from '../../src/data/shards';
import { Stabilizer } from '../../src/data/stabilize';
import { decodeVideo } from './ffmpeg';

export interface VideoInput {
  path: string;
  /** Human-readable origin for the attribution list. */
  source: string;
  licence: string;
  url?: string;
  labels?: Labels;
  /** Overrides of MakeOptions.stride and maxFrames for this input. */
  stride?: number;
  maxFrames?: number;
  /** Frames to skip at the start (a title card). */
  firstFrame?: number;
  /** Filmed from a tripod: not stabilised, as on a bare background the keypoints follow the moving object instead. */
  tripod?: boolean;
}

export interface MakeOptions {
  name: string;
  description?: string;
  frames: number;
  size: number;
  stride: number;
  stabilize: boolean;
  quality?: number;
  shardBytes?: number;
  /** Largest number of frames decoded from one input. */
  maxFrames?: number;
}

export interface InputReport {
  path: string;
  clips: number;
  windows: number;
  dropped: number;
  error?: string;
}

export async function makeShards(inputs: VideoInput[], opts: MakeOptions): Promise<{ dataset: BuiltDataset; reports: InputReport[] }> {
  const stabilizer = opts.stabilize ? await Stabilizer.create(nodeOpenCv) : undefined;
  // Stabilise at twice the output size (the authors' 128 px for 64 px clips), then area-downsample.
  const workSide = opts.stabilize ? 2 * opts.size : opts.size;
  const reports: InputReport[] = [];
  const bars = new MultiBar(
    { format: '{bar} {value}/{total} {unit} | {stage}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000, stream: process.stderr },
    Presets.shades_classic,
  );
  const filesBar = bars.create(inputs.length, 0, { unit: 'videos', stage: '' });
  const clipsBar = bars.create(1, 0, { unit: 'clips encoded', stage: '' });
  // Filled while the clips stream; buildDataset reads it only after the last clip.
  const attribution: Attribution[] = [];

  async function* clips(): AsyncGenerator<Clip> {
    let index = 0;
    for (const input of inputs) {
      const name = basename(input.path);
      const report: InputReport = { path: input.path, clips: 0, windows: 0, dropped: 0 };
      reports.push(report);
      filesBar.update({ stage: `${name}: decoding` });
      try {
        const video = await decodeVideo(name, await readFile(input.path), workSide, input.maxFrames ?? opts.maxFrames);
        filesBar.update({
          stage: `${name}: ${video.frames} frames at ${video.fps} fps${stabilizer && !input.tripod ? ', stabilising' : ''}`,
        });
        const cut = cutClips(video, {
          frames: opts.frames,
          size: opts.size,
          stride: input.stride ?? opts.stride,
          stabilizer: input.tripod ? undefined : stabilizer,
          source: name,
          firstFrame: input.firstFrame,
          licence: input.licence,
          labels: input.labels,
          firstIndex: index,
        });
        Object.assign(report, { clips: cut.clips.length, windows: cut.windows, dropped: cut.dropped });
        if (cut.clips.length === 0)
          report.error = `the stabiliser dropped all ${cut.windows} windows: their camera motion could not be trusted`;
        if (cut.clips.length > 0)
          attribution.push({ source: input.source, licence: input.licence, ...(input.url ? { url: input.url } : {}) });
        clipsBar.setTotal(index + cut.clips.length);
        index += cut.clips.length;
        yield* cut.clips;
      } catch (e) {
        // A file that cannot be read or decoded costs only itself; anything else is a bug and stops the run.
        if (!(e instanceof DataError) && !isFileError(e)) throw e;
        report.error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      filesBar.increment();
    }
  }

  try {
    const dataset = await buildDataset(clips(), {
      name: opts.name,
      description: opts.description,
      attribution,
      encoder: nodeEncoder,
      quality: opts.quality,
      shardBytes: opts.shardBytes,
      onProgress: (done) => clipsBar.update(done),
    });
    return { dataset, reports };
  } catch (e) {
    // The builder knows only that no clip came; each input's reason is here.
    if (!(e instanceof ClipError) || reports.some((r) => r.clips > 0)) throw e;
    throw new NoClipsError(`none of the ${inputs.length} input${inputs.length === 1 ? '' : 's'} gave a clip:\n${summarise(reports)}`);
  } finally {
    bars.stop();
  }
}

/** No input gave a single clip; the message lists each input and why. */
export class NoClipsError extends DataError {}

/** An error of the file system (no such file, a folder, no permission), which names the path. */
const isFileError = (e: unknown) => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'path' in e;

export function summarise(reports: InputReport[]): string {
  const lines = reports.map((r) =>
    r.error
      ? `  ${r.path}: skipped (${r.error})`
      : `  ${r.path}: ${r.clips} clips${r.dropped ? `, ${r.dropped} of ${r.windows} windows dropped by the stabiliser` : ''}`,
  );
  const windows = reports.reduce((n, r) => n + r.windows, 0);
  const dropped = reports.reduce((n, r) => n + r.dropped, 0);
  if (windows > 0) lines.push(`  dropped share: ${((100 * dropped) / windows).toFixed(1)}% of ${windows} windows`);
  return lines.join('\n');
}
