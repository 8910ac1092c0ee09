import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { ConfigError, architecture, resolveConfig, type ModelKind } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { registerConv3dTransposeGradient } from '../../src/model/gradients';

const live: VganModel[] = [];
function model(...args: ConstructorParameters<typeof VganModel>): VganModel {
  const m = new VganModel(...args);
  live.push(m);
  return m;
}
afterEach(() => {
  for (const m of live.splice(0)) m.dispose();
});

describe('config', () => {
  it('derives the authors’ paper tables from (size, frames, base channels)', () => {
    const a = architecture(resolveConfig('paper'));
    const row = (l: { inShape: number[]; outShape: number[]; kernel: number[]; stride: number }) =>
      `${l.inShape.join('x')}>${l.outShape.join('x')} k${l.kernel.join('')} s${l.stride}`;
    expect([...a.foreground, a.videoHead, a.maskHead].map(row)).toEqual([
      '1x1x1x100>2x4x4x512 k244 s1',
      '2x4x4x512>4x8x8x256 k444 s2',
      '4x8x8x256>8x16x16x128 k444 s2',
      '8x16x16x128>16x32x32x64 k444 s2',
      '16x32x32x64>32x64x64x3 k444 s2',
      '16x32x32x64>32x64x64x1 k444 s2',
    ]);
    expect(a.background.map(row)).toEqual([
      '1x1x100>4x4x512 k44 s1',
      '4x4x512>8x8x256 k44 s2',
      '8x8x256>16x16x128 k44 s2',
      '16x16x128>32x32x64 k44 s2',
      '32x32x64>64x64x3 k44 s2',
    ]);
    expect([...a.discriminator, a.discriminatorHead].map(row)).toEqual([
      '32x64x64x3>16x32x32x64 k444 s2',
      '16x32x32x64>8x16x16x128 k444 s2',
      '8x16x16x128>4x8x8x256 k444 s2',
      '4x8x8x256>2x4x4x512 k444 s2',
      '2x4x4x512>1x1x1x1 k244 s1',
    ]);
    expect(a.discriminator.map((l) => l.batchNorm)).toEqual([false, true, true, true]);
    const f = architecture(resolveConfig('paper'), 'future');
    expect(f.encoder.map(row)).toEqual([
      '64x64x3>32x32x128 k44 s2',
      '32x32x128>16x16x256 k44 s2',
      '16x16x256>8x8x512 k44 s2',
      '8x8x512>4x4x1024 k44 s2',
    ]);
    expect(f.foreground.map(row)).toEqual([
      '1x4x4x1024>2x4x4x1024 k211 s1',
      '2x4x4x1024>4x8x8x512 k444 s2',
      '4x8x8x512>8x16x16x256 k444 s2',
      '8x16x16x256>16x32x32x128 k444 s2',
    ]);
    expect(f.background.map(row)).toEqual([
      '4x4x1024>8x8x512 k44 s2',
      '8x8x512>16x16x256 k44 s2',
      '16x16x256>32x32x128 k44 s2',
      '32x32x128>64x64x3 k44 s2',
    ]);
    expect([...f.discriminator, f.discriminatorHead].map((l) => l.outChannels)).toEqual([128, 256, 512, 1024, 1]);
  });

  it('lets frames exceed the minimum by lengthening the first temporal kernel', () => {
    const a = architecture(resolveConfig({ preset: 'small', frames: 32 }));
    expect(a.foreground[0].kernel).toEqual([4, 4, 4]);
    expect(a.videoHead.outShape).toEqual([32, 32, 32, 3]);
    expect(a.discriminatorHead.kernel).toEqual([4, 4, 4]);
  });

  it.each([
    [{ preset: 'tiny', size: 24 }, 'size'],
    [{ preset: 'tiny', size: 4 }, 'size'],
    [{ preset: 'paper', frames: 8 }, 'frames'],
    [{ preset: 'small', frames: 20 }, 'frames'],
    [{ preset: 'tiny', zDim: 0 }, 'zDim'],
    [{ preset: 'tiny', zDim: -3 }, 'zDim'],
    [{ preset: 'tiny', baseChannels: 1.5 }, 'baseChannels'],
    [{ preset: 'huge' }, 'preset'],
  ])('rejects %j naming the field %s', (spec, field) => {
    let error: unknown;
    try {
      resolveConfig(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as Error).message).toContain(field);
  });
});

