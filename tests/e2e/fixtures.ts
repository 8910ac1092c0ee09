// Every e2e test imports `test` from here: it fails when the page reports a GPU error (a worker's uncaptured
// WebGPU error, src/ui/gpu-errors.ts), when a script throws uncaught, or when the page or a worker logs a
// console error the test did not declare. A test that provokes GPU errors on purpose sets gpuErrorsExpected
// and checks them itself through `gpuErrors`.
import { test as base, expect, type ConsoleMessage } from '@playwright/test';
import { GPU_ERROR_MARK } from '../../src/ui/gpu-errors';

interface Options {
  gpuErrorsExpected: boolean;
  /** Console errors that are not failures: by default the browser's own line for an HTTP error, which tests of missing files cause. */
  consoleErrorsAllowed: RegExp[];
}

export const test = base.extend<Options & { gpuErrors: string[] }>({
  gpuErrorsExpected: [false, { option: true }],
  consoleErrorsAllowed: [[/^Failed to load resource: /], { option: true }],
  gpuErrors: [
    async ({ page, gpuErrorsExpected, consoleErrorsAllowed }, use, testInfo) => {
      const gpu: string[] = [];
      const other: string[] = [];
      const uncaught: string[] = [];
      const hear = (m: ConsoleMessage) => {
        if (m.type() !== 'error') return;
        const text = m.text();
        if (text.includes(GPU_ERROR_MARK)) gpu.push(text);
        else if (!consoleErrorsAllowed.some((r) => r.test(text))) other.push(text);
      };
      page.on('console', hear);
      page.on('worker', (w) => w.on('console', hear));
      page.on('pageerror', (e) => uncaught.push(`${e.name}: ${e.message}`));
      await use(gpu);
      for (const [name, lines] of [
        ['GPU errors', gpu],
        ['console errors', other],
        ['uncaught errors', uncaught],
      ] as const) {
        if (lines.length > 0) await testInfo.attach(name, { body: lines.join('\n') });
      }
      if (!gpuErrorsExpected) expect(gpu, 'GPU errors the page reported').toEqual([]);
      expect(other, 'console errors').toEqual([]);
      expect(uncaught, 'uncaught errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
