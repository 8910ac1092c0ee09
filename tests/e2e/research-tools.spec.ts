// The metrics, representation-learning and unit panels in headless Chromium on WebGPU (SwiftShader), each
// run at a toy size: the playground's own model for the metrics, the shipped shapes-tiny model for
// representation learning, and for the units a randomly initialised tiny future model given as files (no
// future model needs to be shipped for the test).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

let futureDir: string;

test.beforeAll(async () => {
  futureDir = await mkdtemp(join(tmpdir(), 'vgan-units-e2e-'));
  await promisify(execFile)('node', ['tools/run-ts.mjs', 'tests/fixtures/future-weights.ts', 'tiny', futureDir]);
});

test.afterAll(() => rm(futureDir, { recursive: true, force: true }));

const pickShipped = (panel: Locator) => panel.getByLabel('model to study').selectOption({ label: 'shipped: Shapes, two-stream (tiny)' });

test('scores the playground’s model, fine-tunes a shipped discriminator at four budgets, and finds a unit’s top frames', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#research'); // the research tools' page; the training page's samples exist behind it
  await expect(page.getByLabel('sample 0', { exact: true })).toBeAttached({ timeout: 180_000 });

  // The playground's own (untrained) model, handed over by its worker.
  const metrics = page.getByRole('region', { name: 'metrics' });
  await metrics.getByLabel('model to study').selectOption({ label: "the playground's model, as it is now" });
  await metrics.getByLabel('clips', { exact: true }).fill('8');
  await metrics.getByRole('button', { name: 'Score' }).click();
  const table = metrics.getByTestId('metrics-table');
  await expect(table).toContainText('repeated first frame', { timeout: 300_000 });
  await expect(table.getByRole('row')).toHaveCount(1 + 3);
  await expect(table).toContainText('real clips');
  // An unconditional model: its baseline and the Fréchet floor use as many other clips.
  await expect(metrics).toContainText('8 clips, and 8 others for the baseline');

  const representation = page.getByRole('region', { name: 'representation learning' });
  await pickShipped(representation);
  await representation.getByLabel('clips', { exact: true }).fill('28');
  await representation.getByLabel('steps per run').fill('2');
  await representation.getByRole('button', { name: 'Run' }).click();
  await expect(representation).toContainText(/\d+ training and \d+ test clips/, { timeout: 600_000 });
  await expect(representation.getByTestId('representation-table').getByRole('row')).toHaveCount(1 + 4);

  const units = page.getByRole('region', { name: 'hidden units' });
  await units.getByLabel('model to study').selectOption({ label: 'model.json and its .bin files…' });
  // A file whose weights hold NaN is refused by the worker with the file's name and the tensor's.
  const nan = join('tests', 'fixtures', 'bad-inputs', 'weights', 'nan');
  await units.getByLabel('model files').setInputFiles((await readdir(nan)).map((name) => join(nan, name)));
  await units.getByRole('button', { name: 'Find' }).click();
  await expect(units).toContainText(/model\.json: weight \S+ holds NaN or Infinity/);
  // The model.json and every shard it was written in (several at tiny's width), picked together.
  await units.getByLabel('model files').setInputFiles((await readdir(futureDir)).map((name) => join(futureDir, name)));
  await units.getByLabel('frames from').selectOption('shapes');
  await units.getByLabel('frames', { exact: true }).fill('16');
  await units.getByLabel('top', { exact: true }).fill('4');
  await units.getByRole('button', { name: 'Find' }).click();
  await expect(units.getByTestId('unit-hits').locator('canvas')).toHaveCount(4, { timeout: 300_000 });
  await expect(units).toContainText('1 = conv1 (64 channels)'); // the future model's encoder is twice tiny's 32 channels
  expect(errors).toEqual([]);
});
