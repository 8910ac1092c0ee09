import { describe, expect, it } from 'vitest';
import { track } from './track';
import * as tf from '../../src/tf';
import { resizeKernel, resizeKernelInverse } from '../../src/model/resize';
import { VganModel } from '../../src/model/networks';
import { resolveConfig } from '../../src/model/config';
import { WeightsError, loadModel, saveModel } from '../../src/model/weights';
import { Trainer } from '../../src/train/trainer';

/** Nearest-neighbour upsampling by 2 along axes 1…dims of [N, …, C], by gathering every index twice. */
function upsampleNearest(x: tf.Tensor, dims: number): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    for (let axis = 1; axis <= dims; axis++) {
      const n = y.shape[axis]!;
      y = tf.gather(
        y,
        tf.tensor1d(
          Array.from({ length: 2 * n }, (_, i) => Math.floor(i / 2)),
          'int32',
        ),
        axis,
      );
    }
    return y;
  });
}

describe('resize-convolution (upsample: resize)', () => {
  it.each([3, 2])('is the transposed convolution of its expanded kernel (%iD, borders included)', (dims) => {
    const [cin, cout] = [3, 5];
    const spatial = dims === 3 ? [2, 3, 4] : [3, 4];
    const x = track(tf.randomNormal([2, ...spatial, cin], 0, 1, 'float32', 1));
    // A transposed layer's kernel layout [k…, out, in]; the 'same' convolution after upsampling takes [k…, in, out].
    const taps = track(tf.randomNormal([...Array(dims).fill(3), cout, cin], 0, 1, 'float32', 2));
    const convKernel = track(taps.transpose([...Array(dims).keys(), dims + 1, dims]));
    const w = track(resizeKernel(taps, dims));
    expect(w.shape).toEqual([...Array(dims).fill(4), cout, cin]);
    const outShape = [2, ...spatial.map((n) => 2 * n), cout];
    const [viaTransposed, viaResize] = tf.tidy(() =>
      dims === 3
        ? [
            tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, outShape as [number, number, number, number, number], 2, 'same'),
            tf.conv3d(upsampleNearest(x, 3) as tf.Tensor5D, convKernel as tf.Tensor5D, 1, 'same'),
          ]
        : [
            tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, outShape as [number, number, number, number], 2, 'same'),
            tf.conv2d(upsampleNearest(x, 2) as tf.Tensor4D, convKernel as tf.Tensor4D, 1, 'same'),
          ],
    );
    track(viaTransposed);
    track(viaResize);
    const diff = track(viaTransposed.sub(viaResize).abs().max());
    expect(diff.dataSync()[0]).toBeLessThan(1e-4);
  });

  it('maps a flat input to a flat output, where the paper’s kernels draw a checkerboard', () => {
    const x = track(tf.ones([1, 4, 4, 2]));
    const taps = track(tf.randomNormal([3, 3, 1, 2], 0, 1, 'float32', 3));
    const free = track(tf.randomNormal([4, 4, 1, 2], 0, 1, 'float32', 3));
    const spread = (w: tf.Tensor) =>
      tf.tidy(() => {
        // The interior (away from the zero padding) of the output.
        const y = tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [1, 8, 8, 1], 2, 'same').slice([0, 2, 2, 0], [1, 4, 4, 1]);
        return y.max().sub(y.min()).dataSync()[0]!;
      });
    const expanded = track(resizeKernel(taps, 2));
    expect(spread(expanded)).toBeLessThan(1e-5);
    expect(spread(free)).toBeGreaterThan(0.1);
  });

  it('gives the taps back from the expanded kernel and refuses a kernel that is not one', () => {
    const taps = track(tf.randomNormal([3, 3, 3, 2, 4], 0, 0.01, 'float32', 4));
    const w = track(resizeKernel(taps, 3));
    const back = track(resizeKernelInverse(w.dataSync(), w.shape, 3)!);
    expect(back.shape).toEqual(taps.shape);
    const diff = track(back.sub(taps).abs().max());
    expect(diff.dataSync()[0]).toBeLessThan(1e-8);
    // Rounded to float16 (a published file) it still reads back; a free kernel does not.
    const rounded = Float32Array.from(w.dataSync(), (v) => v * (1 + 4e-4 * Math.sign(Math.sin(v * 1e4))));
    track(resizeKernelInverse(rounded, w.shape, 3)!);
    const free = track(tf.randomNormal([4, 4, 4, 2, 4], 0, 0.01, 'float32', 5));
    expect(resizeKernelInverse(free.dataSync(), free.shape, 3)).toBeNull();
  });

  it('trains 3-tap kernels in the generator’s stride-2 layers only, and writes the paper’s layers', async () => {
    const config = resolveConfig({ preset: 'tiny', baseChannels: 8 });
    const model = track(new VganModel(config, { upsample: 'resize', seed: 1 }));
    const paper = track(new VganModel(config, { seed: 1 }));
    const shapes = (m: VganModel) => new Map([...m.params.trainable].map(([n, v]) => [n, v.shape]));
    const [mine, theirs] = [shapes(model), shapes(paper)];
    const changed = [...mine].filter(([n, s]) => !tf.util.arraysEqual(s, theirs.get(n)!)).map(([n]) => n);
    expect(changed.sort()).toEqual(
      [
        'generator/background/conv2/kernel',
        'generator/background/rgb/kernel',
        'generator/foreground/conv2/kernel',
        'generator/foreground/mask/kernel',
        'generator/foreground/video/kernel',
      ].sort(),
    );
    expect(mine.get('generator/foreground/video/kernel')).toEqual([3, 3, 3, 3, 8]);
    const artifacts = await saveModel(model);
    expect(artifacts.weightSpecs!.find((s) => s.name === 'generator/foreground/video/kernel')!.shape).toEqual([4, 4, 4, 3, 8]);
    // A paper model reads the file as it is: the same video.
    const { model: asPaper } = loadModel({
      ...artifacts,
      modelTopology: { ...(artifacts.modelTopology as object), upsample: 'transposed' },
    });
    const { model: again, topology } = loadModel(artifacts);
    track(asPaper);
    track(again);
    expect(topology.upsample).toBe('resize');
    expect(again.upsample).toBe('resize');
    const z = track(tf.randomNormal([2, config.zDim], 0, 1, 'float32', 6));
    const [a, b, c] = [model.generate(z), asPaper.generate(z), again.generate(z)];
    for (const other of [b, c]) {
      const diff = tf.tidy(() => other.video.sub(a.video).abs().max().dataSync()[0]!);
      expect(diff).toBeLessThan(1e-5);
    }
    tf.dispose([a, b, c] as never);
  });

  it('refuses a file whose kernels are not resize kernels, or whose upsample is unknown', async () => {
    const config = resolveConfig({ preset: 'tiny', baseChannels: 8 });
    const paper = track(new VganModel(config, { seed: 1 }));
    const artifacts = await saveModel(paper);
    const before = tf.memory().numTensors;
    const topology = artifacts.modelTopology as object;
    expect(() => loadModel({ ...artifacts, modelTopology: { ...topology, upsample: 'resize' } })).toThrow(
      /generator\/foreground\/conv2\/kernel: this kernel is not a resize-convolution's/,
    );
    expect(() => loadModel({ ...artifacts, modelTopology: { ...topology, upsample: 'bilinear' } })).toThrow(WeightsError);
    expect(() => loadModel({ ...artifacts, modelTopology: { ...topology, upsample: 'bilinear' } })).toThrow(/upsample "bilinear"/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains, leaks nothing, and resumes from a checkpoint exactly', async () => {
    const options = { preset: 'tiny', config: { baseChannels: 8 }, upsample: 'resize' as const, seed: 3 };
    const straight = track(new Trainer(options));
    const { frames, size } = straight.config;
    const real = track(tf.tidy(() => tf.tanh(tf.randomNormal([4, frames, size, size, 3], 0, 1, 'float32', 11))) as tf.Tensor5D);
    await straight.step(real);
    const before = tf.memory().numTensors;
    await straight.step(real);
    expect(tf.memory().numTensors).toBe(before);
    const ckpt = await straight.checkpoint();
    for (let i = 0; i < 2; i++) await straight.step(real);
    const resumed = track(Trainer.restore(ckpt, { upsample: 'transposed' }));
    expect(resumed.model.upsample).toBe('resize');
    for (let i = 0; i < 2; i++) await resumed.step(real);
    const weights = (t: Trainer) => new Map([...t.model.params.all()].map(([k, v]) => [k, v.dataSync().slice()]));
    const want = weights(straight);
    for (const [name, w] of weights(resumed)) expect(w, name).toEqual(want.get(name));
  });
});
