// What every worker does on start: its tfjs backend, announced to the page as a `backend` event, and its
// request server (src/worker-rpc.ts); GPU errors and a lost device told to the page as events; and where
// the site's static files are, seen from inside a worker.
/// <reference lib="webworker" />
import { deviceLost, initBackend, onDeviceLoss, type BackendInfo } from './backend';
import { onGpuError, type GpuErrorEvent } from './gpu-watch';
import { serve, type Api, type Call, type Server, type ServeOptions } from './worker-rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** A file or folder the site serves, e.g. `weights/`, as an absolute URL. */
export const staticUrl = (path: string) => new URL(path, new URL(import.meta.env.BASE_URL, scope.location.origin)).href;

/** How a worker that can rebuild its state goes on after its GPU device is lost (src/backend.ts's onDeviceLoss). */
export interface Recovery {
  /** At once: the worker's tensors are gone. */
  lost(reason: string): void;
  /** On the new backend, in turn with the requests. */
  restarted(info: BackendInfo): Promise<void>;
  /** When the restart or the rebuild fails. */
  failed(error: unknown): void;
}

export interface WorkerOptions<A extends Api> extends Omit<ServeOptions<A>, 'ready'> {
  /** Without it, a lost device is reported as a gpuError event and the worker's tools stay unusable. */
  recover?: Recovery;
}

/** Serves `handle` once the backend is up. */
export function startWorker<A extends Api>(
  handle: (request: A['requests'], call: Call<A['progress']>) => Promise<unknown>,
  { recover, ...options }: WorkerOptions<A> = {},
): { server: Server<A>; ready: Promise<BackendInfo> } {
  const ready = initBackend();
  const server = serve<A>(scope, handle, { ...options, ready });
  // Every worker's events include { type: 'backend', info } and GpuErrorEvent; a failed start is every request's answer.
  const emit = (event: { type: 'backend'; info: BackendInfo } | GpuErrorEvent) => server.emit(event as A['events']);
  void ready.then(
    (info) => {
      emit({ type: 'backend', info });
      onGpuError((message) => emit({ type: 'gpuError', message }));
      if (recover) onDeviceLoss(recover.lost, (job) => void server.enqueue(job).catch(recover.failed), recover.restarted);
      else
        void deviceLost().then((reason) =>
          emit({ type: 'gpuError', message: `The GPU device was lost (${reason}); reload the page to use this tool again.` }),
        );
    },
    () => undefined,
  );
  return { server, ready };
}
