// The research panels in headless Chromium on WebGPU (SwiftShader): train the autoencoder baseline, fit
// its mixture and sample it; run a short human study, export its answers, import them back without double
// counting, and read the table.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test('trains and samples the baseline, then runs, exports and merges a human study', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#research'); // the research tools' page; the training page's samples exist behind it
  await expect(page.getByLabel('sample 0', { exact: true })).toBeAttached({ timeout: 180_000 });

  const baseline = page.getByRole('region', { name: 'autoencoder baseline' });
  await baseline.getByLabel('steps').fill('3');
  await baseline.getByRole('button', { name: 'Train 3 steps' }).click();
  await expect(baseline.getByTestId('baseline-iteration')).toHaveText('step 3', { timeout: 180_000 });
  await baseline.getByLabel('clips to encode').fill('24');
  await baseline.getByLabel('components').fill('4');
  await baseline.getByRole('button', { name: 'Fit mixture' }).click();
  await expect(baseline.getByTestId('baseline-fit')).toContainText('4 components on 24 codes', { timeout: 120_000 });
  await baseline.getByRole('button', { name: 'Sample 8 videos' }).click();
  await expect(baseline.getByLabel('baseline sample 7', { exact: true })).toBeVisible({ timeout: 120_000 });

  const study = page.getByRole('region', { name: 'human study' });
  await study.getByLabel('trials per comparison').fill('2');
  await study.getByRole('button', { name: 'Start' }).click();
  await expect(study.getByTestId('study-progress')).toHaveText('0 / 10', { timeout: 120_000 });
  for (let i = 0; i < 10; i++) {
    await expect(study.getByTestId('study-progress')).toHaveText(`${i} / 10`);
    await page.keyboard.press(i % 3 === 0 ? 'ArrowRight' : 'ArrowLeft');
  }
  const table = study.getByRole('table', { name: 'study results' });
  await expect(table).toContainText('(10 answers)');
  await expect(table.getByRole('row')).toHaveCount(2 + 5);
  await expect(table).toContainText('Prefer VGAN (this page’s model) over Autoencoder');
  await expect(table).toContainText('n=2');

  const download = page.waitForEvent('download');
  await study.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.trim().split('\n')).toHaveLength(11);
  // Importing our own answers again adds nothing.
  await study
    .getByLabel('Import and merge answer files')
    .setInputFiles({ name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(study).toContainText('Imported 0 new answers from 1 file(s); 10 already here.');
  await expect(table).toContainText('(10 answers)');
  // A malformed file says what is wrong and changes nothing.
  await study
    .getByLabel('Import and merge answer files')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace(/,(left|right),(\d+),/, ',middle,$2,')) });
  await expect(study).toContainText('bad.csv, line 2: "chosen" must be "left" or "right"');
  expect(errors).toEqual([]);
});
