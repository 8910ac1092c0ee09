// The training worker: runs a TrainingSession off the main thread so the page stays responsive, streams
// reports and samples back, and autosaves checkpoints to IndexedDB (one slot per model-defining setting).
/// <reference lib="webworker" />
import * as tf from '../tf';
import { loseDevice, type BackendInfo } from '../backend';
import { provokeGpuError } from '../gpu-watch';
import { browserDecoder } from '../data/browser';
import type { BuiltDataset } from '../data/shards';
import { errorMessage } from '../data/errors';
import { artifactsOf, modelJson, readingWeights, saveModel, WeightsError } from '../model/weights';
import { staticUrl, startWorker } from '../worker-host';
import type { Call } from '../worker-rpc';
import { configOverrides, type Settings } from '../settings';
import { openBatchSource, type BatchSource, type ClipMaker } from './data-source';
import { HISTORY, QUALITY_EVERY, type Charts, type ToWorker, type TrainApi, type WeightsFile } from './protocol';
import { liveTrainerOptions, TrainingSession, trainerOptions } from './session';
import { Trainer, TrainingDivergedError } from './trainer';
import type { StageListener } from './stages';
import { presetConfig, resolveConfig, type ModelConfig } from '../model/config';
import type { RealClips } from '../data/clip-stats';
import { clipDataToReal, measureQuality, referenceClips } from './quality';
import { loadPretrained } from '../model/pretrained';
import { watchCompiles } from './compile-watch';
import { compiledLabel, countToRemember, kernelCountKey, recallKernelCount, rememberKernelCount } from './kernel-counts';
import type { StepKind } from './session';

/** Samples are sent at most this often while training runs. */
const SAMPLE_INTERVAL_MS = 1000;
/** Real clips the samples' quality is measured against: this many fresh ones of a procedural dataset; a stored one gives one batch. */
const QUALITY_CLIPS = 32;

let session: TrainingSession | null = null;
let settings: Settings | null = null;
let running = false;
let lastSamples = 0;
let selected = 0;
let ownDataset: BuiltDataset | null = null;
/** Real clips the quality measurements compare with: fresh ones of a procedural dataset, else a batch of the data. */
let reference: RealClips | null = null;
/** The session's charts, saved with its autosave; the iteration last saved. */
let charts: Charts = { history: [], quality: [] };
let savedIteration = -1;
/** The autosave key this tab's run saves to (claimRunAutosave); null when other tabs hold every key of its link. */
let autosaveKey: string | null = null;
let releaseAutosave = () => {};
/** The autosave key whose Web Lock this tab holds, if any. */
let heldAutosave: string | null = null;
/** The run started from a weights file, if this is one: its autosave is its own, apart from the settings' run. */
let importedRun: string | null = null;
/** The training loop's end, with its pause autosave: a rebuild waits for it, so that the run it replaces is saved whole. */
let loopEnded: Promise<void> = Promise.resolve();
// Requests are handled one at a time, in order, so a step never overlaps a rebuild; a pause passes the
// queue and takes effect between iterations, without waiting behind the loop.
const { server, ready } = startWorker<TrainApi>(handle, {
  immediate: (m) => m.type === 'pause',
  describe: stopFor,
  recover: { lost: deviceLost, restarted: resumeOn, failed: fail },
});
const post = server.emit;
void ready.then(
  () => watchCompiles(compiledKernel),
  () => undefined,
);

/** GPU kernels compiled since the backend started, and when the page last heard of it. */
let compiled = 0;
let compiledTold = 0;
/** What the worker waits for, the kernel count when it started waiting, and how many a former run of it compiled. */
let waiting: { label: string; from: number; expected?: number } | null = null;
/** Step kinds this session has run once: the first of each compiles its kernels. */
let stepped = new Set<StepKind>();

/** Tells the page at once what the worker now waits for (null: nothing), so that no wait is silent. */
function waitFor(label: string | null, expected?: number) {
  waiting = label === null ? null : { label, from: compiled, expected };
  post({ type: 'stage', label });
}

function compiledKernel(count: number) {
  compiled = count;
  // A first iteration compiles a kernel every few milliseconds: a word every quarter second is enough.
  if (!waiting || performance.now() - compiledTold < 250) return;
  compiledTold = performance.now();
  post({ type: 'stage', label: `${waiting.label}: ${compiledLabel(compiled - waiting.from, waiting.expected)}` });
}

