// Picks the fastest tfjs backend this browser has: WebGPU, then WebGL, then the plain-JS cpu backend.
// Never wasm: tfjs 4.22's wasm backend computes 3D-conv gradients wrongly.
// On webgpu, 3D convolutions and their gradients run our kernels.
import * as tf from './tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { registerVganKernels } from './kernels';
import { gpuDevice, watchGpuDevice } from './gpu-watch';

// Our WGSL spatio-temporal convolutions replace tfjs-webgpu's naive ones (src/kernels, shaders/).
registerVganKernels();

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** What the adapter says it is, e.g. "SwiftShader (google)". */
  adapter: string;
  /** Why a faster backend was skipped, in words for the page. */
  notes: string[];
}

/** What tfjs's WebGPU backend learnt of its adapter (asking for a second adapter would cost a GPU instance). */
function adapterName(): string {
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  const parts = [info?.architecture, info?.vendor].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'unnamed adapter';
}

function webglRenderer(): string {
  // OffscreenCanvas: this also runs inside the training worker, which has no document.
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  return gl ? String(gl.getParameter(gl.RENDERER)) : 'WebGL2';
}

export async function initBackend(order: BackendName[] = ['webgpu', 'webgl', 'cpu']): Promise<BackendInfo> {
  const notes: string[] = [];
  for (const name of order) {
    if (name === 'webgpu' && !('gpu' in navigator)) {
      notes.push('This browser has no WebGPU (navigator.gpu is missing); training will be much slower.');
      continue;
    }
    // tfjs's webgpu factory throws a TypeError into the console when there is no adapter: ask first.
    if (name === 'webgpu' && !(await navigator.gpu.requestAdapter())) {
      notes.push(
        'This browser has WebGPU but offers no GPU adapter to it (turned off, or this GPU is blocklisted); training will be much slower.',
      );
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        watchGpuDevice(); // a new device after a loss is watched too
        const adapter = name === 'webgpu' ? adapterName() : name === 'webgl' ? webglRenderer() : 'JavaScript on the CPU';
        return { name, adapter, notes };
      }
    } catch (e) {
      notes.push(`${name} failed to start: ${(e as Error).message}`);
      continue;
    }
    notes.push(`${name} is not available here.`);
  }
  throw new Error(`No tfjs backend could start. ${notes.join(' ')}`);
}

/** Resolves, with the reason in words, when the WebGPU device under tfjs is lost; never on other backends. */
export function deviceLost(): Promise<string> {
  const device = gpuDevice();
  if (!device) return new Promise<string>(() => undefined);
  return device.lost.then((lost) => `${lost.reason}: ${lost.message || 'no details'}`);
}

/** A new webgpu backend on a new device, or the next backend in order that starts. */
async function restartBackend(): Promise<BackendInfo> {
  const factory = tf.findBackendFactory('webgpu');
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory, 3);
  return initBackend();
}

/**
 * Each time the WebGPU device under tfjs is lost (driver reset, another tab's crash, the OS reclaiming
 * memory), every tensor goes with it: `lost(reason)` runs at once; then, as a job given to `enqueue` so
 * that it never overlaps the caller's own work, a new backend starts (its device watched in turn) and
 * `restarted(info)` rebuilds on it.
 */
export function onDeviceLoss(
  lost: (reason: string) => void,
  enqueue: (job: () => Promise<void>) => void,
  restarted: (info: BackendInfo) => Promise<void>,
): void {
  void deviceLost().then((reason) => {
    lost(reason);
    enqueue(async () => {
      const info = await restartBackend();
      onDeviceLoss(lost, enqueue, restarted);
      await restarted(info);
    });
  });
}

/** Destroys the device, to show (and test) recovery from a lost device (?debug). */
export function loseDevice(): void {
  gpuDevice()?.destroy();
}
