import { expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { Adam } from '../../src/train/adam';

it('follows PyTorch’s Adam update step by step and restores its state exactly', () => {
  const [lr, b1, b2, eps] = [0.1, 0.5, 0.999, 1e-8];
  const w = tf.variable(tf.tensor1d([1, -2]));
  const vars = new Map([['w', w]]);
  const opt = new Adam(lr, b1, b2, eps);
  // reference in float64
  let p = [1, -2];
  let m = [0, 0];
  let v = [0, 0];
  const grads = [
    [0.5, -1],
    [0.25, 3],
    [-2, 0.001],
  ];
  grads.forEach((g, i) => {
    const step = i + 1;
    m = m.map((x, j) => b1 * x + (1 - b1) * g[j]);
    v = v.map((x, j) => b2 * x + (1 - b2) * g[j] ** 2);
    p = p.map((x, j) => x - ((lr / (1 - b1 ** step)) * m[j]) / (Math.sqrt(v[j]) / Math.sqrt(1 - b2 ** step) + eps));
    const gt = tf.tensor1d(g);
    opt.apply(vars, new Map([['w', gt]]));
    gt.dispose();
    const got = w.dataSync();
    p.forEach((x, j) => {
      expect(got[j]).toBeCloseTo(x, 5);
    });
  });
  const copy = new Adam(lr, b1, b2, eps);
  const state = opt.state('opt/');
  copy.restore('opt/', state);
  expect(copy.step).toBe(3);
  const w2 = tf.variable(w.clone());
  const g = tf.tensor1d([0.3, -0.7]);
  opt.apply(vars, new Map([['w', g]]));
  copy.apply(new Map([['w', w2]]), new Map([['w', g]]));
  expect(w2.dataSync()).toEqual(w.dataSync());
  expect(() => opt.apply(vars, new Map())).toThrow(/no gradient for w/);
  tf.dispose([w, w2, g, state.get('opt/step')!]);
  opt.dispose();
  copy.dispose();
});
