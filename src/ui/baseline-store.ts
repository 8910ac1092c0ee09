// The research panels' state: the baseline worker (started on first use, so a page that never opens the
// research tools runs one backend only) and what it reports.
import { create } from 'zustand';
import type { BackendInfo } from '../backend';
import type { FitReport, FromBaseline, ToBaseline } from '../eval/baseline-protocol';
import type { ClipData } from '../model/sample';
import { download } from './gif';

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
  send: (m: ToBaseline) => void;
  /** Sends `m` and resolves with the worker's next message of type `reply` (rejects on its next error). */
  request: <K extends FromBaseline['type']>(m: ToBaseline, reply: K) => Promise<Extract<FromBaseline, { type: K }>>;
}

let worker: Worker | null = null;
const waiting: Array<{ type: FromBaseline['type']; resolve: (m: FromBaseline) => void; reject: (e: Error) => void }> = [];

function receive(m: FromBaseline) {
  const set = useBaseline.setState;
  const failed = m.type === 'error' && !m.skipped;
  const i = waiting.findIndex((w) => w.type === m.type || failed);
  if (i >= 0) {
    const [w] = waiting.splice(i, 1);
    if (m.type === 'error') w.reject(new Error(m.message));
    else w.resolve(m);
  }
  switch (m.type) {
    case 'backend':
      return set({ backend: m.info });
    case 'step':
      return set({ training: m.done < m.total, iteration: m.iteration, losses: [...useBaseline.getState().losses, m.loss], progress: { done: m.done, total: m.total } });
    case 'stopped':
      return set({ training: false, iteration: m.iteration, progress: null, fit: null });
    case 'fitted':
      return set({ fit: m.report });
    case 'samples':
      return set({ samples: m.clips });
    case 'files':
      download(new Blob([m.modelJson], { type: 'application/json' }), 'model.json');
      download(new Blob([m.weights]), 'weights.bin');
      if (m.gmmJson) download(new Blob([m.gmmJson], { type: 'application/json' }), 'gmm.json');
      return;
    case 'loaded':
      return set({ iteration: m.iteration, losses: [], fit: null, samples: [], loaded: { preset: m.preset, seed: m.seed } });
    case 'error':
      return set(m.skipped ? { error: m.message } : { error: m.message, training: false, progress: null });
    case 'real':
      return; // answered to its request
  }
}

function ensureWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('../eval/baseline-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<FromBaseline>) => receive(data);
    worker.onerror = (e) => receive({ type: 'error', message: `The baseline worker failed: ${e.message}` });
  }
  return worker;
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
    useBaseline.setState({ error: null, ...(m.type === 'train' ? { training: true } : {}) });
    ensureWorker().postMessage(m);
  },
  request: (m, reply) =>
    new Promise((resolve, reject) => {
      waiting.push({ type: reply, resolve: resolve as (m: FromBaseline) => void, reject });
      useBaseline.getState().send(m);
    }),
}));
