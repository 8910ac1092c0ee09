// Fetching static files (datasets, shipped weights) with progress and size limits, and with a clear
// message when a file is missing: a single-page-app server answers unknown paths with index.html.
import { DataError, IntegrityError, errorMessage } from './errors';

export type Fetch = (url: string) => Promise<Response>;

export const joinUrl = (base: string, name: string) => (base === '' ? name : base.replace(/\/?$/, '/') + name);

/** Reads a response body with progress, refusing to read past `expected` bytes. */
export async function readBody(response: Response, expected: number, onBytes: (n: number) => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > expected) {
        await reader.cancel();
        throw new IntegrityError(`more than the ${expected} bytes the manifest declares`);
      }
      chunks.push(value);
      onBytes(value.length);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

/** A JSON file of at most `limit` bytes; `missing` is the message when it is not there ("no such dataset: …"). */
export async function fetchJson(url: string, fetchFn: Fetch, missing: string, limit = 16 << 20): Promise<unknown> {
  const response = await fetchFn(url);
  if (response.status === 404) throw new DataError(`${missing} (${url}: HTTP 404)`);
  if (!response.ok) throw new DataError(`${url}: HTTP ${response.status} ${response.statusText}`);
  const text = new TextDecoder().decode(await readBody(response, limit, () => {}));
  if (/^\s*</.test(text)) throw new DataError(`${missing} (${url} is a web page, not JSON)`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(`${url}: not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
}
