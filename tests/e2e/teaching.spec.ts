// The teaching views: the mix grid (one sample's background under another's foreground and mask) and one
// iteration stepped through stage by stage with its numbers.
import type { Page } from '@playwright/test';
import { iterationStages } from '../../src/train/stages';
import { expect, test } from './fixtures';

async function open(page: Page, query = '') {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByLabel('sample 0', { exact: true })).toBeVisible({ timeout: 120_000 });
}

/**
 * The largest difference, over pixels and channels, between canvas `cell` and m·f + (1−m)·b of the others,
 * read while all four show the same frame (null until they do); and how far the cell is from `others`.
 */
function compare(page: Page, labels: { cell: string; b: string; f: string; m: string; others: string[] }) {
  return page.evaluate((l) => {
    const read = (label: string) => {
      const c = document.querySelector<HTMLCanvasElement>(`canvas[aria-label="${label}"]`)!;
      return { frame: c.dataset.frame, pixels: c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data };
    };
    const [cell, b, f, m, ...others] = [l.cell, l.b, l.f, l.m, ...l.others].map(read);
    if (new Set([cell, b, f, m, ...others].map((c) => c.frame)).size !== 1) return null;
    let worst = 0;
    for (let i = 0; i < cell.pixels.length; i++) {
      if (i % 4 === 3) continue;
      const k = m.pixels[i - (i % 4)] / 255;
      worst = Math.max(worst, Math.abs(cell.pixels[i] - (k * f.pixels[i] + (1 - k) * b.pixels[i])));
    }
    const apart = others.map((o) => o.pixels.reduce((s, v, i) => s + Math.abs(v - cell.pixels[i]), 0) / o.pixels.length);
    return { worst, apart };
  }, labels);
}

test('the mix grid draws one sample’s background under another’s foreground and mask; one stream has none', async ({ page }) => {
  await open(page);
  const mix = page.getByRole('region', { name: 'mix' });
  await expect(mix.getByLabel('mix 0 1', { exact: true })).toBeVisible();
  const labels = { cell: 'mix 0 1', b: 'mix background 0', f: 'mix foreground 1', m: 'mix mask 1', others: ['mix 0 0', 'mix 1 1'] };
  let result: Awaited<ReturnType<typeof compare>> = null;
  await expect.poll(async () => (result = await compare(page, labels)), { timeout: 10_000 }).not.toBeNull();
  expect(result!.worst).toBeLessThanOrEqual(2); // 8-bit rounding of the three sources
  // Neither source sample: not sample 0 (the diagonal 0 0) nor sample 1 (1 1).
  for (const apart of result!.apart) expect(apart).toBeGreaterThan(0.5);

  await open(page, `?generator=oneStream&seed=${2000 + Math.floor(Math.random() * 1e6)}`);
  await expect(page.getByTestId('mix-none')).toContainText('one-stream generator');
  await expect(page.getByLabel('mix 0 1', { exact: true })).toHaveCount(0);
});

test('step through one iteration: the five stages in order, each with its numbers', async ({ page }) => {
  await open(page);
  const panel = page.getByRole('region', { name: 'step through one iteration' });
  const next = panel.getByRole('button', { name: 'Next stage' });
  await panel.getByRole('button', { name: 'Step through one iteration' }).click();
  for (const [i, stage] of iterationStages.entries()) {
    await expect(panel.locator('li[aria-current=step]')).toHaveText(stage.title, { timeout: 120_000 });
    await expect(panel.getByTestId('stage-numbers')).toContainText(/\d\.\d{4}/);
    if (i === 0) await expect(panel.getByTestId('stage-numbers')).toContainText('D(x)');
    if (i === 3) await expect(panel.getByTestId('stage-numbers')).toContainText('mask mean');
    if (i < iterationStages.length - 1) {
      await expect(next).toBeEnabled({ timeout: 120_000 });
      await next.click();
    }
  }
  await expect(page.getByTestId('iteration')).toHaveText('1', { timeout: 120_000 });
  await expect(next).toBeDisabled();
  await expect(panel.getByRole('button', { name: 'Step through one iteration' })).toBeEnabled();
  await expect(page.getByTestId('chart-D loss')).toHaveAttribute('data-points', '1');
});
