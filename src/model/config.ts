// One config, every network. Each layer table is derived from (size, frames, zDim, baseChannels) by the
// rule of the authors' paper-sized model (../shared/reference/vgan-reference.md, section 1):
//   L = log2(size / 4) stride-2 layers; the first generator layer maps z to 4×4 spatially and
//   t0 = frames / 2^L frames; channels halve on the way up from base·2^(L−1) to base, and double on the
//   way down in the discriminator. The paper preset (64², 32 frames, base 64) reproduces the authors' table.
import presets from './presets.json';

export type PresetName = keyof typeof presets;
export const presetNames = Object.keys(presets) as PresetName[];

export interface ModelConfig {
  /** Frame height and width in pixels; a power of two ≥ 8. */
  size: number;
  /** Frames per clip; a multiple of 2^L where L = log2(size / 4). */
  frames: number;
  /** Latent code length. */
  zDim: number;
  /** Channels of the widest-resolution hidden layer (64 in the paper). */
  baseChannels: number;
  /** Default batch size for training this preset. */
  batchSize: number;
  /**
   * Every frameStride-th source frame is kept, so the clip spans frames·frameStride source frames (the
   * paper's 32 frames at 25 fps span 1.28 s; fewer frames keep that span with a stride). Weights files
   * written before this field existed were trained with 1.
   */
  frameStride: number;
}

/** A config error names the offending field so the UI and CLIs can point at it. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function presetConfig(name: string): ModelConfig {
  if (!Object.hasOwn(presets, name)) {
    throw new ConfigError('preset', `unknown preset "${name}" (expected one of ${presetNames.join(', ')})`);
  }
  return { ...presets[name as PresetName] };
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** Resolves a preset name or a (partial, preset-based) config and checks every field. */
export function resolveConfig(spec: PresetName | string | (Partial<ModelConfig> & { preset?: string })): ModelConfig {
  const config = typeof spec === 'string' ? presetConfig(spec) : { ...presetConfig(spec.preset ?? 'tiny'), ...withoutPreset(spec) };
  validateConfig(config);
  return config;
}

function withoutPreset(spec: Partial<ModelConfig> & { preset?: string }): Partial<ModelConfig> {
  const rest: Partial<ModelConfig> & { preset?: string } = { ...spec };
  delete rest.preset;
  return rest;
}

export function validateConfig(c: ModelConfig): void {
  if (!isPowerOfTwo(c.size) || c.size < 8) {
    throw new ConfigError('size', `must be a power of two ≥ 8, got ${c.size}`);
  }
  const L = upLayers(c);
  if (!Number.isInteger(c.frames) || c.frames < 2 ** L || c.frames % 2 ** L !== 0) {
    throw new ConfigError('frames', `must be a positive multiple of ${2 ** L} for size ${c.size} (${L} stride-2 layers), got ${c.frames}`);
  }
  if (!Number.isInteger(c.zDim) || c.zDim <= 0) throw new ConfigError('zDim', `must be a positive integer, got ${c.zDim}`);
  if (!Number.isInteger(c.baseChannels) || c.baseChannels <= 0) {
    throw new ConfigError('baseChannels', `must be a positive integer, got ${c.baseChannels}`);
  }
  if (!Number.isInteger(c.batchSize) || c.batchSize <= 0) {
    throw new ConfigError('batchSize', `must be a positive integer, got ${c.batchSize}`);
  }
  if (!Number.isInteger(c.frameStride) || c.frameStride <= 0) {
    throw new ConfigError('frameStride', `must be a positive integer, got ${c.frameStride}`);
  }
}

/** Number of stride-2 layers between 4×4 and the frame size. */
export const upLayers = (c: ModelConfig) => Math.round(Math.log2(c.size / 4));
/** Frames produced by the first generator layer (2 in the paper). */
export const firstFrames = (c: ModelConfig) => c.frames / 2 ** upLayers(c);

export type Op = 'conv3d' | 'conv2d' | 'conv3dTranspose' | 'conv2dTranspose';
export type Activation = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'none';

