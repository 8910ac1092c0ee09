// The parameters of a model, keyed by stable names (`<network>/<layer>/<param>`) that are also the names
// in saved weight files. Layouts follow tfjs: conv3d kernels [kt, kh, kw, in, out], conv3dTranspose
// kernels [kt, kh, kw, out, in]; the 2D ops drop kt. See docs/weights.md.
import * as tf from '../tf';
import type { LayerSpec } from './config';
import { deriveSeed } from './seed';

let instances = 0;

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Trained (kernels, biases, BatchNorm gamma and beta) or kept (BatchNorm running statistics). */
  trainable: boolean;
}

/** The parameters one layer owns, by stable name, in definition order. */
export function layerParams(prefix: string, spec: LayerSpec): ParamSpec[] {
  const name = `${prefix}/${spec.name}`;
  const transposed = spec.op.endsWith('Transpose');
  const kernel = [...spec.kernel, ...(transposed ? [spec.outChannels, spec.inChannels] : [spec.inChannels, spec.outChannels])];
  const c = [spec.outChannels];
  return [
    { name: `${name}/kernel`, shape: kernel, trainable: true },
    { name: `${name}/bias`, shape: c, trainable: true },
    ...(spec.batchNorm
      ? [
          { name: `${name}/gamma`, shape: c, trainable: true },
          { name: `${name}/beta`, shape: c, trainable: true },
          { name: `${name}/movingMean`, shape: c, trainable: false },
          { name: `${name}/movingVariance`, shape: c, trainable: false },
        ]
      : []),
  ];
}

export class ParamStore {
  /** Trainable weights: kernels, biases, BatchNorm gamma and beta. */
  readonly trainable = new Map<string, tf.Variable>();
  /** BatchNorm running statistics: saved with the weights, never trained. */
  readonly state = new Map<string, tf.Variable>();
  // tfjs variable names are global to the engine; a per-store prefix lets several models coexist.
  private readonly scope = `vgan${instances++}`;

  constructor(private readonly seed: number) {}

  /** Creates the parameters of one layer, initialised as the authors do. */
  addLayer(prefix: string, spec: LayerSpec): void {
    const layer = `${prefix}/${spec.name}`;
    const init: Record<string, (shape: number[]) => tf.Tensor> = {
      kernel: (shape) => tf.randomNormal(shape, 0, 0.01, 'float32', deriveSeed(this.seed, layer, 'kernel')),
      gamma: (shape) => tf.randomNormal(shape, 1, 0.02, 'float32', deriveSeed(this.seed, layer, 'gamma')),
      movingVariance: (shape) => tf.ones(shape),
    };
    for (const p of layerParams(prefix, spec)) {
      const kind = p.name.slice(p.name.lastIndexOf('/') + 1);
      this.add(p.trainable ? this.trainable : this.state, p.name, () => (init[kind] ?? tf.zeros)(p.shape));
    }
  }

  private add(into: Map<string, tf.Variable>, name: string, init: () => tf.Tensor): void {
    if (this.trainable.has(name) || this.state.has(name)) throw new Error(`parameter ${name} defined twice`);
    const value = init();
    into.set(name, tf.variable(value, into === this.trainable, `${this.scope}/${name}`));
    value.dispose();
  }

  get(name: string): tf.Variable {
    const v = this.trainable.get(name) ?? this.state.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.trainable.has(name) || this.state.has(name);
  }

  /** Trainable variables whose names start with `prefix`, in definition order. */
  trainableUnder(prefix: string): Map<string, tf.Variable> {
    return new Map([...this.trainable].filter(([n]) => n.startsWith(prefix)));
  }

  /** Every parameter and statistic, by stable name. */
  all(): Map<string, tf.Variable> {
    return new Map([...this.trainable, ...this.state]);
  }

  countTrainable(prefix = ''): number {
    let n = 0;
    for (const [name, v] of this.trainable) if (name.startsWith(prefix)) n += v.size;
    return n;
  }

  /** The tfjs variable name behind a stable name, for optimiser bookkeeping. */
  variableName(name: string): string {
    return `${this.scope}/${name}`;
  }

  stableName(variableName: string): string {
    return variableName.slice(this.scope.length + 1);
  }

  dispose(): void {
    for (const v of this.all().values()) v.dispose();
    this.trainable.clear();
    this.state.clear();
  }
}
