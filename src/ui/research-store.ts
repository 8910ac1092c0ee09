// The research panels' state (representation learning, units, metrics) and their worker, started on
// first use so that a page that never opens these tools never pays for a second tfjs backend.
import { create } from 'zustand';
import type { BackendInfo } from '../backend';
import type { MetricsResult, ModelSummary, RepresentationResult, ResearchApi, ToResearch, UnitsResult } from '../eval/research-protocol';
import { CancelledError, connect, type Client } from '../worker-rpc';
import { spawnWorker } from '../spawn-worker';
import { gpuErrorText } from './gpu-errors';

export type Job = Exclude<ToResearch['type'], 'autosaves'>;

export interface ResearchState {
  backend: BackendInfo | null;
  /** The job running now, if any. */
  busy: Job | null;
  /** The job last started: its panel shows the error. */
  last: Job | null;
  progress: { label: string; done: number; total: number } | null;
  model: ModelSummary | null;
  representation: RepresentationResult | null;
  units: UnitsResult | null;
  metrics: MetricsResult | null;
  autosaves: string[];
  error: string | null;
  /** Starts a job, or asks for the autosaves. */
  send: (m: ToResearch) => void;
  /** Stops the running job at its next step. */
  stop: () => void;
}

let client: Client<ResearchApi> | null = null;
/** Cancels the running job. */
let running: AbortController | null = null;

function worker(): Client<ResearchApi> {
  if (!client) {
    const w = spawnWorker('research');
    w.onerror = (e) => useResearch.setState({ error: `The research worker failed: ${e.message}`, busy: null, progress: null });
    client = connect<ResearchApi>(w);
    client.listen((e) =>
      useResearch.setState(
        e.type === 'backend'
          ? { backend: e.info }
          : e.type === 'gpuError'
            ? { error: gpuErrorText('research', e.message) }
            : { model: e.summary },
      ),
    );
  }
  return client;
}

const set = (patch: Partial<ResearchState>) => useResearch.setState(patch);

async function runJob(m: Exclude<ToResearch, { type: 'autosaves' }>) {
  running = new AbortController();
  set({ busy: m.type, last: m.type, error: null, progress: null });
  const onProgress = (p: ResearchApi['progress']) => set('rows' in p ? { representation: { rows: p.rows } } : { progress: p });
  try {
    const options = { signal: running.signal, onProgress };
    if (m.type === 'representation') set({ representation: await worker().request(m, options) });
    else if (m.type === 'units') set({ units: await worker().request(m, options) });
    else set({ metrics: await worker().request(m, options) });
  } catch (e) {
    if (!(e instanceof CancelledError)) set({ error: (e as Error).message });
  } finally {
    set({ busy: null, progress: null });
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
    if (m.type !== 'autosaves') return void runJob(m);
    worker()
      .request(m)
      .then(
        (autosaves) => set({ autosaves }),
        (e: Error) => set({ error: e.message }),
      );
  },
  stop: () => running?.abort(),
}));
