// Hidden units of the future model's image encoder (the paper's Figure 6): for one unit (a layer and a
// channel), the images on which it fires most, and the input region that its strongest position sees.
import * as tf from '../tf';
import type { LayerSpec } from '../model/config';
import { runLayers } from '../model/layers';
import { GENERATOR_EPSILON, type VganModel } from '../model/networks';

/**
 * What one position of a layer sees of the input, per spatial axis: position i covers input pixels
 * [i·jump + offset, i·jump + offset + size − 1] (before clipping to the image).
 */
export interface ReceptiveField {
  size: number[];
  jump: number[];
  offset: number[];
}

/** Padding tfjs puts before the first input pixel on spatial axis `d` ('same': half the total, rounded down). */
function padBefore(spec: LayerSpec, d: number): number {
  if (spec.pad === 'valid') return 0;
  const total = Math.max((spec.outShape[d] - 1) * spec.stride + spec.kernel[d] - spec.inShape[d], 0);
  return Math.floor(total / 2);
}

/** The receptive field after each layer of a stack of (forward) convolutions, from their specs. */
export function receptiveFields(specs: LayerSpec[]): ReceptiveField[] {
  const fields: ReceptiveField[] = [];
  const axes = specs.length > 0 ? specs[0].kernel.length : 0;
  let field: ReceptiveField = { size: Array(axes).fill(1), jump: Array(axes).fill(1), offset: Array(axes).fill(0) };
  for (const spec of specs) {
    if (spec.op.endsWith('Transpose'))
      throw new Error(`layer ${spec.name}: receptive fields of transposed convolutions are not defined here`);
    field = {
      size: field.size.map((r, d) => r + (spec.kernel[d] - 1) * field.jump[d]),
      jump: field.jump.map((j) => j * spec.stride),
      offset: field.offset.map((o, d) => o - padBefore(spec, d) * field.jump[d]),
    };
    fields.push(field);
  }
  return fields;
}

/** Half-open pixel rectangle [top, bottom) × [left, right). */
export interface Region {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** The image region a 2D position (y, x) sees, clipped to a `height` × `width` image. */
export function regionOf(field: ReceptiveField, [y, x]: [number, number], height: number, width: number): Region {
  const lo = (i: number, d: number) => i * field.jump[d] + field.offset[d];
  return {
    top: Math.max(0, lo(y, 0)),
    left: Math.max(0, lo(x, 1)),
    bottom: Math.min(height, lo(y, 0) + field.size[0]),
    right: Math.min(width, lo(x, 1) + field.size[1]),
  };
}

export interface UnitHit {
  /** Index of the image in the searched set. */
  image: number;
  /** The unit's largest activation on this image. */
  score: number;
  /** Where it is, in the layer's [row, column] grid. */
  position: [number, number];
  region: Region;
}

/** The `k` images whose largest activation is highest, best first; ties go to the earlier image. */
export function topHits(
  maxima: Array<{ score: number; position: [number, number] }>,
  k: number,
  field: ReceptiveField,
  height: number,
  width: number,
): UnitHit[] {
  return maxima
    .map((m, image) => ({ image, ...m }))
    .sort((a, b) => b.score - a.score || a.image - b.image)
    .slice(0, k)
    .map((m) => ({ ...m, region: regionOf(field, m.position, height, width) }));
}

export interface UnitQuery {
  /** An encoder layer's name, e.g. "conv2". */
  layer: string;
  channel: number;
  k: number;
  batchSize?: number;
}

/**
 * Runs the encoder up to `layer` over `images` ([N, size, size, 3] in [−1, 1], e.g. clips' first frames),
 * in batches, with BatchNorm's running averages, and returns the unit's top-k images and regions.
 */
export async function unitTopImages(
  model: VganModel,
  images: Float32Array,
  { layer, channel, k, batchSize = 16 }: UnitQuery,
): Promise<UnitHit[]> {
  const specs = model.arch.encoder;
  const depth = specs.findIndex((s) => s.name === layer) + 1;
  if (depth === 0) throw new Error(`the encoder has no layer "${layer}" (it has ${specs.map((s) => s.name).join(', ') || 'none'})`);
  const spec = specs[depth - 1];
  if (!Number.isInteger(channel) || channel < 0 || channel >= spec.outChannels) {
    throw new Error(`layer ${layer} has channels 0-${spec.outChannels - 1}, not ${channel}`);
  }
  const size = model.config.size;
  const pixels = size * size * 3;
  const count = images.length / pixels;
  const [h, w] = spec.outShape;
  const maxima: Array<{ score: number; position: [number, number] }> = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const [scores, where] = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * pixels, (start + n) * pixels), [n, size, size, 3]);
      const out = runLayers(model.params, 'generator/encoder', specs.slice(0, depth), x, { training: false, epsilon: GENERATOR_EPSILON });
      const unit = out.slice([0, 0, 0, channel], [n, h, w, 1]).reshape([n, h * w]);
      return [unit.max(1), unit.argMax(1)];
    });
    const [s, p] = await Promise.all([scores.data(), where.data()]);
    tf.dispose([scores, where]);
    for (let i = 0; i < n; i++) maxima.push({ score: s[i], position: [Math.floor(p[i] / w), p[i] % w] });
  }
  return topHits(maxima, k, receptiveFields(specs.slice(0, depth)).at(-1)!, size, size);
}
