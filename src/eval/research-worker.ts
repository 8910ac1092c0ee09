// The research worker: the representation-learning experiment, the encoder unit search and the metrics,
// on its own tfjs backend so that the page and the training worker stay responsive. Jobs run one at a time.
/// <reference lib="webworker" />
import * as tf from '../tf';
import { browserDecoder } from '../data/browser';
import { datasets, type ShippedDataset } from '../data/datasets';
import { openDataset, type PreparedClip } from '../data/loader';
import type { ModelConfig } from '../model/config';
import { loadPretrained } from '../model/pretrained';
import type { VganModel } from '../model/networks';
import { artifactsOf as weightsArtifacts, loadModel, readingWeights } from '../model/weights';
import { classIndices, gatherClips, splitHeldOut } from './clips';
import { realClips } from '../data/clip-stats';
import { FEATURE_SEED, randomFeatureNetwork } from './features';
import { representationExperiment } from './finetune';
import { evaluateGenerator } from './metrics';
import { staticUrl, startWorker } from '../worker-host';
import type { Call } from '../worker-rpc';
import type { ModelSource, ModelSummary, ResearchApi, ResearchProgress, ToResearch } from './research-protocol';
import { unitTopImages } from './units';

const post = startWorker<ResearchApi>(handle).server.emit;

type JobCall = Call<ResearchProgress>;

/** The last model loaded; kept while the next job names the same shipped model (autosaves and files change). */
let loaded: { name: string | null; model: VganModel } | null = null;

async function artifactsOf(s: ModelSource, call: JobCall): Promise<tf.io.ModelArtifacts> {
  switch (s.from) {
    case 'pretrained':
      return loadPretrained(staticUrl('weights/'), s.name, (done, total) => call.progress({ label: `Loading ${s.name}`, done, total }));
    case 'autosave': {
      const [handler] = tf.io.getLoadHandlers(s.url);
      if (!handler?.load) throw new Error(`no autosave at ${s.url}`);
      return handler.load();
    }
    case 'file':
      return readingWeights(s.name, () => weightsArtifacts(s.modelJson, s.weights));
  }
}

async function modelOf(s: ModelSource, call: JobCall): Promise<VganModel> {
  const name = s.from === 'pretrained' ? s.name : null;
  if (loaded && name !== null && loaded.name === name) return loaded.model;
  loaded?.model.dispose();
  loaded = null;
  const artifacts = await artifactsOf(s, call);
  const { model, extra } = s.from === 'file' ? readingWeights(s.name, () => loadModel(artifacts)) : loadModel(artifacts);
  tf.dispose([...extra.values()]);
  loaded = { name, model };
  const summary: ModelSummary = {
    kind: model.kind,
    size: model.config.size,
    frames: model.config.frames,
    encoder: model.arch.encoder.map((l) => ({ name: l.name, channels: l.outChannels })),
  };
  post({ type: 'model', summary });
  return model;
}

/** The last clips read, kept while the next job asks for the same dataset, shape and count. */
let clipCache: { key: string; clips: PreparedClip[]; labels?: Record<string, string[]> } | null = null;

async function clipsOf(dataset: ShippedDataset, config: ModelConfig, limit: number, call: JobCall) {
  const key = [dataset, config.size, config.frames, limit].join('/');
  if (clipCache?.key === key) return clipCache;
  // Stored clips for every dataset, procedural ones too: their masks and labels come with them.
  const ds = await openDataset(staticUrl(datasets[dataset].files), {
    size: config.size,
    frames: config.frames,
    frameStride: config.frameStride,
    batchSize: 1,
    seed: 1,
    withMask: true,
    decoder: browserDecoder(),
    onProgress: (p) => call.progress({ label: `Reading ${dataset}`, done: p.bytesLoaded, total: p.bytesTotal }),
  });
  clipCache = { key, clips: await gatherClips(ds.clips(), limit), labels: ds.manifest.labels };
  return clipCache;
}

/** Lets a cancellation in between steps, and ends the job when one came. */
async function checkpoint(signal: AbortSignal): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  signal.throwIfAborted();
}

async function handle(m: ToResearch, call: JobCall) {
  switch (m.type) {
    case 'autosaves':
      return Object.keys(await tf.io.listModels()).filter((u) => u.startsWith('indexeddb://vgan-'));
    case 'representation': {
      const { job } = m;
      const model = await modelOf(job.source, call);
      const { clips, labels } = await clipsOf('moving-mnist', model.config, job.clips, call);
      const classes = labels?.motion;
      if (!classes) throw new Error('moving-mnist has no motion labels');
      const data = { clips, labels: classIndices(clips, 'motion', classes), classes };
      const result = await representationExperiment(model, data, {
        seed: job.seed,
        steps: job.steps,
        batchSize: job.batchSize,
        onStep: async (label, done, total) => {
          call.progress({ label: `Fine-tuning ${label.replace('/', ' with ')} labels`, done, total });
          await checkpoint(call.signal);
        },
        onResult: (rows) => call.progress({ rows }),
      });
      return { rows: result.rows, summary: { train: result.train, test: result.test, features: result.features } };
    }
    case 'units': {
      const { job } = m;
      const model = await modelOf(job.source, call);
      if (model.kind !== 'future') throw new Error('unit visualisation needs a future model (one with an image encoder)');
      const { clips } = await clipsOf(job.dataset, model.config, job.images, call);
      const { size } = model.config;
      const plane = size * size * 3;
      const first = new Float32Array(clips.length * plane);
      clips.forEach((c, i) => {
        for (let p = 0; p < plane; p++) first[i * plane + p] = c.rgb[p] / 127.5 - 1;
      });
      call.progress({ label: `Running the encoder over ${clips.length} first frames`, done: 0, total: 1 });
      const hits = await unitTopImages(model, first, job);
      return {
        hits: hits.map((h) => ({
          ...h,
          frame: { data: first.slice(h.image * plane, (h.image + 1) * plane), frames: 1, size, channels: 3 as const },
        })),
      };
    }
    case 'metrics': {
      const { job } = m;
      const model = await modelOf(job.source, call);
      // An unconditional model's baseline repeats the first frames of other clips than those it is scored against.
      const unconditional = model.kind === 'unconditional';
      const { clips } = await clipsOf(job.dataset, model.config, unconditional ? 2 * job.clips : job.clips, call);
      const { frames, size } = model.config;
      const { scored, heldOut: others } = splitHeldOut(clips, job.clips);
      const real = realClips(scored, frames, size);
      const heldOut = others.length > 0 ? realClips(others, frames, size) : undefined;
      const featureModel = job.features === 'random' ? randomFeatureNetwork(model.config) : model;
      try {
        const rows = await evaluateGenerator(model, real, {
          featureModel,
          seed: job.seed,
          heldOut,
          onProgress: (done, total) => call.progress({ label: 'Scoring clips', done, total }),
        });
        const features =
          job.features === 'random'
            ? `a fixed random-weight discriminator (seed ${FEATURE_SEED})`
            : "the model's own discriminator (biased towards its generator)";
        return { rows, clips: real.clips, heldOut: heldOut?.clips ?? 0, features };
      } finally {
        if (featureModel !== model) featureModel.dispose();
      }
    }
  }
}
