// Runs a TypeScript CLI module's `main(argv)` through Vite's SSR loader: tfjs's ESM builds use
// extensionless imports that Node's own loader (and so tsx) rejects, and the app's `?raw` shader imports
// need Vite anyway. seedrandom goes through an ES-module wrapper (./seedrandom.mjs).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function runTypeScript(modulePath, argv) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'warn',
    // No HMR websocket: several CLIs may run at once, and none of them reloads.
    server: { middlewareMode: true, hmr: false, ws: false },
    appType: 'custom',
    ssr: { noExternal: [/^@tensorflow\//] },
    resolve: { alias: [{ find: /^seedrandom$/, replacement: join(root, 'tools/lib/seedrandom.mjs') }] },
  });
  // tfjs-core's Node platform calls require(), which Vite's module runner does not define.
  globalThis.require ??= createRequire(import.meta.url);
  try {
    const { main } = await server.ssrLoadModule(modulePath);
    await main(argv);
  } finally {
    await server.close();
  }
}