/** One convolutional layer. Shapes are tfjs's channels-last, without the batch dimension. */
export interface LayerSpec {
  /** Stable name; weights are stored as `<network>/<name>/<param>`. */
  name: string;
  op: Op;
  inChannels: number;
  outChannels: number;
  /** [kt, kh, kw] for 3D ops, [kh, kw] for 2D ops. */
  kernel: number[];
  stride: number;
  /** 'same' with kernel 4 stride 2 on even sizes equals the authors' padding 1; 'valid' is padding 0. */
  pad: 'same' | 'valid';
  batchNorm: boolean;
  activation: Activation;
  /** [T, H, W, C] or [H, W, C]. */
  inShape: number[];
  outShape: number[];
}

/** Which model family: the unconditional VGAN, or the image-conditioned future generator (2× wider). */
export type ModelKind = 'unconditional' | 'future';
export type GeneratorKind = 'twoStream' | 'oneStream';
/**
 * How the generator's stride-2 layers upsample: the paper's transposed convolutions, or resize-convolutions
 * (nearest ×2, then 3 taps: the same layers with a constrained kernel, resize.ts), which draw no checkerboards.
 */
export type Upsample = 'transposed' | 'resize';
export const upsampleKinds: readonly Upsample[] = ['transposed', 'resize'];

interface LayerArgs {
  name: string;
  op: Op;
  outChannels: number;
  kernel?: number[];
  stride?: number;
  pad?: 'same' | 'valid';
  batchNorm?: boolean;
  activation: Activation;
}

