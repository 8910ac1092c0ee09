// `npm test`: install what the tests need, then run every suite and print one closing tally.
//   unit  — vitest in Node on tfjs's cpu backend
//   gpu   — vitest in Node on WebGPU (the `webgpu` package on Chromium's SwiftShader Vulkan driver)
//   e2e   — Playwright driving Debian's headless Chromium with --enable-unsafe-webgpu
// Extra arguments are passed to vitest (e.g. `npm test -- tests/unit/model.test.ts`) and skip e2e.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureChromium, ensureNodeModules, ensurePythonTorch, python, root, swiftshaderIcd } from './setup.mjs';

ensureNodeModules();
const chromium = ensureChromium();
ensurePythonTorch();
const reports = join(root, 'test-results');
mkdirSync(reports, { recursive: true });
/** A port nothing listens on, for the e2e suite's preview server. */
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const env = { ...process.env, VK_ICD_FILENAMES: swiftshaderIcd, CHROMIUM_PATH: chromium, E2E_PORT: String(await freePort()) };
const args = process.argv.slice(2);

function step(cmd, cmdArgs) {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  return spawnSync(cmd, cmdArgs, { cwd: root, env, stdio: 'inherit' }).status ?? 1;
}

let passed = 0;
let failed = 0;
const vitestJson = join(reports, 'vitest.json');
const vitestStatus = step('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`, ...args]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
}
let status = vitestStatus;
if (args.length === 0) {
  // The type check and the lint (Biome: formatting and rules, biome.json) count as one test each; the
  // PyTorch trainer's unit tests count as theirs.
  const checks = [step('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']), step('npx', ['biome', 'check', '.'])];
  for (const s of checks) s === 0 ? passed++ : failed++;
  const checksStatus = checks.find((s) => s !== 0) ?? 0;
  console.log(`\n$ ${python} -m unittest discover -s trainer/tests`);
  const py = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'trainer/tests', '-p', 'test_*.py'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  process.stdout.write(py.stdout);
  process.stdout.write(py.stderr);
  const ran = Number(/Ran (\d+) tests?/.exec(py.stderr)?.[1] ?? 0);
  const bad = [...py.stderr.matchAll(/(?:failures|errors)=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  passed += ran - bad;
  failed += py.status === 0 ? bad : Math.max(bad, 1);
  status ||= checksStatus || (py.status ?? 1);
  const buildStatus = step('npx', ['vite', 'build']);
  const pwJson = join(reports, 'playwright.json');
  const pwStatus =
    buildStatus === 0
      ? (spawnSync('npx', ['playwright', 'test'], { cwd: root, env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson }, stdio: 'inherit' })
          .status ?? 1)
      : 1;
  if (existsSync(pwJson)) {
    const r = JSON.parse(readFileSync(pwJson, 'utf8'));
    passed += r.stats.expected;
    failed += r.stats.unexpected;
  }
  status ||= buildStatus || pwStatus;
}
if (status !== 0 && failed === 0) failed = 1; // a suite that crashed before reporting still fails the run
console.log(`\nnpm test: ${passed} passed, ${failed} failed`);
process.exit(status);
