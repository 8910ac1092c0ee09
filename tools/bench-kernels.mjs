// `npm run bench:kernels [-- --batch N --reps N --layers NAME,... --skip-tfjs]`
// Gives Node WebGPU (Dawn on the SwiftShader Vulkan driver unless VK_ICD_FILENAMES says otherwise),
// then runs tools/bench-kernels-run.ts through Vite's SSR loader (tools/lib/ssr.mjs), which imports the
// WGSL files with `?raw` exactly as the app does.
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { runTypeScript } from './lib/ssr.mjs';

const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
// The Vulkan loader reads this when Dawn creates its instance, i.e. inside create() below.
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
Object.assign(globalThis, globals);
// Held on globalThis for the whole run: dawn.node tears the device down once `create`'s result is collected.
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });

await runTypeScript('/tools/bench-kernels-run.ts', process.argv.slice(2));
process.exit(0);
