// Gives Node a WebGPU implementation (Dawn, from the `webgpu` package) before any tfjs backend loads.
// VK_ICD_FILENAMES must point at a Vulkan driver; `npm test` sets it to Chromium's SwiftShader.
import { create, globals } from 'webgpu';
import { guardGpu } from './gpu-error-guard';

if (!process.env.VK_ICD_FILENAMES) {
  throw new Error('VK_ICD_FILENAMES is not set: run through `npm test`, or point it at vk_swiftshader_icd.json');
}
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: guardGpu(create([])) }, configurable: true });
