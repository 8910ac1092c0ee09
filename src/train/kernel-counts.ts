// How many GPU kernels a model configuration's first step compiled, remembered in IndexedDB, so that a later
// run of the same configuration can count "k of n" while its kernels compile again.
import { resolveConfig } from '../model/config';
import { configOverrides, type Settings } from '../settings';
import type { StepKind } from './session';

/** What decides the shapes a first step compiles kernels for: the model, its geometry, the batch and the step. */
export function kernelCountKey(s: Settings, step: StepKind): string {
  const { baseChannels, frameStride } = resolveConfig({ preset: s.preset, ...configOverrides(s) });
  return `${s.preset}-${s.kind}-${s.generator}-${s.upsample}-c${baseChannels}-f${frameStride}-batch${s.batchSize}-augment${s.augment}-${step}`;
}

/** The page's words for `done` kernels compiled, out of the `expected` a former run of this configuration compiled. */
export function compiledLabel(done: number, expected: number | undefined): string {
  return expected === undefined
    ? `${done} GPU kernels compiled (the first time for this configuration in this browser; later runs count k of n)`
    : `${done} of ${expected} GPU kernels compiled`;
}

/**
 * The count to remember after a first step compiled `compiled` kernels: the largest seen, since a backend
 * that already compiled another model's kernels compiles fewer for this one.
 */
export const countToRemember = (compiled: number, remembered: number | undefined) => Math.max(compiled, remembered ?? 0);

let database: Promise<IDBDatabase> | null = null;

function counts(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  database ??= new Promise((resolve, reject) => {
    const open = indexedDB.open('vgan-kernel-counts', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('counts');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  return database.then((db) => db.transaction('counts', mode).objectStore('counts'));
}

function result<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The count remembered for `key`; undefined when none is, or the browser keeps no IndexedDB here. */
export const recallKernelCount = (key: string): Promise<number | undefined> =>
  counts('readonly')
    .then((store) => result<number | undefined>(store.get(key)))
    .catch(() => undefined);

export const rememberKernelCount = (key: string, count: number): Promise<unknown> =>
  counts('readwrite')
    .then((store) => result(store.put(count, key)))
    .catch(() => undefined);
