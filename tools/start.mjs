// `npm start`: install if needed, build, serve the playground on localhost and print its URL.
import { spawn, execSync } from 'node:child_process';
import { ensureNodeModules, root } from './setup.mjs';

ensureNodeModules();
execSync('npx vite build', { cwd: root, stdio: 'inherit' });
const port = process.env.PORT ?? '4173';
const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', port, '--strictPort'], {
  cwd: root,
  stdio: 'inherit',
});
console.log(`\nVGAN playground: http://127.0.0.1:${port}/\n`);
server.on('exit', (code) => process.exit(code ?? 0));
