// The kernel benchmark's command line: what to time, how often, and within what budget.
import type { ModelKind } from '../../src/model/config';

export interface Options {
  batch: number;
  reps: number;
  budgetMs: number;
  kind: ModelKind;
  layers: string[] | null;
  skipTfjs: boolean;
  /** Presets whose whole training iteration is timed (ours, tfjs's kernels, cpu backend); [] skips it. */
  train: string[];
  /** Batch of the training iterations (the paper's layers are timed at --batch). */
  trainBatch: number;
  /** Presets whose future model's prediction from one image is timed (ours, tfjs's kernels, cpu); [] skips it. */
  predict: string[];
  /** Futures besides the prediction, all in one batch (the Future view's default is 3). */
  futures: number;
  /** Presets whose training iteration (ours) is broken down by kernel with GPU timestamps; [] skips it. */
  profile: string[];
}

export function parseArgs(argv: string[]): Options {
  const opts: Options = {
    batch: 1,
    reps: 3,
    budgetMs: 30_000,
    kind: 'unconditional',
    layers: null,
    skipTfjs: false,
    train: ['tiny', 'small'],
    trainBatch: 8,
    predict: ['small', 'paper'],
    futures: 3,
    profile: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--batch') opts.batch = Number(value());
    else if (flag === '--reps') opts.reps = Number(value());
    else if (flag === '--budget') opts.budgetMs = Number(value()) * 1000;
    else if (flag === '--kind') opts.kind = value() as ModelKind;
    else if (flag === '--layers') opts.layers = value().split(',');
    else if (flag === '--skip-tfjs') opts.skipTfjs = true;
    else if (flag === '--train')
      opts.train = value()
        .split(',')
        .filter((p) => p !== 'none');
    else if (flag === '--train-batch') opts.trainBatch = Number(value());
    else if (flag === '--predict')
      opts.predict = value()
        .split(',')
        .filter((p) => p !== 'none');
    else if (flag === '--futures') opts.futures = Number(value());
    else if (flag === '--profile')
      opts.profile = value()
        .split(',')
        .filter((p) => p !== 'none');
    else
      throw new Error(
        `unknown flag ${flag} (known: --batch N --reps N --budget SECONDS --kind unconditional|future --layers net/name,... --skip-tfjs --train tiny,small|none --train-batch N --predict small,paper|none --futures K --profile tiny,small)`,
      );
  }
  if (!(opts.batch >= 1 && opts.reps >= 1)) throw new Error('--batch and --reps must be ≥ 1');
  return opts;
}
