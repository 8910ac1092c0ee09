// What every worker does on start: its tfjs backend, announced to the page as a `backend` event, and its
// request server (src/worker-rpc.ts); and where the site's static files are, seen from inside a worker.
/// <reference lib="webworker" />
import { initBackend, type BackendInfo } from './backend';
import { serve, type Api, type Call, type Server, type ServeOptions } from './worker-rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** A file or folder the site serves, e.g. `weights/`, as an absolute URL. */
export const staticUrl = (path: string) => new URL(path, new URL(import.meta.env.BASE_URL, scope.location.origin)).href;

/** Serves `handle` once the backend is up. */
export function startWorker<A extends Api>(
  handle: (request: A['requests'], call: Call<A['progress']>) => Promise<unknown>,
  options: Omit<ServeOptions<A>, 'ready'> = {},
): { server: Server<A>; ready: Promise<BackendInfo> } {
  const ready = initBackend();
  const server = serve<A>(scope, handle, { ...options, ready });
  // Every worker's events include { type: 'backend', info }; a failed start is every request's answer.
  void ready.then((info) => server.emit({ type: 'backend', info } as A['events']), () => undefined);
  return { server, ready };
}
