// The page laid out for teaching: the samples large in the first screen with the controls beside them, no
// sideways scrolling on a phone, the research tools on their own page (#research), large text for a projector.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function open(page: Page, path = '/') {
  await page.goto(path);
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByLabel('sample 0', { exact: true })).toBeVisible({ timeout: 120_000 });
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

test('at 1280×800 the samples fill at least a third of the first screen, the controls beside them', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  const samples = (await page.getByRole('region', { name: 'samples' }).boundingBox())!;
  const visible = Math.max(0, Math.min(samples.y + samples.height, 800) - Math.max(samples.y, 0)) * samples.width;
  expect(visible / (1280 * 800)).toBeGreaterThanOrEqual(1 / 3);
  const controls = (await page.getByRole('region', { name: 'controls' }).boundingBox())!;
  expect(controls.x).toBeGreaterThanOrEqual(samples.x + samples.width); // beside, not below
  expect(controls.y).toBeLessThan(800);
  // The model's diagram and the selected sample taken apart sit beside the grid, between it and the controls.
  for (const name of ['model diagram', 'decomposition']) {
    const box = (await page.getByRole('region', { name }).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(samples.x + samples.width);
    expect(box.x + box.width).toBeLessThanOrEqual(controls.x);
    expect(box.y).toBeLessThan(800);
  }
  // Fewer samples per row: each one larger.
  const before = (await page.getByLabel('sample 0', { exact: true }).boundingBox())!.width;
  await page.getByLabel('samples per row').selectOption('1');
  expect((await page.getByLabel('sample 0', { exact: true }).boundingBox())!.width).toBeGreaterThan(1.5 * before);
  // Each sample plays as one of its streams; the link keeps both choices.
  await page.getByRole('radio', { name: 'mask m' }).check();
  await expect(page.getByLabel('sample 0 mask', { exact: true })).toBeVisible();
  await expect(page).toHaveURL(/gridPerRow=1/);
  await expect(page).toHaveURL(/gridStream=mask/);
  await page.reload();
  await expect(page.getByLabel('sample 0 mask', { exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByLabel('samples per row')).toHaveValue('1');
  // The charts count iterations along their axis.
  await page.getByTestId('step-both').click();
  await expect(page.getByTestId('chart-D loss')).toHaveAttribute('data-points', '1', { timeout: 120_000 });
  await expect(page.getByTestId('chart-D loss').getByTestId('iteration-axis')).toContainText('iteration');
});

test('at 390 px wide nothing scrolls sideways, on either page', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await page.getByRole('link', { name: 'Research tools' }).click();
  await expect(page.getByRole('region', { name: 'metrics' })).toBeVisible();
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});

test('the research tools have their own page, which keeps the settings in the URL; large text grows the text', async ({ page }) => {
  await open(page, '/?lrD=0.0005');
  const research = ['autoencoder baseline', 'human study', 'representation learning', 'hidden units', 'metrics'];
  for (const name of research) await expect(page.getByRole('region', { name })).toBeHidden();
  await page.getByRole('link', { name: 'Research tools' }).click();
  await expect(page).toHaveURL(/\?lrD=0\.0005#research$/);
  for (const name of research) await expect(page.getByRole('region', { name })).toBeVisible();
  await expect(page.getByRole('region', { name: 'samples' })).toBeHidden();
  await page.reload();
  await expect(page.getByRole('region', { name: 'metrics' })).toBeVisible({ timeout: 120_000 });
  await page.getByRole('link', { name: 'Training' }).click();
  await expect(page.getByRole('region', { name: 'samples' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'metrics' })).toBeHidden();

  const size = () => page.getByRole('heading', { name: 'Real training clips' }).evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
  const normal = await size();
  await page.getByLabel('large text').check();
  await expect.poll(size).toBeGreaterThan(1.3 * normal);
  await expect(page).toHaveURL(/textSize=large/);
  await page.reload();
  await expect(page.getByLabel('large text')).toBeChecked({ timeout: 60_000 });
  expect(await size()).toBeGreaterThan(1.3 * normal);
});
