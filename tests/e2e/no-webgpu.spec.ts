// The playground in a Chromium that offers no WebGPU adapter (no --enable-unsafe-webgpu on Linux):
// it says what is lost and how to turn WebGPU on, trains on the fallback backend, and logs no error.
import { expect, test } from '@playwright/test';
import config from '../../playwright.config';

const { launchOptions } = config.use!;
test.use({ launchOptions: { ...launchOptions, args: launchOptions!.args!.filter((a) => a !== '--enable-unsafe-webgpu') } });

test('without WebGPU the page explains the fallback and how to enable WebGPU, trains, and logs no error', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /TypeError|failed/i.test(m.text())) problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(`/?seed=${3000 + Math.floor(Math.random() * 1e6)}`);
  const help = page.getByRole('region', { name: 'running without WebGPU' });
  await expect(help).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('status')).not.toContainText('Backend: webgpu');
  await expect(help).toContainText('offers no GPU adapter');
  await expect(help).toContainText('Everything still works');
  // Headless Chromium on Linux: the Linux steps, with the command-line switches.
  await expect(help).toContainText('on Linux');
  await expect(help).toContainText('--enable-unsafe-webgpu --enable-features=Vulkan');
  await help.getByText('Other browsers').click();
  await expect(help).toContainText('Firefox 141');
  await expect(help).toContainText('Safari 26');
  // What still works: a training step on the fallback backend.
  await expect(page.getByTestId('step-both')).toBeEnabled({ timeout: 120_000 });
  await page.getByTestId('step-both').click();
  await expect(page.getByTestId('iteration')).toHaveText('1', { timeout: 300_000 });
  expect(problems).toEqual([]);
});
