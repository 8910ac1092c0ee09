import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is a static bundle: everything it needs (weights, shards, the gif.js worker) is under public/.
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // kernels-check.html: the browser check of the WGSL conv kernels (tests/e2e/kernels.spec.ts).
    rollupOptions: { input: { main: 'index.html', kernelsCheck: 'kernels-check.html' } },
  },
  worker: { format: 'es' },
  server: { port: 5173 },
  preview: { port: 4173 },
});
