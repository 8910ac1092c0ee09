// The research panels' state: the baseline worker (started on first use, so a page that never opens the
// research tools runs one backend only) and what it answers.
import { create } from 'zustand';
import type { BackendInfo } from '../backend';
import type { BaselineApi, FitReport, ToBaseline } from '../eval/baseline-protocol';
import type { ClipData } from '../model/sample';
import { CancelledError, connect, type Client, type ResultOf } from '../worker-rpc';
import { download } from './gif';
import { spawnWorker } from '../spawn-worker';
import { gpuErrorText } from './gpu-errors';

export interface BaselineState {
  backend: BackendInfo | null;
  training: boolean;
  iteration: number;
  losses: number[];
  progress: { done: number; total: number } | null;
  fit: FitReport | null;
  samples: ClipData[];
  /** Where a loaded file left the settings it fixes. */
  loaded: { preset: string; seed: number } | null;
  error: string | null;
  /** Sends `m` and shows its answer (or its error) in the panel. */
  send: (m: ToBaseline) => void;
  /** Stops training at its next step. */
  stop: () => void;
  /** Sends `m` and gives its answer to the caller. */
  request: <R extends ToBaseline>(m: R) => Promise<ResultOf<BaselineApi, R>>;
}

let client: Client<BaselineApi> | null = null;
/** Cancels the training run. */
let trainingRun: AbortController | null = null;

function worker(): Client<BaselineApi> {
  if (!client) {
    const w = spawnWorker('baseline');
    w.onerror = (e) => set({ error: `The baseline worker failed: ${e.message}`, training: false, progress: null });
    client = connect<BaselineApi>(w);
    client.listen((e) =>
      set(e.type === 'backend' ? { backend: e.info } : { error: e.type === 'gpuError' ? gpuErrorText('baseline', e.message) : e.message }),
    );
  }
  return client;
}

const set = (patch: Partial<BaselineState>) => useBaseline.setState(patch);

/** Runs `m` and puts its answer where the panel shows it. */
async function show(m: ToBaseline): Promise<void> {
  switch (m.type) {
    case 'train': {
      trainingRun = new AbortController();
      set({ training: true });
      const onProgress = ({ iteration, loss, done, total }: BaselineApi['progress']) =>
        set({ iteration, losses: [...useBaseline.getState().losses, loss], progress: { done, total } });
      try {
        await worker().request(m, { signal: trainingRun.signal, onProgress });
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      } finally {
        set({ training: false, progress: null, fit: null }); // the decoder changed: a fitted mixture is gone
      }
      return;
    }
    case 'fit':
      return set({ fit: await worker().request(m) });
    case 'sample':
      return set({ samples: await worker().request(m) });
    case 'real':
      return void (await worker().request(m)); // only asked for by request()
    case 'export': {
      const files = await worker().request(m);
      download(new Blob([files.modelJson], { type: 'application/json' }), 'model.json');
      download(new Blob([files.weights]), 'weights.bin');
      if (files.gmmJson) download(new Blob([files.gmmJson], { type: 'application/json' }), 'gmm.json');
      return;
    }
    case 'import': {
      const { iteration, preset, seed } = await worker().request(m);
      return set({ iteration, losses: [], fit: null, samples: [], loaded: { preset, seed } });
    }
  }
}

export const useBaseline = create<BaselineState>(() => ({
  backend: null,
  training: false,
  iteration: 0,
  losses: [],
  progress: null,
  fit: null,
  samples: [],
  loaded: null,
  error: null,
  send: (m) => {
    set({ error: null });
    show(m).catch((e: Error) => set({ error: e.message }));
  },
  stop: () => trainingRun?.abort(),
  request: (m) => worker().request(m),
}));
