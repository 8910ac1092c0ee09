// Picking a model as files (src/ui/weights-files.ts): its model.json and all its shards, in any order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { loadModel } from '../../src/model/weights';
import { readWeightsFiles } from '../../src/ui/weights-files';

const dir = join(import.meta.dirname, '../../public/weights/real-small');
const file = (name: string, bytes: Uint8Array<ArrayBuffer> | string) => new File([bytes], name);
const manifest = (paths: string[]) => JSON.stringify({ weightsManifest: [{ paths, weights: [] }] });

describe('a model picked as files', () => {
  it('joins a multi-shard model written by the PyTorch trainer in the manifest’s order, whatever the pick’s order', async () => {
    const json = readFileSync(join(dir, 'model.json'), 'utf8');
    const paths = JSON.parse(json).weightsManifest[0].paths as string[];
    expect(paths.length).toBeGreaterThan(1); // real-small was written in two 4 MiB shards
    const shards = paths.map((p) => file(p, readFileSync(join(dir, p))));
    const { modelJson, weights } = await readWeightsFiles([...shards].reverse().concat(file('model.json', json)));
    const parsed = JSON.parse(modelJson) as tf.io.ModelJSON;
    const { model, extra } = loadModel(tf.io.getModelArtifactsForJSONSync(parsed, parsed.weightsManifest[0].weights, weights));
    expect(model.config.size).toBe(32);
    model.dispose();
    tf.dispose([...extra.values()]);
  });

  it('takes one shard under another name for a one-shard model (a download saved as weights.bin)', async () => {
    const { weights } = await readWeightsFiles([
      file('model.json', manifest(['group1-shard1of1.bin'])),
      file('weights.bin', new Uint8Array([1, 2, 3])),
    ]);
    expect([...new Uint8Array(weights)]).toEqual([1, 2, 3]);
  });

  it('says which shard is missing, and refuses a pick without a model.json or with a broken one', async () => {
    const two = manifest(['a.bin', 'b.bin']);
    await expect(readWeightsFiles([file('model.json', two), file('a.bin', 'x')])).rejects.toThrow(
      'model.json names b.bin: pick it together with the model.json.',
    );
    await expect(readWeightsFiles([file('a.bin', 'x')])).rejects.toThrow(/Pick the model.json together with its .bin shard files/);
    await expect(readWeightsFiles([file('model.json', '{not json'), file('a.bin', 'x')])).rejects.toThrow(
      /^model\.json: not valid JSON \(/,
    );
    await expect(readWeightsFiles([file('model.json', '{}'), file('a.bin', 'x')])).rejects.toThrow(
      /^model\.json: no weightsManifest with weights and paths/,
    );
    await expect(readWeightsFiles([file('a.json', two), file('gmm.json', '{}')])).rejects.toThrow(
      'Pick one model.json, not a.json, gmm.json.',
    );
  });
});
