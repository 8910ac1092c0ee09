// Receptive fields of known layer stacks, and the top images of a unit built to detect red.
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { architecture, resolveConfig, type LayerSpec } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { receptiveFields, regionOf, topHits, unitTopImages } from '../../src/eval/units';

describe('receptive fields', () => {
  it('follows the paper encoder: kernel 4, stride 2, padding 1, four times', () => {
    const fields = receptiveFields(architecture(resolveConfig('paper'), 'future').encoder);
    expect(fields.map((f) => f.size[0])).toEqual([4, 10, 22, 46]);
    expect(fields.map((f) => f.jump[0])).toEqual([2, 4, 8, 16]);
    expect(fields.map((f) => f.offset[0])).toEqual([-1, -3, -7, -15]);
  });

  it('handles valid padding, stride 1 and 3D kernels', () => {
    const layer = (kernel: number[], stride: number, pad: 'same' | 'valid', inShape: number[], outShape: number[]): LayerSpec => ({
      name: 'l',
      op: kernel.length === 3 ? 'conv3d' : 'conv2d',
      inChannels: 1,
      outChannels: 1,
      kernel,
      stride,
      pad,
      batchNorm: false,
      activation: 'relu',
      inShape,
      outShape,
    });
    const [, second] = receptiveFields([layer([3, 3], 1, 'valid', [9, 9, 1], [7, 7, 1]), layer([3, 3], 1, 'valid', [7, 7, 1], [5, 5, 1])]);
    expect(second).toEqual({ size: [5, 5], jump: [1, 1], offset: [0, 0] });
    // 'same' with an odd total padding puts the smaller half first, as tfjs does.
    const [odd] = receptiveFields([layer([2, 4, 4], 2, 'same', [8, 16, 16, 3], [4, 8, 8, 1])]);
    expect(odd).toEqual({ size: [2, 4, 4], jump: [2, 2, 2], offset: [0, -1, -1] });
  });

  it('clips regions to the image', () => {
    const field = { size: [10, 10], jump: [4, 4], offset: [-3, -3] };
    expect(regionOf(field, [0, 3], 16, 16)).toEqual({ top: 0, left: 9, bottom: 7, right: 16 });
  });
});

describe('top images of a unit', () => {
  it('ranks by the maximum activation and breaks ties by image order', () => {
    const field = { size: [1, 1], jump: [1, 1], offset: [0, 0] };
    const hits = topHits(
      [
        { score: 1, position: [0, 0] },
        { score: 5, position: [1, 2] },
        { score: 1, position: [2, 2] },
      ],
      2,
      field,
      4,
      4,
    );
    expect(hits.map((h) => h.image)).toEqual([1, 0]);
    expect(hits[0].region).toEqual({ top: 1, left: 2, bottom: 2, right: 3 });
  });

  it('finds the images with the reddest squares, and where the squares are', async () => {
    const config = resolveConfig('tiny');
    const model = new VganModel(config, { kind: 'future', seed: 1 });
    // Channel 0 of conv1 sums the red input over its 4×4 window.
    const kernel = model.params.get('generator/encoder/conv1/kernel');
    const [kh, kw, cin, cout] = kernel.shape;
    const weights = new Float32Array(kh * kw * cin * cout);
    for (let p = 0; p < kh * kw; p++) weights[p * cin * cout + 0 * cout + 0] = 1;
    kernel.assign(tf.tensor4d(weights, [kh, kw, cin, cout]));
    const size = config.size;
    // Grey images (0, so zero padding changes nothing); image i has a red 3×3 square of strength `reds[i]` at `corners[i]`.
    const reds = [0.2, 1, 0, 0.6, 0.9];
    const corners = [
      [2, 2],
      [8, 4],
      [0, 0],
      [12, 12],
      [4, 10],
    ];
    const images = new Float32Array(reds.length * size * size * 3);
    reds.forEach((r, i) => {
      for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) images[((i * size + corners[i][0] + y) * size + corners[i][1] + x) * 3] = r;
    });
    const before = tf.memory().numTensors;
    const hits = await unitTopImages(model, images, { layer: 'conv1', channel: 0, k: 3, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(hits.map((h) => h.image)).toEqual([1, 4, 3]);
    for (const h of hits) {
      const [y, x] = corners[h.image];
      // The strongest position's 4×4 window covers a full row and column of the square.
      expect(h.region.bottom - h.region.top).toBeLessThanOrEqual(4);
      expect(h.region.top).toBeLessThanOrEqual(y + 2);
      expect(h.region.bottom).toBeGreaterThan(y);
      expect(h.region.left).toBeLessThanOrEqual(x + 2);
      expect(h.region.right).toBeGreaterThan(x);
    }
    await expect(unitTopImages(model, images, { layer: 'conv9', channel: 0, k: 1 })).rejects.toThrow(/no layer "conv9"/);
    model.dispose();
  });
});
