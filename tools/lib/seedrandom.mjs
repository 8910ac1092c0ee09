// seedrandom (CommonJS) as an ES module with named exports: tfjs does `import * as seedrandom` and calls
// seedrandom.alea, which Vite's SSR loader cannot see on a CommonJS namespace.
import { createRequire } from 'node:module';

const seedrandom = createRequire(import.meta.url)('seedrandom');
export default seedrandom;
export const { alea, xor128, xorwow, xorshift7, xor4096, tychei } = seedrandom;
