// The PyTorch side of the parity tests: Debian's /usr/bin/python3 with torch and numpy, installed when
// the tests run as root (as tools/setup.mjs installs Chromium), so a fresh CI machine runs them too.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const PYTHON = '/usr/bin/python3';
export const ROOT = resolve(import.meta.dirname, '../..');

/** Makes sure Debian's PyTorch is importable by /usr/bin/python3, installing it when running as root. */
export function ensureTorch(): void {
  const check = () => spawnSync(PYTHON, ['-c', 'import torch, numpy, PIL'], { encoding: 'utf8' });
  if (check().status === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${PYTHON} cannot import torch: install Debian's PyTorch as root (apt-get install -y python3-torch python3-numpy python3-pil)`,
    );
  }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'python3-torch', 'python3-numpy', 'python3-pil'],
  ]) {
    const r = spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed:\n${r.stderr}`);
  }
  const after = check();
  if (after.status !== 0) throw new Error(`python3-torch installed but ${PYTHON} still cannot import torch:\n${after.stderr}`);
}
