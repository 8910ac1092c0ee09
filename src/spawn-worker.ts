// The page's way to start a tfjs worker: every role runs in the one script src/worker-entry.ts.
export type WorkerRole = 'train' | 'baseline' | 'research' | 'predict';

export const spawnWorker = (role: WorkerRole) => new Worker(new URL('./worker-entry.ts', import.meta.url), { type: 'module', name: role });
