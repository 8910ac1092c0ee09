// The prediction worker: decodes a dropped image and runs the future model on the page's backend (WebGPU
// first) off the main thread, so the page stays responsive while shaders compile and the model runs.
/// <reference lib="webworker" />
import type * as tf from '../tf';
import { loseDevice, type BackendInfo } from '../backend';
import { errorMessage } from '../data/errors';
import { decodeInBrowser, sniffStill, stillToFrame } from '../data/still-image';
import type { VganModel } from '../model/networks';
import { loadPretrained } from '../model/pretrained';
import { loadFutureModel, predictFutures } from './predict';
import { staticUrl, startWorker } from '../worker-host';
import type { ModelSource, Prediction, PredictorApi, ToPredictor } from './predict-protocol';
import { artifactsOf } from '../model/weights';

let model: VganModel | null = null;
/** The model that last predicted: a new one compiles its kernels on its first prediction. */
let predictedWith: VganModel | null = null;
/** What the model in use was built from: a lost device takes the model, not these. */
let loaded: { source: ModelSource; artifacts: tf.io.ModelArtifacts } | null = null;
// One request at a time: a prediction never runs on a model being replaced.
const { server } = startWorker<PredictorApi>(handle, {
  describe: errorMessage,
  recover: { lost: deviceLost, restarted: rebuildOn, failed: (e) => post({ type: 'error', message: errorMessage(e) }) },
});
const post = server.emit;

async function use(source: ModelSource, artifacts: () => Promise<tf.io.ModelArtifacts>) {
  try {
    const files = await artifacts();
    const next = loadFutureModel(files); // its errors reach the page, which names the source
    model?.dispose();
    model = next;
    loaded = { source, artifacts: files };
    post({ type: 'model', source, config: next.config });
  } catch (e) {
    post({ type: 'modelError', source, message: errorMessage(e) });
  }
}

/** A lost GPU device takes the model's tensors with it. */
function deviceLost(reason: string) {
  model = null; // nothing left to dispose
  post({ type: 'error', message: `The GPU device was lost (${reason}); loading the model again on a new device.` });
}

/** On the new device: build the model again from the weights it was loaded from. */
async function rebuildOn(info: BackendInfo) {
  post({ type: 'backend', info });
  if (loaded) {
    const { source, artifacts } = loaded;
    await use(source, async () => artifacts);
  }
}

async function handle(m: ToPredictor): Promise<Prediction | void> {
  switch (m.type) {
    case 'loadShipped':
      return use({ kind: 'shipped', name: m.name }, () => loadPretrained(staticUrl('weights/'), m.name));
    case 'loadWeights':
      return use(m.source, async () => artifactsOf(m.modelJson, m.weights));
    case 'predict': {
      const start = performance.now();
      // Bad files are refused from their header whether or not a model is there.
      const bytes = new Uint8Array(m.bytes);
      const name = `“${m.name}”`;
      const info = sniffStill(bytes, name);
      if (!model) throw new Error('No future model is loaded: see the message above.');
      const { frame, size, notes } = stillToFrame(await decodeInBrowser(bytes, info, name), info, model.config.size);
      const predictStart = performance.now();
      const { clips, reconstruction } = await predictFutures(model, frame, m.options);
      const end = performance.now();
      const firstRun = predictedWith !== model;
      predictedWith = model;
      const input = { data: frame, frames: 1, size, channels: 3 as const };
      const times = { msTotal: end - start, msPredict: end - predictStart, firstRun };
      return { input, info, notes, clips, reconstruction, ...times, options: m.options };
    }
    case 'loseDevice':
      return loseDevice();
  }
}
