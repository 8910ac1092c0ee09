// Uncaptured WebGPU errors are heard (src/gpu-watch.ts): a shader that does not compile reaches every
// listener in words, a removed listener hears nothing, and a CLI's watch (tools/lib/gpu-cli.ts) prints it and
// then refuses to go on.
import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { onGpuError, provokeGpuError } from '../../src/gpu-watch';
import { GpuErrorsSeen, watchGpuForCli } from '../../tools/lib/gpu-cli';
import { takeGpuErrors } from './gpu-error-guard';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
});

/** Waits (up to 10 s) until `heard` holds something: Dawn delivers the event on a later tick. */
async function settle(heard: unknown[]) {
  for (let i = 0; i < 200 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
}

it('a validation error reaches every listener in words; a removed listener hears nothing', async () => {
  const heard: string[] = [];
  const removed: string[] = [];
  onGpuError((m) => heard.push(m));
  const stop = onGpuError((m) => removed.push(m));
  stop();
  await provokeGpuError();
  await settle(heard);
  expect(heard).toHaveLength(1);
  expect(heard[0]).toMatch(/^WebGPU validation error: .*\S/);
  expect(removed).toEqual([]);
  // The suite's own guard heard it too; taken here, it does not fail this test.
  expect(takeGpuErrors()).toEqual([expect.stringMatching(/^GPUValidationError: /)]);
});

it("a CLI's watch prints each error and then throws, so the CLI exits non-zero", async () => {
  const printed: string[] = [];
  const watch = watchGpuForCli((line) => printed.push(line));
  expect(() => watch.check()).not.toThrow();
  await provokeGpuError();
  await settle(printed);
  watch.stop();
  expect(printed).toHaveLength(1);
  expect(printed[0]).toMatch(/^error: WebGPU validation error: /);
  expect(() => watch.check()).toThrow(GpuErrorsSeen);
  expect(() => watch.check()).toThrow(/1 uncaptured WebGPU error /);
  expect(takeGpuErrors()).toHaveLength(1);
});