// Parameter counts from the reference layer table: [in, out, kernel volume, batchNorm].
type Row = [number, number, number, boolean?];
const count = (rows: Row[]) => rows.reduce((n, [i, o, k, bn]) => n + i * o * k + o + (bn ? 2 * o : 0), 0);
const paperForeground: Row[] = [
  [100, 512, 32, true],
  [512, 256, 64, true],
  [256, 128, 64, true],
  [128, 64, 64, true],
  [64, 3, 64],
];
const paperMask: Row[] = [[64, 1, 64]];
const paperBackground: Row[] = [
  [100, 512, 16, true],
  [512, 256, 16, true],
  [256, 128, 16, true],
  [128, 64, 16, true],
  [64, 3, 16],
];
const paperD: Row[] = [
  [3, 64, 64],
  [64, 128, 64, true],
  [128, 256, 64, true],
  [256, 512, 64, true],
  [512, 1, 32],
];
const futureG: Row[] = [
  [3, 128, 16],
  [128, 256, 16, true],
  [256, 512, 16, true],
  [512, 1024, 16, true], // encoder
  [1024, 1024, 2, true],
  [1024, 512, 64, true],
  [512, 256, 64, true],
  [256, 128, 64, true],
  [128, 3, 64],
  [128, 1, 64], // foreground
  [1024, 512, 16, true],
  [512, 256, 16, true],
  [256, 128, 16, true],
  [128, 3, 16], // background
];
const futureD: Row[] = [
  [3, 128, 64],
  [128, 256, 64, true],
  [256, 512, 64, true],
  [512, 1024, 64, true],
  [1024, 1, 32],
];

describe('networks', () => {
  it('has the reference table’s parameter counts (paper preset)', () => {
    const two = model(resolveConfig('paper'));
    expect(two.params.countTrainable('generator/')).toBe(count([...paperForeground, ...paperMask, ...paperBackground]));
    expect(two.params.countTrainable('discriminator/')).toBe(count(paperD));
    two.dispose();
    const one = model(resolveConfig('paper'), { generator: 'oneStream' });
    expect(one.params.countTrainable('generator/')).toBe(count(paperForeground));
    one.dispose();
    const future = model(resolveConfig('paper'), { kind: 'future' });
    expect(future.params.countTrainable('generator/')).toBe(count(futureG));
    expect(future.params.countTrainable('discriminator/')).toBe(count(futureD));
  });

  it('initialises as the authors: weights N(0, 0.01), biases 0, BN gamma N(1, 0.02)', () => {
    const m = model(resolveConfig('small'), { seed: 3 });
    const w = m.params.get('generator/foreground/conv2/kernel');
    const { mean, variance } = tf.moments(w);
    expect(Math.abs(mean.dataSync()[0])).toBeLessThan(1e-3);
    expect(Math.sqrt(variance.dataSync()[0])).toBeCloseTo(0.01, 3);
    expect(tf.max(tf.abs(m.params.get('discriminator/conv2/bias'))).dataSync()[0]).toBe(0);
    const gamma = m.params.get('generator/background/conv2/gamma');
    expect(tf.mean(gamma).dataSync()[0]).toBeCloseTo(1, 1);
    tf.dispose([mean, variance]);
  });

  const shapeCases: Array<[string, number, ModelKind]> = [
    ['tiny', 3, 'unconditional'],
    ['small', 2, 'unconditional'],
    ['tiny', 2, 'future'],
    ['small', 2, 'future'],
    ['paper', 1, 'unconditional'],
    ['paper', 1, 'future'],
  ];
  it.each(shapeCases)('gives the right shapes: %s, batch %i, %s', (preset, n, kind) => {
    const c = resolveConfig(preset);
    const m = model(c, { kind, classes: 5 });
    tf.tidy(() => {
      const input = kind === 'future' ? tf.randomUniform([n, c.size, c.size, 3], -1, 1) : tf.randomNormal([n, c.zDim]);
      const out = m.generate(input);
      const video = [n, c.frames, c.size, c.size];
      expect(out.video.shape).toEqual([...video, 3]);
      expect(out.foreground!.shape).toEqual([...video, 3]);
      expect(out.background!.shape).toEqual([...video, 3]);
      expect(out.mask!.shape).toEqual([...video, 1]);
      expect(m.discriminate(out.video).shape).toEqual([n]);
      // the classifier reuses the discriminator trunk; checking it on paper size would only double the time
      if (preset !== 'paper') expect(m.classify(out.video).shape).toEqual([n, 5]);
    });
    if (kind === 'unconditional' && preset !== 'paper') {
      const one = model(c, { generator: 'oneStream' });
      tf.tidy(() => {
        const out = one.generate(tf.randomNormal([n, c.zDim]));
        expect(out.video.shape).toEqual([n, c.frames, c.size, c.size, 3]);
        expect(out.mask).toBeUndefined();
      });
    }
  });

  it('composes m·f + (1 − m)·b with a mask in [0, 1] and a background still in time', () => {
    const c = resolveConfig('tiny');
    const m = model(c, { seed: 9 });
    tf.tidy(() => {
      const out = m.generate(tf.randomNormal([3, c.zDim], 0, 1, 'float32', 4), { training: true });
      const mask = out.mask!;
      expect(tf.min(mask).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(mask).dataSync()[0]).toBeLessThanOrEqual(1);
      // a mask saturated at 0 or 1 would make the composite test blind to one stream
      expect(tf.moments(mask).variance.dataSync()[0]).toBeGreaterThan(0);
      const b = out.background!;
      const first = b.slice([0, 0, 0, 0, 0], [3, 1, c.size, c.size, 3]);
      expect(tf.max(tf.abs(b.sub(first))).dataSync()[0]).toBe(0);
      const expected = mask.mul(out.foreground!).add(tf.sub(1, mask).mul(b));
      expect(tf.max(tf.abs(out.video.sub(expected))).dataSync()[0]).toBeLessThan(1e-6);
    });
  });

  it('rejects inputs of the wrong shape with a clear message', () => {
    const c = resolveConfig('tiny');
    const m = model(c);
    const f = model(c, { kind: 'future' });
    tf.tidy(() => {
      expect(() => m.generate(tf.zeros([2, c.zDim + 1]))).toThrow(/generator input must be \[N, 16\]/);
      expect(() => f.generate(tf.zeros([2, 8, 8, 3]))).toThrow(/future generator input/);
      expect(() => m.discriminate(tf.zeros([1, 4, 16, 16, 3]) as tf.Tensor5D)).toThrow(/discriminator input/);
    });
  });
});

