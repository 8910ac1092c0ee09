// The baseline worker: trains the autoencoder off the main thread, fits the mixture on its codes, decodes
// mixture samples, and serves real clips of a dataset to the human study. Requests run one at a time.
/// <reference lib="webworker" />
import * as tf from '../tf';
import { browserDecoder } from '../data/browser';
import { resolveConfig, type ModelConfig } from '../model/config';
import { artifactsOf, modelJson, readingWeights } from '../model/weights';
import type { ShippedDataset } from '../data/datasets';
import { openBatchSource, type CountedSource } from '../train/data-source';
import { Autoencoder } from './autoencoder';
import { staticUrl, startWorker } from '../worker-host';
import type { Call } from '../worker-rpc';
import type { BaselineApi, BaselineSettings, ToBaseline } from './baseline-protocol';
import { gmmFromJson, gmmToJson, type GaussianMixture } from './gmm';

const post = startWorker<BaselineApi>(handle).server.emit;

let ae: Autoencoder | null = null;
let gmm: GaussianMixture | null = null;
let source: { key: string; batches: CountedSource } | null = null;

function openSource(dataset: ShippedDataset, config: ModelConfig, batchSize: number, seed: number) {
  return openBatchSource(dataset, config, batchSize, seed, {
    root: staticUrl(''),
    decoder: browserDecoder(),
    onError: (e) => post({ type: 'skipped', message: `Data: ${e.message} (skipped)` }),
  });
}

/** The training source of the current settings, reopened when the dataset, the clip shape or the batch changed. */
async function trainingSource(s: BaselineSettings, config: ModelConfig) {
  const key = [s.dataset, config.size, config.frames, s.batchSize, s.seed].join('/');
  if (source?.key !== key) {
    source?.batches.dispose();
    source = { key, batches: await openSource(s.dataset, config, s.batchSize, s.seed) };
  }
  return source;
}

/** The autoencoder for these settings: kept when its preset and seed match, else made anew. */
function autoencoderFor(s: BaselineSettings): Autoencoder {
  if (!ae || ae.options.preset !== s.preset || ae.options.seed !== s.seed) {
    ae?.dispose();
    ae = new Autoencoder({ preset: s.preset, seed: s.seed, learningRate: s.learningRate });
    gmm = null;
  }
  ae.optimizer.learningRate = s.learningRate;
  return ae;
}

async function train(s: BaselineSettings, steps: number, call: Call<BaselineApi['progress']>) {
  const model = autoencoderFor(s);
  const data = await trainingSource(s, model.config);
  for (let done = 1; done <= steps && !call.signal.aborted; done++) {
    const batch = await data.batches.next();
    try {
      const loss = await model.step(batch);
      call.progress({ iteration: model.iteration, loss, done, total: steps });
    } finally {
      batch.dispose();
    }
    // Let a cancellation in between steps.
    await new Promise((r) => setTimeout(r, 0));
  }
  // The decoder changed: a mixture fitted on the old codes no longer describes it.
  gmm = null;
  return { iteration: model.iteration };
}

async function fit(s: BaselineSettings, clips: number, components: number) {
  if (!ae) throw new Error('Train the autoencoder (or load one) before fitting the mixture.');
  const data = await trainingSource(s, ae.config);
  const count = Math.min(clips, data.batches.clips);
  const result = await ae.fit(data.batches, count, { components });
  gmm = result.gmm;
  return {
    components: gmm.components,
    codes: count,
    iterations: result.iterations,
    logLikelihood: result.logLikelihoods[result.logLikelihoods.length - 1],
    converged: result.converged,
    notes: result.notes,
  };
}

async function handle(m: ToBaseline, call: Call<BaselineApi['progress']>) {
  switch (m.type) {
    case 'train':
      return train(m.settings, m.steps, call);
    case 'fit':
      return fit(m.settings, m.clips, m.components);
    case 'sample':
      if (!ae || !gmm) throw new Error('Fit the mixture before sampling the baseline.');
      return ae.sample(gmm, m.count, m.seed);
    case 'real': {
      const config = resolveConfig(m.preset);
      const batches = await openSource(m.dataset, config, m.count, m.seed);
      try {
        const batch = await batches.next();
        const data = (await batch.data()) as Float32Array;
        batch.dispose();
        const len = config.frames * config.size * config.size * 3;
        const clips = Array.from({ length: data.length / len }, (_, i) => ({
          data: data.slice(i * len, (i + 1) * len),
          frames: config.frames,
          size: config.size,
          channels: 3 as const,
        }));
        return clips;
      } finally {
        batches.dispose();
      }
    }
    case 'export': {
      if (!ae) throw new Error('There is no autoencoder to download yet.');
      const artifacts = await ae.save();
      const weights = tf.io.concatenateArrayBuffers(artifacts.weightData!);
      const json = JSON.stringify(modelJson(artifacts, ['weights.bin']));
      call.transfer(weights);
      return { modelJson: json, weights, gmmJson: gmm ? JSON.stringify(gmmToJson(gmm)) : null };
    }
    case 'import': {
      const loaded = readingWeights(m.name, () => Autoencoder.load(artifactsOf(m.modelJson, m.weights)));
      const mixture = m.gmmJson ? gmmFromJson(JSON.parse(m.gmmJson)) : null;
      if (mixture && mixture.dim !== loaded.config.zDim) {
        loaded.dispose();
        throw new Error(`The mixture has ${mixture.dim} dimensions but the autoencoder's code has ${loaded.config.zDim}.`);
      }
      ae?.dispose();
      ae = loaded;
      gmm = mixture;
      return { iteration: ae.iteration, preset: ae.options.preset, seed: ae.options.seed, fitted: gmm !== null };
    }
  }
}
