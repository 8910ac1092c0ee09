// The Future view in headless Chromium on WebGPU (SwiftShader): drop a still image, get the predicted video
// and its streams; bad files get their own messages and leave the page usable. The shipped model is stood in
// for by a randomly initialised small future model (the test serves its files), so the test does not depend
// on the trained weights being present.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { cmykJpeg, jpeg, pattern, png, pngHeader, rgba, svg } from '../fixtures/still-images';

const MODEL = 'real-small-future';
let weightsDir: string;

test.beforeAll(async () => {
  weightsDir = await mkdtemp(join(tmpdir(), 'vgan-future-e2e-'));
  await promisify(execFile)('node', ['tools/run-ts.mjs', 'tests/fixtures/future-weights.ts', 'small', weightsDir]);
});

test.afterAll(() => rm(weightsDir, { recursive: true, force: true }));

/** Serves the generated weights as the shipped model. */
async function serveWeights(page: Page) {
  await page.route(`**/weights/${MODEL}/*`, async (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop()!;
    await route.fulfill({
      body: await readFile(join(weightsDir, file)),
      contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    });
  });
}

async function open(page: Page) {
  await page.goto('/');
  // Nothing is loaded until the view is used.
  await expect(page.getByTestId('future-model')).toHaveText(`The shipped future model (${MODEL}) loads when you first give an image.`);
}

const modelLoaded = (page: Page) =>
  expect(page.getByTestId('future-model')).toHaveText(`Model: shipped ${MODEL} · 32×32 pixels, 16 frames`, { timeout: 120_000 });

const pick = (page: Page, name: string, bytes: Uint8Array, mimeType = 'application/octet-stream') =>
  page.getByLabel('pick an image').setInputFiles({ name, mimeType, buffer: Buffer.from(bytes) });

/** Waits for the prediction of the file just given (known by its note) and checks its panes. */
async function predicted(page: Page, note: string | RegExp, frames = 16) {
  await expect(page.getByTestId('future-source')).toContainText(note, { timeout: 240_000 });
  await expect(page.getByTestId('future-error')).toHaveCount(0);
  for (const pane of ['video', 'background', 'foreground', 'mask']) {
    await expect(page.getByLabel(`future ${pane}`, { exact: true })).toHaveAttribute('data-frames', String(frames));
  }
}

async function refused(page: Page, message: RegExp) {
  await expect(page.getByTestId('future-error')).toHaveText(message, { timeout: 60_000 });
  await expect(page.getByLabel('future video', { exact: true })).toHaveCount(0);
}

test('an image dropped on the page becomes a predicted video with background, foreground and mask; GIF export', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await serveWeights(page);
  await open(page);
  const photo = jpeg(64, 48, pattern(64, 48));
  await page.evaluate(
    ([bytes]) => {
      // The wall time from the drop to the panes entering the page, on the page's clock.
      const dropped = performance.now();
      new MutationObserver((_, observer) => {
        if (!document.querySelector('[aria-label="future video"]')) return;
        Object.assign(window, { msToPanes: performance.now() - dropped });
        observer.disconnect();
      }).observe(document.body, { childList: true, subtree: true });
      const drop = new DataTransfer();
      drop.items.add(new File([new Uint8Array(bytes)], 'photo.jpg', { type: 'image/jpeg' }));
      document
        .querySelector('[aria-label="future"]')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
    },
    [Array.from(photo)],
  );
  await expect(page.getByTestId('future-busy')).toBeVisible();
  await modelLoaded(page);
  await predicted(page, 'JPEG, 64×48: centre-cropped from 64×48 to 48×48');
  await expect(page.getByLabel('future input', { exact: true })).toHaveAttribute('data-frames', '1');
  // The prediction and three futures (the default K), each selectable.
  for (const name of ['prediction', 'future 1', 'future 2', 'future 3']) await expect(page.getByLabel(`${name} thumbnail`)).toBeVisible();
  // The first prediction's time is all the user waited for it, the model's own time its first run's.
  const first = await page.getByTestId('future-first-time').textContent();
  const msFirst = Number(/^First prediction: (\d+) ms from giving the image to these panes/.exec(first ?? '')?.[1]);
  const msToPanes = await page.evaluate(() => (window as unknown as { msToPanes: number }).msToPanes);
  // The page stamps in its layout effect, the observer only after the rest of that commit (drawing the panes),
  // which took 52 ms on a loaded 2-core machine: a margin for that, far below what a late start would miss.
  expect(msFirst).toBeGreaterThanOrEqual(msToPanes - 250);
  await expect(page.getByTestId('future-time')).toHaveText(
    /^\d+ ms in the model's first run, compiling its GPU kernels \(4 videos in one batch/,
  );
  // A new seed predicts again with the kernels compiled: the steady time, and the first time stays.
  await page.getByLabel('noise seed').fill('2');
  await page.getByLabel('noise seed').blur();
  await expect(page.getByTestId('future-time')).toHaveText(/^\d+ ms per prediction \(4 videos in one batch/, { timeout: 120_000 });
  await expect(page.getByTestId('future-first-time')).toHaveText(first!);
  await expect(page.getByTestId('future-reconstruction')).toHaveText(/reconstruction term.*: \d\.\d{3}$/);
  await page.getByRole('button', { name: /future 2/ }).click();
  await expect(page.getByLabel('future video', { exact: true })).toBeVisible();
  await expect(page.getByText(/σ = 0\.5, ε ~ N\(0, I\) from seed 2/)).toBeVisible();

  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('button', { name: 'export future mask as GIF' }).click();
  const chunks: Buffer[] = [];
  for await (const c of await (await download).createReadStream()) chunks.push(c as Buffer);
  const gif = Buffer.concat(chunks);
  expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  const frames = [...gif].filter((b, i) => b === 0x2c && gif[i - 1] === 0x00 && gif[i - 8] === 0x21).length;
  expect(frames).toBe(16);
  expect(errors).toEqual([]);
});

