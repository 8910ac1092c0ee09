import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs on tfjs's cpu backend; `gpu` runs WebGPU in Node through the `webgpu`
// package (Dawn on SwiftShader), one file at a time because SwiftShader already uses every core.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/unit/setup-cpu.ts'],
          pool: 'forks',
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          setupFiles: ['tests/gpu/setup-webgpu.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