/** A lost GPU device stops training and takes the session's tensors with it. */
function deviceLost(reason: string) {
  running = false;
  post({ type: 'running', running: false });
  post({ type: 'error', message: `The GPU device was lost (${reason}); resuming from the last autosave.` });
  session = null; // its tensors died with the device: nothing left to dispose
}

/** On the new device: resume from the last autosave. */
async function resumeOn(info: BackendInfo) {
  post({ type: 'backend', info });
  watchCompiles(compiledKernel);
  if (settings) await init(settings, false, importedRun);
}

/** One autosave per experiment: the model-defining settings, and the layer table's width and time span (so a preset's new geometry never resumes an old run). */
const autosaveUrl = (s: Settings) => {
  const { baseChannels, frameStride } = resolveConfig({ preset: s.preset, ...configOverrides(s) });
  return `indexeddb://vgan-${s.dataset}-${s.preset}${s.kind === 'future' ? '-future' : ''}-${s.generator}${s.upsample === 'resize' ? '-resize' : ''}-seed${s.seed}-batch${s.batchSize}-c${baseChannels}-f${frameStride}${s.weights ? `-from-${s.weights}` : ''}${importedRun ? `-file-${importedRun}` : ''}`;
};

/** A trainer starting from the shipped model `s.weights`, which must be the model the settings describe. */
async function pretrainedTrainer(s: Settings): Promise<Trainer> {
  waitFor(`Loading the pretrained model ${s.weights}`);
  const artifacts = await loadPretrained(staticUrl('weights/'), s.weights, (done, total) =>
    post({ type: 'progress', label: `Loading the pretrained model ${s.weights}`, done, total }),
  );
  // The run's seed (its latent grid) is the page's; the model is the file's.
  const trainer = readingWeights(`weights/${s.weights}/model.json`, () =>
    Trainer.restore(artifacts, { ...liveTrainerOptions(s), seed: s.seed }),
  );
  const want = presetConfig(s.preset);
  const { config, kind } = trainer.model.arch;
  if (
    kind !== 'unconditional' ||
    trainer.model.generatorKind !== s.generator ||
    trainer.model.upsample !== s.upsample ||
    config.size !== want.size ||
    config.frames !== want.frames ||
    config.zDim !== want.zDim
  ) {
    trainer.dispose();
    throw new WeightsError(
      `the pretrained model ${s.weights} is a ${kind} ${trainer.model.generatorKind} model of ${config.size}² × ${config.frames} frames upsampling by ${trainer.model.upsample} convolutions, not preset ${s.preset} with a ${s.generator} generator upsampling by ${s.upsample} convolutions; pick it from the Pretrained list`,
    );
  }
  return trainer;
}

/** The clip maker of the dataset being trained on, when it is procedural: quality is scored on its clips. */
let clipMaker: ClipMaker | undefined;

async function makeSource(s: Settings, config: ModelConfig): Promise<BatchSource> {
  const source = await openBatchSource(s.dataset, config, s.batchSize, s.seed, {
    root: staticUrl(''),
    own: ownDataset,
    decoder: browserDecoder(),
    mirror: s.mirror === 'on',
    // The shard being fetched, not the dataset: training fetches only the shards its batches need.
    onProgress: ({ shard }) =>
      post({ type: 'progress', label: `Loading ${s.dataset}: ${shard?.name}`, done: shard?.bytesLoaded ?? 1, total: shard?.bytes ?? 1 }),
    onError: (e) => post({ type: 'error', message: `Data: ${e.message} (skipped; training goes on)` }),
  });
  clipMaker = source.maker;
  return source;
}

/** Takes the Web Lock named `url` and holds it until `releaseAutosave`; false when another tab holds it. */
function lockAutosave(url: string): Promise<boolean> {
  if (!navigator.locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    void navigator.locks.request(url, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      if (!lock) return undefined;
      heldAutosave = url;
      return new Promise<void>((release) => {
        releaseAutosave = () => {
          heldAutosave = null;
          release();
        };
      });
    });
  });
}

/** Saves the run being replaced (unless it is being reset), so that going back to its link resumes it. */
async function keepOutgoingRun(fresh: boolean) {
  running = false;
  await loopEnded;
  if (!fresh && session && session.trainer.iteration > 0 && session.trainer.iteration !== savedIteration) await autosave();
}

/** How many tabs on one link autosave, each to its own key: the first owns the link's, the others a numbered copy. */
const AUTOSAVE_COPIES = 8;

/**
 * The autosave of the run now starting (settings and imported run set): the link's own unless another tab holds
 * it, then the first numbered copy no tab holds, so that two tabs on one link never overwrite each other.
 */
