// The production build (npm test builds it before this suite) holds one copy of tfjs for all the workers:
// src/worker-entry.ts runs every role, so tfjs-core and the webgpu backend sit in one chunk they share.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const ASSETS = join(process.cwd(), 'dist', 'assets');
// Strings only tfjs's code carries: tfjs-core's kernel registry message and a helper of the webgpu backend's WGSL.
const MARKERS = { core: "Kernel '", webgpu: 'getOutputIndexFromCoords' };

test('the workers share one chunk holding tfjs', () => {
  // kernels-check.html, the browser check of the WGSL kernels, is a page of its own with its own tfjs.
  const chunks = readdirSync(ASSETS).filter((f) => f.endsWith('.js') && !f.startsWith('kernelsCheck'));
  const holding = (marker: string) => chunks.filter((f) => readFileSync(join(ASSETS, f), 'utf8').includes(marker));
  const webgpu = holding(MARKERS.webgpu);
  expect(webgpu).toHaveLength(1);
  // The page's own chunks may use tfjs-core (its tf chunk), but no second copy rides in a worker.
  expect(holding(MARKERS.core)).toContain(webgpu[0]);
  expect(holding(MARKERS.core).length).toBeLessThanOrEqual(2);
  expect(chunks.filter((f) => /^worker-entry-/.test(f))).toHaveLength(1);
});
