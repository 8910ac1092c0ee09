import { expect, test } from '@playwright/test';

test('renders samples of a random tiny two-stream generator on WebGPU', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('backend')).toContainText('Backend: webgpu', { timeout: 120_000 });
  const panes = ['video', 'background', 'foreground', 'mask'];
  for (const pane of panes) await expect(page.getByLabel(`sample 0 ${pane}`)).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('canvas')).toHaveCount(16);
  // Each pane shows a picture, not a blank canvas: its pixels vary.
  const spread = await page.evaluate((names) =>
    names.map((name) => {
      const c = document.querySelector(`canvas[aria-label="sample 0 ${name}"]`) as HTMLCanvasElement;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let lo = 255;
      let hi = 0;
      for (let i = 0; i < px.length; i += 4) {
        lo = Math.min(lo, px[i]);
        hi = Math.max(hi, px[i]);
      }
      return hi - lo;
    }), panes);
  for (const s of spread) expect(s).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