/** Chains layers: each starts from the previous one's output shape. */
function chain(inShape: number[], layers: LayerArgs[]): LayerSpec[] {
  const specs: LayerSpec[] = [];
  let shape = inShape;
  for (const a of layers) {
    const is3d = a.op === 'conv3d' || a.op === 'conv3dTranspose';
    const kernel = a.kernel ?? (is3d ? [4, 4, 4] : [4, 4]);
    const stride = a.stride ?? 2;
    const pad = a.pad ?? 'same';
    const transposed = a.op.endsWith('Transpose');
    const spatial = shape.slice(0, -1);
    const outSpatial = spatial.map((n, i) => {
      if (pad === 'same') return transposed ? n * stride : Math.ceil(n / stride);
      return transposed ? (n - 1) * stride + kernel[i] : Math.floor((n - kernel[i]) / stride) + 1;
    });
    const outShape = [...outSpatial, a.outChannels];
    specs.push({
      name: a.name,
      op: a.op,
      inChannels: shape[shape.length - 1],
      outChannels: a.outChannels,
      kernel,
      stride,
      pad,
      batchNorm: a.batchNorm ?? false,
      activation: a.activation,
      inShape: shape,
      outShape,
    });
    shape = outShape;
  }
  return specs;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The layer tables of every network of one model family. */
export interface Architecture {
  config: ModelConfig;
  kind: ModelKind;
  /** Width of the widest-resolution hidden layer: baseChannels, doubled for the future model. */
  width: number;
  /** Image encoder (future model only): first frame → width·2^(L−1) × 4 × 4. */
  encoder: LayerSpec[];
  /** Foreground stream trunk (3D), shared by the video and mask heads. */
  foreground: LayerSpec[];
  videoHead: LayerSpec;
  maskHead: LayerSpec;
  /** Background stream (2D), ending in its RGB output layer. */
  background: LayerSpec[];
  /** Discriminator trunk; `discriminatorHead` maps it to one logit. */
  discriminator: LayerSpec[];
  discriminatorHead: LayerSpec;
}

export function architecture(config: ModelConfig, kind: ModelKind = 'unconditional'): Architecture {
  validateConfig(config);
  const L = upLayers(config);
  const t0 = firstFrames(config);
  const width = kind === 'future' ? 2 * config.baseChannels : config.baseChannels;
  const top = width * 2 ** (L - 1); // channels at 4×4
  const hidden3d = (j: number, name: string): LayerArgs => ({
    name,
    op: 'conv3dTranspose',
    outChannels: width * 2 ** (L - 1 - j),
    batchNorm: true,
    activation: 'relu',
  });
  const hidden2d = (j: number, name: string): LayerArgs => ({ ...hidden3d(j, name), op: 'conv2dTranspose' });

  let encoder: LayerSpec[] = [];
  let foreground: LayerSpec[];
  let background: LayerSpec[];
  if (kind === 'unconditional') {
    // z enters as a 1×1(×1) volume; a 'valid' transposed conv grows it to t0×4×4 (3D) or 4×4 (2D).
    const zIn3d = [1, 1, 1, config.zDim];
    foreground = chain(zIn3d, [
      { ...hidden3d(0, 'conv1'), kernel: [t0, 4, 4], stride: 1, pad: 'valid' },
      ...range(L - 1).map((j) => hidden3d(j + 1, `conv${j + 2}`)),
    ]);
    background = chain(
      [1, 1, config.zDim],
      [
        { ...hidden2d(0, 'conv1'), kernel: [4, 4], stride: 1, pad: 'valid' },
        ...range(L - 1).map((j) => hidden2d(j + 1, `conv${j + 2}`)),
        { name: 'rgb', op: 'conv2dTranspose', outChannels: 3, activation: 'tanh' },
      ],
    );
  } else {
    encoder = chain(
      [config.size, config.size, 3],
      [
        { name: 'conv1', op: 'conv2d', outChannels: width, activation: 'relu' },
        ...range(L - 1).map((j) => ({
          name: `conv${j + 2}`,
          op: 'conv2d' as const,
          outChannels: width * 2 ** (j + 1),
          batchNorm: true,
          activation: 'relu' as const,
        })),
      ],
    );
    // The code, seen as a 1×4×4 volume, is stretched over time before the stride-2 layers.
    foreground = chain(
      [1, 4, 4, top],
      [
        {
          name: 'conv1',
          op: 'conv3dTranspose',
          outChannels: top,
          kernel: [t0, 1, 1],
          stride: 1,
          pad: 'valid',
          batchNorm: true,
          activation: 'relu',
        },
        ...range(L - 1).map((j) => hidden3d(j + 1, `conv${j + 2}`)),
      ],
    );
    background = chain(
      [4, 4, top],
      [
        ...range(L - 1).map((j) => hidden2d(j + 1, `conv${j + 1}`)),
        { name: 'rgb', op: 'conv2dTranspose', outChannels: 3, activation: 'tanh' },
      ],
    );
  }
  const trunkOut = foreground[foreground.length - 1].outShape;
  const [videoHead, maskHead] = [
    { name: 'video', outChannels: 3, activation: 'tanh' as const },
    { name: 'mask', outChannels: 1, activation: 'sigmoid' as const },
  ].map((h) => chain(trunkOut, [{ ...h, op: 'conv3dTranspose' }])[0]);

  const discriminator = chain(
    [config.frames, config.size, config.size, 3],
    [
      { name: 'conv1', op: 'conv3d', outChannels: width, activation: 'leakyRelu' },
      ...range(L - 1).map((j) => ({
        name: `conv${j + 2}`,
        op: 'conv3d' as const,
        outChannels: width * 2 ** (j + 1),
        batchNorm: true,
        activation: 'leakyRelu' as const,
      })),
    ],
  );
  const discriminatorHead = chain(discriminator[discriminator.length - 1].outShape, [
    { name: 'logit', op: 'conv3d', outChannels: 1, kernel: [t0, 4, 4], stride: 1, pad: 'valid', activation: 'none' },
  ])[0];
  return { config, kind, width, encoder, foreground, videoHead, maskHead, background, discriminator, discriminatorHead };
}

/**
 * The autoencoder baseline's code layer (paper §4.1: an encoder like the discriminator, ending in a code):
 * the discriminator head's shape with zDim outputs, so the encoder is D's trunk and the decoder's input fits.
 */
export function codeHead(arch: Architecture): LayerSpec {
  const head = arch.discriminatorHead;
  return { ...head, name: 'code', outChannels: arch.config.zDim, outShape: [...head.outShape.slice(0, -1), arch.config.zDim] };
}

/** Every conv layer of a model family, in forward order, tagged with its network (for kernels and benchmarks). */
export function convLayers(arch: Architecture): Array<LayerSpec & { network: string }> {
  const tag = (network: string, specs: LayerSpec[]) => specs.map((s) => ({ ...s, network }));
  return [
    ...tag('encoder', arch.encoder),
    ...tag('foreground', [...arch.foreground, arch.videoHead, arch.maskHead]),
    ...tag('background', arch.background),
    ...tag('discriminator', [...arch.discriminator, arch.discriminatorHead]),
  ];
}
