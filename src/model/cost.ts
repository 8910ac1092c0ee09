// What a preset costs: parameters, memory and arithmetic per training iteration, from the layer tables.
import { architecture, type GeneratorKind, type LayerSpec, type ModelConfig, type ModelKind } from './config';

const volume = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Multiply-adds ×2 of one layer's forward pass for one sample. */
export function layerFlops(l: LayerSpec): number {
  const k = volume(l.kernel);
  // A transposed conv does the work of the forward conv it transposes: every input meets every kernel tap.
  const positions = l.op.endsWith('Transpose') ? volume(l.inShape.slice(0, -1)) : volume(l.outShape.slice(0, -1));
  return 2 * positions * k * l.inChannels * l.outChannels;
}

export interface Cost {
  parameters: number;
  /** Forward + backward arithmetic of one iteration (one D update, one G update). */
  flopsPerIteration: number;
  /** Weights, two Adam moments, and the activations a backward pass keeps, in bytes (float32). */
  memoryBytes: number;
}

/** The cost of the model `kind` and `generator` name (the one-stream generator has no mask head and no background stream). */
export function modelCost(
  config: ModelConfig,
  batch: number,
  kind: ModelKind = 'unconditional',
  generator: GeneratorKind = 'twoStream',
): Cost {
  const a = architecture(config, kind);
  const g = [...a.encoder, ...a.foreground, a.videoHead, ...(generator === 'twoStream' ? [a.maskHead, ...a.background] : [])];
  const d = [...a.discriminator, a.discriminatorHead];
  const params = (ls: LayerSpec[]) =>
    ls.reduce((n, l) => n + volume(l.kernel) * l.inChannels * l.outChannels + l.outChannels * (l.batchNorm ? 3 : 1), 0);
  const flops = (ls: LayerSpec[]) => ls.reduce((n, l) => n + layerFlops(l), 0);
  const acts = (ls: LayerSpec[]) => ls.reduce((n, l) => n + volume(l.outShape), 0);
  // D step: G forward, D forward ×2 (real, fake) and backward ×2 (≈2× forward each).
  // G step: G forward + backward, D forward + backward.
  const [fg, fd] = [flops(g), flops(d)];
  const flopsPerIteration = batch * (fg + 2 * 3 * fd + 3 * fg + 3 * fd);
  const parameters = params(g) + params(d);
  // Activations kept for the backward pass: a few copies (conv out, BN out, activation out) of each layer.
  const memoryBytes = 4 * (3 * parameters + 3 * batch * (acts(g) + 2 * acts(d)));
  return { parameters, flopsPerIteration, memoryBytes };
}
