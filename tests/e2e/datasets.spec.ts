// Every procedural dataset is drawn in the page's worker: moving-mnist reads its digit atlas from the site
// (decoded by the browser's decode worker) and trains, with quality scored against fresh clips of it.
import { expect, test } from './fixtures';

test('moving-mnist is drawn fresh in the page: its digits load, it trains and its quality is scored', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`/?dataset=moving-mnist&seed=${1000 + Math.floor(Math.random() * 1e6)}`);
  await expect(page.getByTestId('status')).toContainText('Backend: webgpu', { timeout: 120_000 });
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 120_000 });
  // Quality is measured at iteration 0 against clips drawn from the atlas: the digits were read.
  await expect(page.getByTestId('chart-quality score')).not.toHaveAttribute('data-points', '0', { timeout: 120_000 });
  expect(requested).toContain('/data/moving-mnist/digits.png');
  // Fresh clips, not the stored shards.
  expect(requested.filter((p) => /moving-mnist\/shard-/.test(p))).toEqual([]);
  await page.getByTestId('step-g').click();
  await expect.poll(async () => Number(await page.getByTestId('iteration').textContent()), { timeout: 120_000 }).toBe(1);
});
