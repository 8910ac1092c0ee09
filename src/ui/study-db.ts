// The study's answers in IndexedDB, one record per answer keyed by its id: a class's browsers keep their
// answers across reloads until they export them.
import type { Answer } from '../eval/study';

const DB = 'vgan-study';
const STORE = 'answers';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB would not open'));
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
  } finally {
    db.close();
  }
}

export const loadAnswers = async (): Promise<Answer[]> =>
  (await run<Answer[]>('readonly', (s) => s.getAll() as IDBRequest<Answer[]>)) ?? [];

/** Stores answers; an id already stored keeps its first answer, as when merging files. */
export const saveAnswers = (answers: Answer[]) =>
  run('readwrite', (s) => {
    for (const a of answers) {
      // A duplicate id fails alone: neither aborting the transaction nor reaching its error handler.
      s.add(a).onerror = (e) => {
        e.preventDefault();
        e.stopPropagation();
      };
    }
  });

export const clearAnswers = () => run('readwrite', (s) => s.clear());

/** This browser's participant id, made once. */
export function participantId(): string {
  const key = 'vgan-study-participant';
  let id = localStorage.getItem(key);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(key, id);
  }
  return id;
}
