// Every gpu test fails on an uncaptured WebGPU error (a dropped command buffer, an out-of-memory): each
// device the tests create is heard from its first moment, and after each test the errors it raised are
// reported. A test that raises errors on purpose takes them with takeGpuErrors().
import { afterEach, expect } from 'vitest';

const devices = new Set<GPUDevice>();
const errors: string[] = [];

/** Wraps navigator.gpu so that every device it makes reports its uncaptured errors here. */
export function guardGpu(gpu: GPU): GPU {
  const requestAdapter = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options) => {
    const adapter = await requestAdapter(options);
    if (!adapter) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = async (descriptor) => {
      const device = await requestDevice(descriptor);
      devices.add(device);
      device.addEventListener('uncapturederror', (e) => {
        const { error } = e as GPUUncapturedErrorEvent;
        errors.push(`${error.constructor.name}: ${error.message}`);
      });
      return device;
    };
    return adapter;
  };
  return gpu;
}

/** The errors raised so far, which then no longer fail the test. */
export function takeGpuErrors(): string[] {
  return errors.splice(0);
}

afterEach(async () => {
  // Work still queued may yet fail: wait for it, then give Dawn a tick to deliver the events.
  await Promise.all([...devices].map((d) => d.queue.onSubmittedWorkDone().catch(() => undefined)));
  await new Promise((r) => setTimeout(r, 20));
  expect(takeGpuErrors(), 'uncaptured WebGPU errors').toEqual([]);
});
