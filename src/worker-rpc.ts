// One request/reply layer for the page's workers. The page's `request` gets an id and a promise; the worker
// runs requests one at a time in arrival order (so that a step never overlaps a rebuild), may report
// progress on one, and answers it with its result or its error. Aborting a request's signal cancels it:
// dropped if it has not started, told through its own signal if it runs. What the worker says unasked
// (a report, a sample, a lost device) is an event, which any number of listeners may hear.

/** What both ends of a channel need: a Worker, a worker's global scope, a MessagePort. */
export interface Port {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => unknown) | null;
}

/** A worker's protocol: its requests (by `type`), the results of those that have one, its progress and its events. */
export interface Api {
  requests: { type: string };
  results: { [type: string]: unknown };
  progress: unknown;
  events: unknown;
}

type Wire =
  | { id: number; request: { type: string } }
  | { cancel: number }
  | { id: number; progress: unknown }
  | { id: number; result: unknown }
  | { id: number; error: string; cancelled?: boolean }
  | { event: unknown };

export type ResultOf<A extends Api, R extends A['requests']> = R['type'] extends keyof A['results'] ? A['results'][R['type']] : void;

/** A request's end when its signal was aborted. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export interface RequestOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
  /** Buffers of the request to move to the worker rather than copy. */
  transfer?: Transferable[];
}

export interface Client<A extends Api> {
  request<R extends A['requests']>(request: R, options?: RequestOptions<A['progress']>): Promise<ResultOf<A, R>>;
  /** Adds a listener to the worker's events; returns what removes it. */
  listen(listener: (event: A['events']) => void): () => void;
}

/** The page's end of a worker's channel. */
export function connect<A extends Api>(port: Port): Client<A> {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: unknown) => void }>();
  const listeners = new Set<(event: A['events']) => void>();
  port.onmessage = ({ data }: MessageEvent<Wire>) => {
    if ('event' in data)
      return listeners.forEach((l) => {
        l(data.event as A['events']);
      });
    if (!('id' in data)) return;
    const call = pending.get(data.id);
    if (!call) return;
    if ('progress' in data) return call.onProgress?.(data.progress);
    pending.delete(data.id);
    if ('result' in data) call.resolve(data.result);
    else if ('error' in data) call.reject(data.cancelled ? new CancelledError() : new Error(data.error));
  };
  return {
    request(request, options = {}) {
      const id = nextId++;
      const { signal, onProgress, transfer = [] } = options;
      if (signal?.aborted) return Promise.reject(new CancelledError());
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
        signal?.addEventListener('abort', () => port.postMessage({ cancel: id } satisfies Wire, []), { once: true });
        port.postMessage({ id, request } satisfies Wire, transfer);
      });
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What a worker's handler gets besides the request. */
export interface Call<P> {
  /** Aborted when the page cancels this request. */
  signal: AbortSignal;
  progress(progress: P): void;
  /** Buffers of the result to move to the page rather than copy. */
  transfer(...buffers: Transferable[]): void;
}

export interface ServeOptions<A extends Api> {
  /** Held before the first request runs, e.g. the backend's start; when it fails, every request fails with it. */
  ready?: Promise<unknown>;
  /** Requests that run at once instead of waiting their turn, e.g. a pause that the running loop must see. */
  immediate?: (request: A['requests']) => boolean;
  /** The page's words for an error (default: its message). */
  describe?: (error: unknown) => string;
}

export interface Server<A extends Api> {
  emit(event: A['events'], transfer?: Transferable[]): void;
  /** Runs a job of the worker's own (e.g. recovery from a lost device) in turn with the requests. */
  enqueue(job: () => Promise<void>): Promise<void>;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The worker's end: `handle` answers each request with its result (or throws). */
export function serve<A extends Api>(
  port: Port,
  handle: (request: A['requests'], call: Call<A['progress']>) => Promise<unknown>,
  options: ServeOptions<A> = {},
): Server<A> {
  const describe = options.describe ?? messageOf;
  const ready = options.ready ?? Promise.resolve();
  ready.catch(() => undefined); // its failure is each request's answer, not an unhandled rejection
  const running = new Map<number, AbortController>();
  let queue: Promise<unknown> = Promise.resolve();
  const post = (m: Wire, transfer: Transferable[] = []) => port.postMessage(m, transfer);

  async function run(id: number, request: A['requests'], controller: AbortController) {
    const transfer: Transferable[] = [];
    try {
      await ready;
      if (controller.signal.aborted) throw new CancelledError();
      const result = await handle(request, {
        signal: controller.signal,
        progress: (progress) => post({ id, progress }),
        transfer: (...buffers) => transfer.push(...buffers),
      });
      post({ id, result }, transfer);
    } catch (e) {
      post(controller.signal.aborted ? { id, error: 'cancelled', cancelled: true } : { id, error: describe(e) });
    } finally {
      running.delete(id);
    }
  }

  port.onmessage = ({ data }: MessageEvent<Wire>) => {
    if ('cancel' in data) return running.get(data.cancel)?.abort();
    if (!('request' in data)) return;
    const controller = new AbortController();
    running.set(data.id, controller);
    const request = data.request as A['requests'];
    if (options.immediate?.(request)) void run(data.id, request, controller);
    else queue = queue.then(() => run(data.id, request, controller));
  };
  return {
    emit: (event, transfer) => post({ event }, transfer),
    enqueue: (job) => {
      const done = queue.then(job);
      queue = done.catch(() => undefined);
      return done;
    },
  };
}
