// `node tools/run-ts.mjs tools/<cli>.ts [args…]`: a TypeScript CLI that uses tfjs, run through Vite's loader.
import { runTypeScript } from './lib/ssr.mjs';

const [path, ...argv] = process.argv.slice(2);
await runTypeScript(`/${path.replace(/^\.?\//, '')}`, argv);
process.exit(0);
