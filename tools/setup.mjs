// Makes a fresh clone runnable: npm packages, and for tests Debian's Chromium and the Vulkan loader
// (WebGPU runs on Chromium's SwiftShader Vulkan driver, in the browser and in Node alike).
// Uses Node built-ins only, so it runs before node_modules exists.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const swiftshaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

function run(cmd) {
  console.log(`$ ${cmd}`);
  execSync(cmd, { cwd: root, stdio: 'inherit' });
}

export function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(stamp)) run('npm ci --no-audit --no-fund');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;
function aptInstall(pkgs) {
  if (!aptUpdated) run('apt-get update -qq');
  aptUpdated = true;
  run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkgs}`);
}

/** Returns the Chromium executable for Playwright, installing Debian's package when we may. */
export function ensureChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const debian = '/usr/bin/chromium';
  const missing = [];
  if (!existsSync(debian)) missing.push('chromium');
  if (!existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1') && !existsSync('/usr/lib/aarch64-linux-gnu/libvulkan.so.1')) {
    missing.push('libvulkan1');
  }
  if (missing.length > 0) {
    if (!isRoot()) {
      throw new Error(
        `Missing ${missing.join(', ')}. Install Debian's packages (apt-get install ${missing.join(' ')}) ` +
          'or set CHROMIUM_PATH to a Chromium with WebGPU support.',
      );
    }
    aptInstall(missing.join(' '));
  }
  return debian;
}

export const python = '/usr/bin/python3';

/** Makes sure Debian's Python has PyTorch, numpy and Pillow (the trainer's tests and the parity tests), installing them when we may. */
export function ensurePythonTorch() {
  const importable = () => {
    try {
      execSync(`${python} -c "import torch, numpy, PIL"`, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (importable()) return;
  if (!isRoot())
    throw new Error(`${python} cannot import torch, numpy and PIL: install Debian's python3-torch, python3-numpy and python3-pil.`);
  aptInstall('python3-torch python3-numpy python3-pil');
}
