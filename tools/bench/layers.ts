// Every conv layer of the paper preset, timed kernel by kernel: the three kernels a training step runs
// (the layer's own op and its two gradients) with our kernels, with tfjs's, and a plain matrix product
// of the same FLOP count through our GEMM shader (the adapter's practical ceiling).
import * as tf from '../../src/tf';
import { architecture, convLayers, resolveConfig, type LayerSpec } from '../../src/model/config';
import { registerVganKernels, unregisterVganKernels } from '../../src/kernels';
import { gemm } from '../../src/kernels/gemm';
import { random, size, timeSideBySide, type Timing, type Variant } from './measure';
import type { Options } from './options';
import { layerLine } from './tables';

/** A layer seen as the forward convolution x * filter -> y whose three kernels a training step runs. */
interface Geometry {
  x: number[];
  filter: number[];
  y: number[];
  stride: number;
  pad: 'same' | 'valid';
}

function geometry(l: LayerSpec, batch: number): Geometry {
  const transposed = l.op.endsWith('Transpose');
  // A transposed layer is the input gradient of the conv that maps its output back to its input.
  const x = [batch, ...(transposed ? l.outShape : l.inShape)];
  const y = [batch, ...(transposed ? l.inShape : l.outShape)];
  const filter = [...l.kernel, x[x.length - 1], y[y.length - 1]];
  return { x, filter, y, stride: l.stride, pad: l.pad };
}

type KernelName = 'Conv3D' | 'Conv3DBackpropInputV2' | 'Conv3DBackpropFilterV2' | 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/** The three kernels of a layer: [kernel, role in the layer, run]. */
function kernelsOf(l: LayerSpec, g: Geometry, t: { x: tf.Tensor; filter: tf.Tensor; dy: tf.Tensor }) {
  const is3d = l.op.startsWith('conv3d');
  const transposed = l.op.endsWith('Transpose');
  const attrs: tf.NamedAttrMap = is3d ? { strides: g.stride, pad: g.pad } : { strides: g.stride, pad: g.pad, dataFormat: 'NHWC' };
  const names: KernelName[] = is3d
    ? ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2']
    : ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  const run = (name: KernelName): tf.Tensor => {
    const e = tf.engine();
    if (name === 'Conv3D') return tf.conv3d(t.x as tf.Tensor5D, t.filter as tf.Tensor5D, g.stride, g.pad);
    if (name === 'Conv2D') return tf.conv2d(t.x as tf.Tensor4D, t.filter as tf.Tensor4D, g.stride, g.pad);
    if (name === 'Conv3DBackpropInputV2' || name === 'Conv2DBackpropInput') {
      return e.runKernel(name, { dy: t.dy, filter: t.filter }, { ...attrs, inputShape: g.x }) as tf.Tensor;
    }
    return e.runKernel(name, { x: t.x, dy: t.dy }, { ...attrs, filterShape: g.filter }) as tf.Tensor;
  };
  const role = (i: number) => (transposed ? ['dInput', 'forward', 'dW'] : ['forward', 'dInput', 'dW'])[i];
  return names.map((name, i) => ({ name, role: role(i), run: () => run(name) }));
}

/** GEMM sizes with the kernel's FLOP count: forward M = output voxels, N = out channels, K = taps * in channels. */
function gemmDims(name: KernelName, g: Geometry, flop: number): [number, number, number] {
  const taps = size(g.filter.slice(0, -2));
  const [cIn, cOut] = g.filter.slice(-2);
  const outVoxels = size(g.y.slice(0, -1));
  if (name.endsWith('BackpropFilterV2') || name === 'Conv2DBackpropFilter') return [taps * cIn, cOut, outVoxels];
  if (name.includes('BackpropInput')) {
    const M = size(g.x.slice(0, -1));
    return [M, cIn, Math.max(1, Math.round(flop / (2 * M * cIn)))];
  }
  return [outVoxels, cOut, taps * cIn];
}

export interface LayerRow {
  layer: string;
  kernel: KernelName;
  role: string;
  gemm: [number, number, number];
  gflop: number;
  ours: Timing;
  tfjs: Timing | null;
  gemmCeiling: Timing;
}

/** The paper preset's conv layers that --layers names (all by default), each row printed as it is done. */
export async function timeLayers(opts: Options): Promise<LayerRow[]> {
  const arch = architecture(resolveConfig('paper'), opts.kind);
  // --layers none times only the training iterations.
  const layers = convLayers(arch).filter((l) => !opts.layers || opts.layers.includes(`${l.network}/${l.name}`));
  const rows: LayerRow[] = [];
  for (const l of layers) {
    const g = geometry(l, opts.batch);
    const flop = 2 * size(g.y.slice(0, -1)) * g.filter[g.filter.length - 1] * size(g.filter.slice(0, -1));
    const t = {
      x: random(g.x),
      filter: random(g.filter, 0.1),
      dy: random(g.y),
    };
    for (const k of kernelsOf(l, g, t)) {
      const dims = gemmDims(k.name, g, flop);
      const a = random([dims[0], dims[2]]) as tf.Tensor2D;
      const b = random([dims[2], dims[1]]) as tf.Tensor2D;
      const variants: Variant[] = [
        { run: k.run, flop, use: registerVganKernels },
        { run: () => gemm(a, b), flop: 2 * dims[0] * dims[1] * dims[2] },
        ...(opts.skipTfjs ? [] : [{ run: k.run, flop, use: unregisterVganKernels }]),
      ];
      const [ours, gemmCeiling, tfjs = null] = await timeSideBySide(variants, opts);
      registerVganKernels();
      tf.dispose([a, b]);
      const row: LayerRow = {
        layer: `${l.network}/${l.name}`,
        kernel: k.name,
        role: k.role,
        gemm: dims,
        gflop: flop / 1e9,
        ours,
        tfjs,
        gemmCeiling,
      };
      rows.push(row);
      console.log(layerLine(row));
    }
    tf.dispose([t.x, t.filter, t.dy]);
  }
  registerVganKernels();
  return rows;
}
