// Uncaptured WebGPU errors, never silent: a command buffer that fails validation (or runs out of memory) is
// dropped by the implementation with nothing but an `uncapturederror` event on its device. Here they are
// heard, in words, by every listener: the workers forward them to the page (src/worker-host.ts), Node CLIs
// print them and exit non-zero (tools/lib/gpu-cli.ts), tests fail on them.
import * as tf from './tf';

/** The WebGPU device under tfjs's webgpu backend; undefined on other backends. */
export const gpuDevice = () => (tf.backend() as unknown as { device?: GPUDevice }).device;

/** What a worker says unasked when its GPU reports an error that no request caught (every worker's events include it). */
export interface GpuErrorEvent {
  type: 'gpuError';
  message: string;
}

export type GpuErrorListener = (message: string) => void;

const listeners = new Set<GpuErrorListener>();
const watched = new WeakSet<GPUDevice>();
const KINDS: Record<string, string> = {
  GPUValidationError: 'validation error',
  GPUOutOfMemoryError: 'out of memory',
  GPUInternalError: 'internal error',
};

/** An uncaptured WebGPU error in words: its kind and the implementation's message. */
export function describeGpuError(error: GPUError): string {
  return `WebGPU ${KINDS[error.constructor.name] ?? 'error'}: ${error.message.trim() || 'no details'}`;
}

/** Starts hearing the device now under tfjs (once per device; nothing on other backends). */
export function watchGpuDevice(): void {
  const device = gpuDevice();
  if (!device || watched.has(device)) return;
  watched.add(device);
  device.addEventListener('uncapturederror', (e) => {
    const message = describeGpuError((e as GPUUncapturedErrorEvent).error);
    listeners.forEach((listener) => {
      listener(message);
    });
  });
}

/**
 * Calls `listener` with every uncaptured WebGPU error of the device under tfjs now and of each device
 * src/backend.ts starts later (after a loss); returns what removes it.
 */
export function onGpuError(listener: GpuErrorListener): () => void {
  listeners.add(listener);
  watchGpuDevice();
  return () => listeners.delete(listener);
}

/** A validation error on purpose (a shader that does not compile), to show and test the reporting (?debug). */
export async function provokeGpuError(): Promise<void> {
  const device = gpuDevice();
  device?.createShaderModule({ code: 'this is not WGSL' });
  // Waiting on the queue lets the browser deliver the event to an otherwise idle worker.
  await device?.queue.onSubmittedWorkDone();
}
