// One script for every tfjs worker of the app, so that the production build holds one copy of tfjs, in a
// chunk the four roles share, instead of one per worker. The page names the role as the Worker's `name`
// (src/spawn-worker.ts); the role's module installs its request server when it loads.
/// <reference lib="webworker" />
import type { WorkerRole } from './spawn-worker';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const roles: Record<WorkerRole, () => Promise<unknown>> = {
  train: () => import('./train/worker'),
  baseline: () => import('./eval/baseline-worker'),
  research: () => import('./eval/research-worker'),
  predict: () => import('./eval/predict-worker'),
};

// Requests that arrive while the role's module loads are held, then handed, in order, to the handlers it installed.
const early: MessageEvent[] = [];
const hold = (e: MessageEvent) => {
  e.stopImmediatePropagation();
  early.push(e);
};
scope.addEventListener('message', hold);
const load = roles[scope.name as WorkerRole];
if (!load) throw new Error(`no worker role named "${scope.name}"`);
await load();
scope.removeEventListener('message', hold);
for (const e of early) scope.dispatchEvent(new MessageEvent('message', { data: e.data, ports: [...e.ports] }));