describe('Conv3DBackpropInputV2 gradient', () => {
  registerConv3dTransposeGradient();
  // convT is linear in each argument, so a central difference of L = Σ convT(d, W) ⊙ R is exact up to rounding.
  type Shape5 = [number, number, number, number, number];
  it.each<{ d: Shape5; w: Shape5; stride: number; pad: 'same' | 'valid' }>([
    { d: [2, 2, 3, 3, 5], w: [4, 4, 4, 3, 5], stride: 2, pad: 'same' as const },
    { d: [1, 1, 1, 1, 6], w: [2, 4, 4, 4, 6], stride: 1, pad: 'valid' as const },
    { d: [1, 2, 2, 3, 2], w: [3, 3, 3, 2, 2], stride: 1, pad: 'same' as const },
  ])('matches finite differences for dy $d, filter $w, stride $stride, $pad', ({ d, w, stride, pad }) => {
    const dy = tf.randomNormal(d, 0, 1, 'float32', 1) as tf.Tensor5D;
    const filter = tf.randomNormal(w, 0, 1, 'float32', 2) as tf.Tensor5D;
    const s = [stride, stride, stride] as [number, number, number];
    const spatial = d.slice(1, 4).map((n, i) => (pad === 'same' ? n * stride : (n - 1) * stride + w[i]));
    const outShape = [d[0], ...spatial, w[3]] as [number, number, number, number, number];
    const r = tf.randomNormal(outShape, 0, 1, 'float32', 3);
    const loss = (a: tf.Tensor5D, b: tf.Tensor5D) => tf.sum(tf.conv3dTranspose(a, b, outShape, s, pad).mul(r)) as tf.Scalar;
    const [gd, gw] = tf.grads((a, b) => loss(a as tf.Tensor5D, b as tf.Tensor5D))([dy, filter]);
    const eps = 1e-2;
    const probe = (t: tf.Tensor5D, g: tf.Tensor, which: 0 | 1) => {
      const flat = t.dataSync();
      const grad = g.dataSync();
      for (const idx of [0, Math.floor(flat.length / 3), flat.length - 1]) {
        const bump = (delta: number) =>
          tf.tidy(() => {
            const v = flat.slice();
            v[idx] += delta;
            const moved = tf.tensor(v, t.shape) as tf.Tensor5D;
            return loss(which === 0 ? moved : dy, which === 1 ? moved : filter).dataSync()[0];
          });
        const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
        expect(Math.abs(numeric - grad[idx])).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    };
    probe(dy, gd, 0);
    probe(filter, gw, 1);
    tf.dispose([dy, filter, r, gd, gw]);
  });
});

describe('sampleClips', () => {
  it('reads every stream of every sample back and leaks nothing', async () => {
    const { sampleClips } = await import('../../src/model/sample');
    const c = resolveConfig('tiny');
    const m = model(c, { seed: 2 });
    const z = tf.randomNormal([2, c.zDim], 0, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const [plain, batch] = [await sampleClips(m, z), await sampleClips(m, z, { batchStatistics: true })];
    expect(tf.memory().numTensors).toBe(before);
    const ref = tf.tidy(() => m.generate(z).video.dataSync());
    const len = c.frames * c.size * c.size * 3;
    expect(plain[1].video.data).toEqual(ref.slice(len, 2 * len));
    expect(plain[0].mask!.channels).toBe(1);
    expect(batch[0].video.data).not.toEqual(plain[0].video.data);
    // batch statistics leave the running averages alone
    expect(
      m.params
        .get('generator/foreground/conv1/movingMean')
        .dataSync()
        .every((x) => x === 0),
    ).toBe(true);
    z.dispose();
  });
});
