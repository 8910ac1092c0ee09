// When the live run's samples first show objects: measured, not modelled. Each entry is a run of docs/quality.md
// (PyTorch, tiny preset, fresh shapes clips, batch 8, D at the paper's 2e-4), looked at as images at each step.
import type { Upsample } from '../model/config';
import { paperBeta1, paperLearningRate, type Settings } from '../settings';

interface Measured {
  upsample: Upsample;
  lrG: number;
  beta1: number;
  /** Iterations by which the runs drew separate objects on a still background with a mask on them (how many seeds: each row). */
  iterations: number;
}

const measured: readonly Measured[] = [
  // The paper's layers and rates: checkerboards until then (at 1000 the TypeScript run still drew them).
  { upsample: 'transposed', lrG: paperLearningRate, beta1: paperBeta1, iterations: 4000 },
  // Resize-convolutions: two of three seeds at 1000, none at 500.
  { upsample: 'resize', lrG: paperLearningRate, beta1: paperBeta1, iterations: 1000 },
  // And G at 1e-3: five of five seeds at 800, two at 500.
  { upsample: 'resize', lrG: 1e-3, beta1: paperBeta1, iterations: 800 },
  // And Adam without momentum (the page's default): five of five seeds at 300.
  { upsample: 'resize', lrG: 1e-3, beta1: 0, iterations: 300 },
];

/** The settings every measured run shared: a fresh start with the paper's recipe but for the three varied above. */
const measuredSettings: Partial<Settings> = {
  dataset: 'shapes',
  preset: 'tiny',
  kind: 'unconditional',
  generator: 'twoStream',
  baseChannels: 'preset',
  frameStride: 'preset',
  batchSize: 8,
  lrD: paperLearningRate,
  maskLambda: 0.1,
  dSteps: 1,
  gSteps: 1,
  emaDecay: 0,
  augment: 'off',
  weights: '',
};

/** Iterations before objects appear for these settings, or null where no run measured them. */
export function firstObjectsAfter(s: Settings): number | null {
  const shared = Object.entries(measuredSettings).every(([k, v]) => s[k as keyof Settings] === v);
  if (!shared) return null;
  return measured.find((m) => m.upsample === s.upsample && m.lrG === s.lrG && m.beta1 === s.beta1)?.iterations ?? null;
}
