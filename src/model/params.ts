// The parameters of a model, keyed by stable names (`<network>/<layer>/<param>`) that are also the names
// in saved weight files. Layouts follow tfjs: conv3d kernels [kt, kh, kw, in, out], conv3dTranspose
// kernels [kt, kh, kw, out, in]; the 2D ops drop kt. See docs/weights.md.
import * as tf from '../tf';
import type { LayerSpec } from './config';
import { resizeKernel } from './resize';
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
  /** Kernels (by stable name) kept as a resize-convolution's 3 taps per axis (resize.ts), with their spatial axes. */
  private readonly resized = new Map<string, number>();

  constructor(private readonly seed: number) {}

  /**
   * Creates the parameters of one layer, initialised as the authors do. With `resize`, a stride-2 transposed
   * layer trains the 3-tap kernel of a resize-convolution (each tap drawn as the authors draw theirs).
   */
  addLayer(prefix: string, spec: LayerSpec, resize = false): void {
    const layer = `${prefix}/${spec.name}`;
    if (resize) this.resized.set(`${layer}/kernel`, spec.kernel.length);
    const init: Record<string, (shape: number[]) => tf.Tensor> = {
      kernel: (shape) => tf.randomNormal(shape, 0, 0.01, 'float32', deriveSeed(this.seed, layer, 'kernel')),
      gamma: (shape) => tf.randomNormal(shape, 1, 0.02, 'float32', deriveSeed(this.seed, layer, 'gamma')),
      movingVariance: (shape) => tf.ones(shape),
    };
    for (const p of layerParams(prefix, spec)) {
      const kind = p.name.slice(p.name.lastIndexOf('/') + 1);
      const shape = resize && kind === 'kernel' ? [...spec.kernel.map(() => 3), ...p.shape.slice(spec.kernel.length)] : p.shape;
      this.add(p.trainable ? this.trainable : this.state, p.name, () => (init[kind] ?? tf.zeros)(shape));
    }
  }

  /** The spatial axes of a resize-convolution's kernel (by its stable name), or 0 for any other parameter. */
  resizeAxes(name: string): number {
    return this.resized.get(name) ?? 0;
  }

  /** The resize-convolution kernels' 3-tap variables, by stable name (checkpoints keep them exactly). */
  resizeTaps(): Map<string, tf.Variable> {
    return new Map([...this.resized.keys()].map((name) => [name, this.get(name)]));
  }

  /** A kernel (by stable name) as its convolution applies it: a resize-convolution's expanded to 4 taps (a new tensor). */
  kernel(name: string): tf.Tensor {
    const dims = this.resizeAxes(name);
    return dims ? resizeKernel(this.get(name), dims) : this.get(name);
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
