// Our WGSL conv kernels inside headless Chromium's WebGPU: kernels-check.html runs a few cases (3D and
// 2D) of all three kernels in both loop structures against tfjs's cpu backend and reports the largest relative error.
import { expect, test } from './fixtures';

test('WGSL conv kernels match the cpu backend in the browser', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/kernels-check.html');
  await page.waitForFunction(() => window.kernelsCheck !== undefined, undefined, { timeout: 240_000 });
  const r = await page.evaluate(() => window.kernelsCheck!);
  console.log(`adapter: ${r.adapter}; max relative error ${r.maxError.toExponential(2)} over ${r.results.length} kernel runs`);
  expect(r.error).toBeUndefined();
  expect(errors).toEqual([]);
  expect(r.results).toHaveLength(24);
  expect(r.maxError).toBeLessThan(1e-4);
  for (const name of ['conv3d', 'conv3dBackpropInput', 'conv3dBackpropFilter']) {
    for (const mode of ['direct', 'shared']) {
      expect(
        r.ourPipelines.some((k) => k.startsWith(`vgan_${name}_${mode}_`)),
        `${name} ${mode}`,
      ).toBe(true);
    }
  }
});