test('each bad input gets its own message; odd but valid images are converted and said so; the page stays usable', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await serveWeights(page);
  await open(page);
  // One video per image keeps this test short.
  await page.locator('input[name=future-futures]').fill('0');
  await page.locator('input[name=future-futures]').blur();

  await pick(page, 'notes.txt', new TextEncoder().encode('not a picture\n'), 'text/plain');
  await refused(page, /“notes\.txt” is not an image this page reads: expected a PNG, JPEG, GIF or WebP file/);
  await pick(page, 'drawing.svg', svg(), 'image/svg+xml');
  await refused(page, /“drawing\.svg” is an SVG: vector images are refused.*external resources/);
  const good = jpeg(32, 32, pattern(32, 32));
  await pick(page, 'cut.jpg', good.slice(0, Math.floor(good.length * 0.6)), 'image/jpeg');
  await refused(page, /“cut\.jpg”: this JPEG is truncated: it has no end-of-image marker/);
  const damaged = good.slice();
  damaged[20] = 0x12;
  await pick(page, 'damaged.jpg', damaged, 'image/jpeg');
  await refused(page, /“damaged\.jpg”: this JPEG is corrupted: expected a marker at byte 20/);
  await pick(page, 'huge.png', pngHeader(30000, 30000), 'image/png');
  await refused(page, /“huge\.png”: this image is 30000×30000 \(900 megapixels\); images over 25 megapixels are refused before decoding/);

  // Still usable: valid but unusual images predict, each with its note.
  await modelLoaded(page);
  await pick(page, 'cmyk.jpg', cmykJpeg(40, 40, [0, 200, 255, 20]), 'image/jpeg');
  await predicted(page, 'CMYK JPEG: converted to RGB by the decoder');
  await pick(page, 'grey.png', png(20, 20, pattern(20, 20), 0), 'image/png');
  await predicted(page, 'greyscale: the grey is copied to red, green and blue');
  const transparent = rgba(24, 24, (x, y) => [200, 40, 40, x + y < 24 ? 0 : 255]);
  await pick(page, 'alpha.png', png(24, 24, transparent, 6), 'image/png');
  await predicted(page, /\d+ transparent pixels composited over mid-grey \(128, 128, 128\)/);
  await expect(page.getByLabel('prediction thumbnail')).toBeVisible();
  await expect(page.getByLabel('future 1 thumbnail')).toHaveCount(0);
  // Pasting works as dropping does.
  await page.evaluate(
    ([bytes]) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'dot.png', { type: 'image/png' }));
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, cancelable: true }));
    },
    [Array.from(png(1, 1, new Uint8Array([20, 180, 90, 255]), 2))],
  );
  await predicted(page, 'upsampled from 1×1 to 32×32');
  expect(errors).toEqual([]);
});

