// Disposes what a test tracked once it ends, passed or failed.
import { afterEach } from 'vitest';

const live: Array<{ dispose(): void }> = [];

export function track<T extends { dispose(): void }>(x: T): T {
  live.push(x);
  return x;
}

afterEach(() => {
  for (const x of live.splice(0)) x.dispose();
});