async function claimRunAutosave(s: Settings): Promise<string> {
  savedIteration = -1;
  const base = autosaveUrl(s);
  const keys = Array.from({ length: AUTOSAVE_COPIES }, (_, i) => (i === 0 ? base : `${base}-copy${i + 1}`));
  // A run rebuilt on its own key (a lost device, a reset) keeps the lock it holds: released and asked for again,
  // the lock might not yet be free, and the run would move to a copy without its autosave.
  let copy = heldAutosave === null ? -1 : keys.indexOf(heldAutosave);
  if (copy < 0) {
    releaseAutosave();
    copy = await firstLockable(keys);
  }
  autosaveKey = copy < 0 ? null : keys[copy];
  if (copy > 0) {
    post({
      type: 'error',
      message: `Another tab is training this same experiment and owns its autosave: this tab autosaves to a copy of its own (copy ${copy + 1}), which this link reopens while that tab stays open.`,
    });
  } else if (copy < 0) {
    post({
      type: 'error',
      message: `${AUTOSAVE_COPIES} other tabs are training this same experiment, each with its own autosave: this tab trains without autosaving. Close one of them, or change the seed here, to autosave.`,
    });
  }
  return autosaveKey ?? base;
}

/** The index of the first key whose lock this tab could take (and now holds); −1 when other tabs hold them all. */
async function firstLockable(keys: string[]): Promise<number> {
  for (const [i, key] of keys.entries()) if (await lockAutosave(key)) return i;
  return -1;
}

async function init(s: Settings, fresh: boolean, imported: string | null) {
  await keepOutgoingRun(fresh);
  session?.dispose();
  session = null;
  settings = s;
  importedRun = imported;
  const url = await claimRunAutosave(s);
  if (fresh && autosaveKey) await tf.io.removeModel(url).catch(() => undefined);
  let trainer: Trainer | undefined;
  charts = { history: [], quality: [] };
  const saved = fresh ? [] : Object.keys(await tf.io.listModels()).filter((k) => k === url);
  if (saved.length > 0) {
    try {
      const artifacts = await tf.io.getLoadHandlers(url)[0].load!();
      trainer = Trainer.restore(artifacts, trainerOptions(s));
      charts = (artifacts.userDefinedMetadata?.charts as Charts | undefined) ?? charts;
      savedIteration = trainer.iteration;
    } catch (e) {
      post({ type: 'error', message: `The autosave could not be restored (${(e as Error).message}); starting afresh.` });
    }
  }
  let from: 'autosave' | 'pretrained' | null = trainer && trainer.iteration > 0 ? 'autosave' : null;
  if (!trainer && s.weights) {
    try {
      trainer = await pretrainedTrainer(s);
      from = 'pretrained';
    } catch (e) {
      post({ type: 'error', message: `Pretrained weights: ${(e as Error).message}. Starting from fresh weights.` });
    }
  }
  trainer ??= new Trainer(trainerOptions(s));
  waitFor(`Opening ${s.dataset}`);
  session = new TrainingSession(s, await makeSource(s, trainer.config), trainer);
  stepped = new Set();
  post({ type: 'ready', iteration: trainer.iteration, from, charts });
  waitFor('Drawing the first samples');
  await sendSamples();
  post({ type: 'real', clips: await session.realClips(4) });
  reference = null;
  waitFor('Measuring the samples against real clips');
  await sendQuality();
  waitFor(null);
}

async function sendQuality() {
  if (!session || !settings) return;
  const { config } = session.trainer;
  if (!reference) {
    reference = clipMaker
      ? referenceClips(clipMaker, settings.seed, QUALITY_CLIPS, config)
      : clipDataToReal(await session.realClips(QUALITY_CLIPS));
  }
  const measurement = await measureQuality(session.trainer.sampler, reference, settings.seed, session.trainer.iteration);
  charts.quality = [...charts.quality.slice(-(HISTORY - 1)), measurement];
  post({ type: 'quality', measurement });
}

async function sendSamples() {
  if (!session) return;
  lastSamples = performance.now();
  post({ type: 'samples', iteration: session.trainer.iteration, samples: await session.samples() });
  await sendLayers();
}

async function sendLayers() {
  if (session) post({ type: 'layers', index: selected, views: await session.layerViews(selected) });
}

async function autosave() {
  if (!session || !settings || !autosaveKey) return;
  const checkpoint = await session.trainer.checkpoint();
  await tf.io.getSaveHandlers(autosaveKey)[0].save!({ ...checkpoint, userDefinedMetadata: { charts } });
  savedIteration = session.trainer.iteration;
  post({ type: 'saved', iteration: savedIteration });
}

