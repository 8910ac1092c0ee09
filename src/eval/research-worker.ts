// The research worker: the representation-learning experiment, the encoder unit search and the metrics,
// on its own tfjs backend so that the page and the training worker stay responsive. Jobs run one at a time.
/// <reference lib="webworker" />
import * as tf from '../tf';
import { initBackend } from '../backend';
import { browserDecoder } from '../data/browser';
import { datasets, type ShippedDataset } from '../data/datasets';
import { openDataset, type PreparedClip } from '../data/loader';
import type { ModelConfig } from '../model/config';
import { loadPretrained } from '../model/pretrained';
import type { VganModel } from '../model/networks';
import { loadModel } from '../model/weights';
import { classIndices, gatherClips, realClips } from './clips';
import { FEATURE_SEED, randomFeatureNetwork } from './features';
import { representationExperiment } from './finetune';
import { evaluateGenerator } from './metrics';
import type { FromResearch, ModelSource, ModelSummary, ToResearch } from './research-protocol';
import { unitTopImages } from './units';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromResearch) => scope.postMessage(m);
const staticUrl = (path: string) => new URL(path, new URL(import.meta.env.BASE_URL, scope.location.origin)).href;

const ready = initBackend().then((info) => post({ type: 'backend', info }));

class Stopped extends Error {}
let stopping = false;

/** The last model loaded; kept while the next job names the same shipped model (autosaves and files change). */
let loaded: { name: string | null; model: VganModel } | null = null;

async function artifactsOf(s: ModelSource, job: ToResearch['type']): Promise<tf.io.ModelArtifacts> {
  switch (s.from) {
    case 'pretrained':
      return loadPretrained(staticUrl('weights/'), s.name, (done, total) => post({ type: 'progress', job, label: `Loading ${s.name}`, done, total }));
    case 'autosave': {
      const [handler] = tf.io.getLoadHandlers(s.url);
      if (!handler?.load) throw new Error(`no autosave at ${s.url}`);
      return handler.load();
    }
    case 'file': {
      const json = JSON.parse(s.modelJson) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSONSync(json, json.weightsManifest?.[0]?.weights ?? [], s.weights);
    }
  }
}

async function modelOf(s: ModelSource, job: ToResearch['type']): Promise<VganModel> {
  const name = s.from === 'pretrained' ? s.name : null;
  if (loaded && name !== null && loaded.name === name) return loaded.model;
  loaded?.model.dispose();
  loaded = null;
  const { model, extra } = loadModel(await artifactsOf(s, job));
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

async function clipsOf(dataset: ShippedDataset, config: ModelConfig, limit: number, job: ToResearch['type']) {
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
    onProgress: (p) => post({ type: 'progress', job, label: `Reading ${dataset}`, done: p.bytesLoaded, total: p.bytesTotal }),
  });
  clipCache = { key, clips: await gatherClips(ds.clips(), limit), labels: ds.manifest.labels };
  return clipCache;
}

/** Lets a 'stop' message in between steps, and ends the job when one came. */
async function checkpoint(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (stopping) throw new Stopped();
}

async function handle(m: Exclude<ToResearch, { type: 'stop' }>): Promise<void> {
  await ready;
  stopping = false;
  switch (m.type) {
    case 'autosaves': {
      const urls = Object.keys(await tf.io.listModels()).filter((u) => u.startsWith('indexeddb://vgan-'));
      return post({ type: 'autosaves', urls });
    }
    case 'representation': {
      const { job } = m;
      const model = await modelOf(job.source, m.type);
      const { clips, labels } = await clipsOf('moving-mnist', model.config, job.clips, m.type);
      const classes = labels?.motion;
      if (!classes) throw new Error('moving-mnist has no motion labels');
      const data = { clips, labels: classIndices(clips, 'motion', classes), classes };
      const result = await representationExperiment(model, data, {
        seed: job.seed,
        steps: job.steps,
        batchSize: job.batchSize,
        onStep: async (label, done, total) => {
          post({ type: 'progress', job: m.type, label: `Fine-tuning ${label.replace('/', ' with ')} labels`, done, total });
          await checkpoint();
        },
        onResult: (rows) => post({ type: 'representation', rows }),
      });
      return post({ type: 'representation', rows: result.rows, summary: { train: result.train, test: result.test, features: result.features } });
    }
    case 'units': {
      const { job } = m;
      const model = await modelOf(job.source, m.type);
      if (model.kind !== 'future') throw new Error('unit visualisation needs a future model (one with an image encoder)');
      const { clips } = await clipsOf(job.dataset, model.config, job.images, m.type);
      const { size } = model.config;
      const plane = size * size * 3;
      const first = new Float32Array(clips.length * plane);
      clips.forEach((c, i) => {
        for (let p = 0; p < plane; p++) first[i * plane + p] = c.rgb[p] / 127.5 - 1;
      });
      post({ type: 'progress', job: m.type, label: `Running the encoder over ${clips.length} first frames`, done: 0, total: 1 });
      const hits = await unitTopImages(model, first, job);
      return post({
        type: 'units',
        hits: hits.map((h) => ({ ...h, frame: { data: first.slice(h.image * plane, (h.image + 1) * plane), frames: 1, size, channels: 3 } })),
      });
    }
    case 'metrics': {
      const { job } = m;
      const model = await modelOf(job.source, m.type);
      const { clips } = await clipsOf(job.dataset, model.config, job.clips, m.type);
      const featureModel = job.features === 'random' ? randomFeatureNetwork(model.config) : model;
      try {
        const rows = await evaluateGenerator(model, realClips(clips, model.config.frames, model.config.size), {
          featureModel,
          seed: job.seed,
          onProgress: (done, total) => post({ type: 'progress', job: m.type, label: 'Scoring clips', done, total }),
        });
        const features = job.features === 'random' ? `a fixed random-weight discriminator (seed ${FEATURE_SEED})` : "the model's own discriminator (biased towards its generator)";
        return post({ type: 'metrics', rows, clips: clips.length, features });
      } finally {
        if (featureModel !== model) featureModel.dispose();
      }
    }
  }
}

let queue = Promise.resolve();
scope.onmessage = ({ data }: MessageEvent<ToResearch>) => {
  if (data.type === 'stop') {
    stopping = true;
    return;
  }
  queue = queue
    .then(() => handle(data))
    .catch((e: unknown) => post(e instanceof Stopped ? { type: 'stopped' } : { type: 'error', message: e instanceof Error ? e.message : String(e) }));
};
