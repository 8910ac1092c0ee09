// The bad-input corpus (tests/fixtures/bad-inputs, written by its make.ts) through every TypeScript entry point
// that reads such files, against tests/fixtures/bad-inputs/expectations.json (which the Python readers'
// test reads too): each error has the expected class and names the file and the defect, the good files
// beside the bad one still load, and a refused weights file leaves no tensor behind.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as tf from '../../src/tf';
import type { DataError } from '../../src/data/errors';
import { openDataset } from '../../src/data/loader';
import { fileFetch, nodeDecoder } from '../../src/data/node';
import { sniffStill, stillToFrame } from '../../src/data/still-image';
import type { ModelConfig } from '../../src/model/config';
import { loadPretrained } from '../../src/model/pretrained';
import { artifactsOf, readingWeights } from '../../src/model/weights';
import { Trainer } from '../../src/train/trainer';
import { readWeightsFiles } from '../../src/ui/weights-files';
import { loadLocalClips, loadWeightsDir } from '../../tools/lib/eval-cli';
import corpus from '../fixtures/bad-inputs/expectations.json';

const ROOT = 'tests/fixtures/bad-inputs';

interface Expectation {
  class: { ts?: string; py?: string };
  message: string[] | { ts?: string[]; py?: string[] };
  loads?: number | null;
}

/** The error names the file and the defect (every substring of the case), with the expected class when there is one to see. */
function expectRefusal(error: unknown, want: Expectation, where: string, checkClass = true) {
  expect(error, where).toBeInstanceOf(Error);
  const message = (error as Error).message;
  if (checkClass) expect((error as Error).name, `${where}: ${message}`).toBe(want.class.ts);
  for (const part of Array.isArray(want.message) ? want.message : want.message.ts!) expect(message, where).toContain(part);
}

const datasetCases = Object.entries(corpus.datasets.cases) as Array<[string, Expectation]>;
const { size, frames } = corpus.datasets.clip;

describe('bad datasets', () => {
  it.each(datasetCases)('%s: the loader names it and loads the good clips beside it', async (name, want) => {
    const errors: DataError[] = [];
    const start = performance.now();
    const opened = openDataset('', {
      size,
      frames,
      batchSize: 1,
      decoder: nodeDecoder,
      fetch: fileFetch(join(ROOT, 'datasets', name)),
      onError: (e) => errors.push(e),
    });
    if (want.loads === null) return expectRefusal(await opened.catch((e) => e), want, 'openDataset');
    const keys: string[] = [];
    for await (const clip of (await opened).clips()) keys.push(clip.key);
    expect(keys).toHaveLength(want.loads!);
    expect(errors, errors.map((e) => e.message).join('\n')).toHaveLength(1);
    expectRefusal(errors[0], want, 'the loader');
    expect(performance.now() - start).toBeLessThan(5000); // a decode bomb is refused, not decoded
  });

  it.each(datasetCases)('%s: the research CLIs warn with the same message and go on with the good clips', async (name, want) => {
    const warn = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const config = { size, frames, frameStride: 1 } as ModelConfig;
      const read = loadLocalClips(join(ROOT, 'datasets', name), config, { seed: 0 });
      if (want.loads === null) return expectRefusal(await read.catch((e) => e), want, 'loadLocalClips');
      const { clips } = await read;
      expect(clips).toHaveLength(want.loads!);
      expect(warn).toHaveBeenCalledTimes(1);
      expectRefusal(new Error(String(warn.mock.calls[0][0])), want, 'the CLI warning', false);
    } finally {
      warn.mockRestore();
    }
  });
});

const weightsRoot = join(ROOT, 'weights');

/** Every way a weights folder is read, each building what its caller builds; each returns what to dispose. */
const weightsEntryPoints: Record<string, (name: string) => Promise<{ dispose(): void }>> = {
  'the CLIs (loadWeightsDir)': (name) => loadWeightsDir(join(weightsRoot, name)),
  'a shipped model (loadPretrained, then Trainer.restore as the training worker does)': async (name) => {
    const artifacts = await loadPretrained('', name, () => {}, fileFetch(weightsRoot));
    return readingWeights(`weights/${name}/model.json`, () => Trainer.restore(artifacts));
  },
  "the page's pick (readWeightsFiles, then artifactsOf and Trainer.restore in the training worker)": async (name) => {
    const dir = join(weightsRoot, name);
    const files = await Promise.all((await readdir(dir)).map(async (f) => new File([await readFile(join(dir, f))], f)));
    const upload = await readWeightsFiles(files);
    return readingWeights(upload.name, () => Trainer.restore(artifactsOf(upload.modelJson, upload.weights)));
  },
};

describe('bad weights', () => {
  const cases = Object.entries(corpus.weights.cases) as Array<[string, Expectation]>;
  for (const [entry, read] of Object.entries(weightsEntryPoints)) {
    it.each(cases)(`%s: ${entry} refuses it, naming the file and the defect, and leaves no tensor`, async (name, want) => {
      const before = tf.memory().numTensors;
      expectRefusal(
        await read(name).then(
          (built) => {
            built.dispose();
            return null;
          },
          (e) => e,
        ),
        want,
        entry,
      );
      expect(tf.memory().numTensors).toBe(before);
      // The good model beside it still loads.
      (await read(corpus.weights.good)).dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('bad still images', () => {
  const cases = Object.entries(corpus.stills.cases) as Array<[string, Expectation]>;
  /** The Future view's path, with Node's decoder: header, decode, frame. */
  async function frameOf(file: string) {
    const bytes = new Uint8Array(await readFile(join(ROOT, 'stills', file)));
    const info = sniffStill(bytes, file);
    return stillToFrame(await nodeDecoder.decode(bytes, info.format as 'png' | 'jpeg', file), info, 16);
  }
  it.each(cases)('%s: the still-image reader refuses it from its header, naming the file and the defect', async (file, want) => {
    expectRefusal(await frameOf(file).catch((e) => e), want, 'sniffStill');
    expect((await frameOf(corpus.stills.good)).frame).toHaveLength(16 * 16 * 3);
  });
});