async function step(kind: StepKind, onStage?: StageListener) {
  if (!session) return;
  const before = session.trainer.iteration;
  const first = !stepped.has(kind);
  const what = { D: 'D update', G: 'G update', both: 'iteration' }[kind];
  // The first step of a kind compiles its kernels: counted against what the same configuration compiled before.
  const kernels = first && settings ? kernelCountKey(settings, kind) : null;
  const remembered = kernels ? await recallKernelCount(kernels) : undefined;
  if (first) waitFor(`The first ${what} of this model${tf.getBackend() === 'cpu' ? '' : ', compiling its GPU kernels'}`, remembered);
  const from = compiled;
  const report = await session.step(kind, onStage);
  stepped.add(kind);
  if (first) {
    if (kernels && compiled > from) await rememberKernelCount(kernels, countToRemember(compiled - from, remembered));
    waitFor(null);
  }
  charts.history = [...charts.history.slice(-(HISTORY - 1)), report];
  post({ type: 'report', report });
  if (report.iteration !== before && report.iteration % QUALITY_EVERY === 0) await sendQuality();
  const every = settings?.autosaveEvery ?? 0;
  if (every > 0 && report.iteration !== before && report.iteration % every === 0) await autosave();
}

async function loop() {
  while (running && session) {
    await step('both');
    if (performance.now() - lastSamples > SAMPLE_INTERVAL_MS) await sendSamples();
    // Let queued messages (pause, settings) in between iterations.
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** Training stops on any failure; returns the page's words for it. */
function stopFor(e: unknown): string {
  running = false;
  post({ type: 'running', running: false });
  waitFor(null);
  return e instanceof TrainingDivergedError ? `${e.message}. Training paused; lower the learning rates or reset.` : errorMessage(e);
}

/** A failure outside any request (the training loop, a lost device) is an event. */
function fail(e: unknown) {
  post({ type: 'error', message: stopFor(e) });
}

async function handle(m: ToWorker, call: Call<never>): Promise<WeightsFile | void> {
  switch (m.type) {
    case 'pause':
      running = false;
      return;
    case 'init':
      return init(m.settings, m.fresh ?? false, m.importedRun ?? null);
    case 'update':
      settings = m.settings;
      session?.update(m.settings);
      return;
    case 'ownDataset':
      ownDataset = m.dataset;
      return;
    case 'play':
      if (running) return;
      running = true;
      post({ type: 'running', running: true });
      // The loop runs outside the queue so that pause and updates get through while it runs.
      loopEnded = loop()
        .then(async () => {
          post({ type: 'running', running: false });
          await sendSamples();
          await autosave();
        })
        .catch(fail);
      return;
    case 'step':
      await step(m.kind);
      return sendSamples();
    case 'stepThrough':
      await step('both', (report) => post({ type: 'iterationStage', report }));
      return sendSamples();
    case 'loseDevice':
      return loseDevice();
    case 'gpuFault':
      return provokeGpuError();
    case 'select':
      selected = m.index;
      return sendLayers();
    case 'interpolate':
      if (session) post({ type: 'interpolation', samples: await session.interpolate(m.a, m.b, m.steps) });
      return;
    case 'exportWeights': {
      if (!session) throw new Error('There is no model to export yet.');
      // Weights and the run's position; optimiser state stays in the autosave (it would triple the file).
      const artifacts = await saveModel(session.trainer.published(), undefined, session.trainer.state);
      const weights = tf.io.concatenateArrayBuffers(artifacts.weightData!);
      call.transfer(weights);
      return { modelJson: JSON.stringify(modelJson(artifacts, ['weights.bin'])), weights };
    }
    case 'importWeights': {
      if (!settings) return;
      // The file decides the model (size, frames, generator); the page's settings decide how it trains on.
      const trainer = readingWeights(m.name, () => Trainer.restore(artifactsOf(m.modelJson, m.weights), liveTrainerOptions(settings!)));
      await keepOutgoingRun(false);
      session?.dispose();
      importedRun = m.importedRun;
      await claimRunAutosave(settings);
      session = new TrainingSession(settings, await makeSource(settings, trainer.config), trainer);
      stepped = new Set();
      charts = { history: [], quality: [] };
      post({ type: 'ready', iteration: trainer.iteration, from: 'file', charts });
      reference = null;
      waitFor('Measuring the loaded model against real clips');
      await sendQuality();
      await sendSamples();
      return waitFor(null);
    }
  }
}
