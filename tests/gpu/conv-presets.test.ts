// Every conv layer of the tiny and small presets (both model families, batch 2) and of the paper
// preset (unconditional, batch 1), 3D and 2D (background stream, encoder): the layer's op and both
// gradients through our kernels against tfjs's cpu backend. Layers of one geometry (a generator layer
// and its mirror discriminator layer, say) share one test.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels } from '../../src/kernels';
import { architecture, convLayers, resolveConfig, type LayerSpec, type ModelKind, type PresetName } from '../../src/model/config';
import { checkAllThree, usedPipelines, type Case } from './kernels-helpers';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

/** A layer as the forward conv whose three kernels training runs (a transposed layer is its dInput). */
function asCase(l: LayerSpec, batch: number): Case {
  const transposed = l.op.endsWith('Transpose');
  const x = transposed ? l.outShape : l.inShape;
  const y = transposed ? l.inShape : l.outShape;
  return { x: [batch, ...x], f: [...l.kernel, x[x.length - 1], y[y.length - 1]], stride: l.stride, pad: l.pad };
}

const runs: Array<{ preset: PresetName; kind: ModelKind; batch: number }> = [
  { preset: 'tiny', kind: 'unconditional', batch: 2 },
  { preset: 'tiny', kind: 'future', batch: 2 },
  { preset: 'small', kind: 'unconditional', batch: 2 },
  { preset: 'small', kind: 'future', batch: 2 },
  { preset: 'paper', kind: 'unconditional', batch: 1 },
];

for (const run of runs) {
  const layers = convLayers(architecture(resolveConfig(run.preset), run.kind));
  const groups = new Map<string, { c: Case; names: string[] }>();
  for (const l of layers) {
    const c = asCase(l, run.batch);
    const key = JSON.stringify(c);
    if (!groups.has(key)) groups.set(key, { c, names: [] });
    groups.get(key)!.names.push(`${l.network}/${l.name}`);
  }
  describe(`${run.preset} ${run.kind}, batch ${run.batch}`, () => {
    [...groups.values()].forEach(({ c, names }, i) => {
      it(`${names.join(' + ')}: x ${c.x} filter ${c.f} stride ${c.stride} ${c.pad}`, async () => {
        const e = await checkAllThree(c, 1000 * i);
        const f = (v: number) => v.toExponential(1);
        console.log(
          `${run.preset}/${run.kind} ${names.join(' + ')}: rel. error conv ${f(e.forward)}, input grad ${f(e.dInput)}, filter grad ${f(e.dFilter)}`,
        );
      });
    });
  });
}

it('ran our shaders', () => {
  expect(usedPipelines().filter((k) => k.startsWith('vgan_conv3d')).length).toBeGreaterThan(2);
});
