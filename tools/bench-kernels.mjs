// `npm run bench:kernels [-- --batch N --reps N --layers NAME,... --skip-tfjs]`
// Gives Node WebGPU (Dawn on the SwiftShader Vulkan driver unless VK_ICD_FILENAMES says otherwise),
// then loads tools/bench-kernels-run.ts through Vite's SSR loader, which imports the WGSL files with
// `?raw` exactly as the app does.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { create, globals } from 'webgpu';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
// The Vulkan loader reads this when Dawn creates its instance, i.e. inside create() below.
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
Object.assign(globalThis, globals);
// Held on globalThis for the whole run: dawn.node tears the device down once `create`'s result is collected.
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'warn',
  server: { middlewareMode: true },
  appType: 'custom',
  // tfjs's ESM builds use extensionless imports that Node's own loader rejects; Vite resolves them.
  ssr: { noExternal: [/^@tensorflow\//] },
});
// ...and tfjs-core's Node platform calls require(), which Vite's module runner does not define.
globalThis.require ??= createRequire(import.meta.url);
try {
  const { main } = await server.ssrLoadModule('/tools/bench-kernels-run.ts');
  await main(process.argv.slice(2));
} finally {
  await server.close();
}
process.exit(0);