test('a missing shipped model is reported as missing, whether the server answers 404 or its fallback page', async ({ page }) => {
  await page.route(`**/weights/${MODEL}/model.json`, (route) => route.fulfill({ status: 404, body: 'Not Found' }));
  await open(page);
  // Bad files are still refused for what they are; good ones are told there is no model.
  await pick(page, 'notes.txt', new TextEncoder().encode('hello'), 'text/plain');
  await refused(page, /is not an image this page reads/);
  const alert = page.getByTestId('future-model-error');
  await expect(alert).toContainText(`no pretrained model named "${MODEL}"`, { timeout: 120_000 });
  await expect(alert).toContainText('HTTP 404');
  await expect(page.getByTestId('future-model')).toHaveText('No future model loaded.');
  await pick(page, 'ok.png', png(8, 8, pattern(8, 8)), 'image/png');
  await refused(page, /No future model is loaded/);

  await page.unroute(`**/weights/${MODEL}/model.json`);
  await page.route(`**/weights/${MODEL}/model.json`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body>app</body></html>' }),
  );
  await page.getByRole('button', { name: 'Use the shipped model' }).click();
  await expect(alert).toContainText('is a web page, not JSON', { timeout: 60_000 });
  await expect(alert).not.toContainText('not valid JSON');
});

test('a future model trained in the playground predicts in the Future view', async ({ page }) => {
  await page.route(`**/weights/${MODEL}/model.json`, (route) => route.fulfill({ status: 404, body: 'Not Found' }));
  // A fresh seed keeps this run apart from autosaves of earlier runs in the same profile.
  await page.goto(`/?kind=future&seed=${1000 + Math.floor(Math.random() * 1e6)}`);
  await expect(page.locator('select[name=kind]')).toHaveValue('future');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByRole('heading', { name: /Predictions from the first frames of fixed real clips/ })).toBeVisible();
  await expect(page.getByLabel('sample 0', { exact: true })).toHaveAttribute('data-frames', '8', { timeout: 120_000 });
  // The diagram describes this model, its encoder's live layers first.
  const diagram = page.getByRole('region', { name: 'model diagram' });
  await expect(diagram.getByRole('heading', { level: 2 })).toHaveText('How the two-stream future generator makes a video');
  await expect(diagram.getByRole('img', { name: 'layer generator/encoder/conv1' })).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('step-both').click();
  await expect(page.getByTestId('iteration')).toHaveText('1', { timeout: 240_000 });
  await page.getByRole('button', { name: "Use the playground's model (iteration 1)" }).click();
  await expect(page.getByTestId('future-model')).toHaveText("Model: the playground's model at iteration 1 · 16×16 pixels, 8 frames", {
    timeout: 60_000,
  });
  await expect(page.getByTestId('future-model-error')).toHaveCount(0);
  await pick(page, 'photo.png', png(40, 40, pattern(40, 40), 2), 'image/png');
  await predicted(page, 'PNG, 40×40', 8);
});

test('a lost GPU device is reported, the model is built again on a new device and predicts', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await serveWeights(page);
  await page.goto('/?debug');
  await page.locator('input[name=future-futures]').fill('0');
  await page.locator('input[name=future-futures]').blur();
  await pick(page, 'grey.png', png(20, 20, pattern(20, 20), 0), 'image/png');
  await modelLoaded(page);
  await predicted(page, 'greyscale: the grey is copied to red, green and blue');

  await page.evaluate(() =>
    (window as unknown as { __vganFuture: { send: (m: unknown) => void } }).__vganFuture.send({ type: 'loseDevice' }),
  );
  await expect(page.getByTestId('future-model-error')).toContainText('The GPU device was lost', { timeout: 60_000 });
  // The model comes back on the new device (the message goes) and predicts the next image.
  await expect(page.getByTestId('future-model-error')).toHaveCount(0, { timeout: 120_000 });
  await modelLoaded(page);
  await pick(page, 'dot.png', png(1, 1, new Uint8Array([20, 180, 90, 255]), 2), 'image/png');
  await predicted(page, 'upsampled from 1×1 to 32×32');
  expect(errors).toEqual([]);
});
