// Adam (Kingma & Ba) over named variables, in PyTorch's form. Ours rather than tf.train.adam because a
// checkpoint must restore it exactly (tfjs rebuilds β^t in float32 on restore, and parameters whose
// gradient is ~0, like biases before BatchNorm, amplify that last-bit drift), because its state must carry
// stable names, and because the playground changes the learning rate while training.
import * as tf from '../tf';

export class Adam {
  /** Updates applied so far (PyTorch's `step`). */
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    public learningRate: number,
    public beta1: number,
    public beta2 = 0.999,
    public epsilon = 1e-8,
  ) {}

  /** Applies gradients, keyed like `variables`, to those variables. */
  apply(variables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): void {
    this.step++;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const stepSize = this.learningRate / (1 - b1 ** this.step);
    const correction2 = Math.sqrt(1 - b2 ** this.step);
    tf.tidy(() => {
      for (const [name, variable] of variables) {
        const g = grads.get(name);
        if (!g) throw new Error(`no gradient for ${name}`);
        const m = this.slot(this.m, name, variable);
        const v = this.slot(this.v, name, variable);
        m.assign(m.mul(b1).add(g.mul(1 - b1)));
        v.assign(v.mul(b2).add(g.square().mul(1 - b2)));
        variable.assign(variable.sub(m.div(v.sqrt().div(correction2).add(epsilon)).mul(stepSize)));
      }
    });
  }

  private slot(slots: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let s = slots.get(name);
    if (!s) {
      s = tf.variable(tf.zerosLike(like), false);
      slots.set(name, s);
    }
    return s;
  }

  /** State as named tensors: `<prefix>step`, `<prefix><name>/m`, `<prefix><name>/v` (owned by the optimiser). */
  state(prefix: string): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>([[`${prefix}step`, tf.scalar(this.step, 'int32')]]);
    for (const [name, m] of this.m) {
      out.set(`${prefix}${name}/m`, m);
      out.set(`${prefix}${name}/v`, this.v.get(name)!);
    }
    return out;
  }

  /** Restores what `state(prefix)` saved; tensors are copied. */
  restore(prefix: string, tensors: Map<string, tf.Tensor>): void {
    const step = tensors.get(`${prefix}step`);
    if (!step) return;
    this.step = step.dataSync()[0];
    for (const [key, t] of tensors) {
      if (!key.startsWith(prefix) || key === `${prefix}step`) continue;
      const slots = key.endsWith('/m') ? this.m : key.endsWith('/v') ? this.v : null;
      if (!slots) continue;
      const name = key.slice(prefix.length, -2);
      slots.get(name)?.dispose();
      slots.set(name, tf.variable(t, false));
    }
  }

  dispose(): void {
    for (const s of [...this.m.values(), ...this.v.values()]) s.dispose();
    this.m.clear();
    this.v.clear();
  }
}
