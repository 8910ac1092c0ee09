// The research panels' state (representation learning, units, metrics) and their worker, started on
// first use so that a page that never opens these tools never pays for a second tfjs backend.
import { create } from 'zustand';
import type { BackendInfo } from '../backend';
import type { FromResearch, ToResearch } from '../eval/research-protocol';

type Job = Exclude<ToResearch['type'], 'stop' | 'autosaves'>;
type Result<T extends FromResearch['type']> = Extract<FromResearch, { type: T }>;

export interface ResearchState {
  backend: BackendInfo | null;
  /** The job running now, if any. */
  busy: Job | null;
  /** The job last started: its panel shows the error. */
  last: Job | null;
  progress: Result<'progress'> | null;
  model: Result<'model'>['summary'] | null;
  representation: Result<'representation'> | null;
  units: Result<'units'> | null;
  metrics: Result<'metrics'> | null;
  autosaves: string[];
  error: string | null;
  send: (m: ToResearch) => void;
}

let worker: Worker | null = null;

function receive(m: FromResearch) {
  const set = useResearch.setState;
  switch (m.type) {
    case 'backend':
      return set({ backend: m.info });
    case 'model':
      return set({ model: m.summary });
    case 'progress':
      return set({ progress: m });
    case 'representation':
      return set({ representation: m, ...(m.summary ? { busy: null, progress: null } : {}) });
    case 'units':
      return set({ units: m, busy: null, progress: null });
    case 'metrics':
      return set({ metrics: m, busy: null, progress: null });
    case 'autosaves':
      return set({ autosaves: m.urls });
    case 'stopped':
      return set({ busy: null, progress: null });
    case 'error':
      return set({ error: m.message, busy: null, progress: null });
  }
}

export const useResearch = create<ResearchState>(() => ({
  backend: null,
  busy: null,
  last: null,
  progress: null,
  model: null,
  representation: null,
  units: null,
  metrics: null,
  autosaves: [],
  error: null,
  send: (m) => {
    if (!worker) {
      worker = new Worker(new URL('../eval/research-worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = ({ data }: MessageEvent<FromResearch>) => receive(data);
      worker.onerror = (e) => receive({ type: 'error', message: `The research worker failed: ${e.message}` });
    }
    if (m.type !== 'stop' && m.type !== 'autosaves') useResearch.setState({ busy: m.type, last: m.type, error: null, progress: null });
    worker.postMessage(m);
  },
}));
