// The playground in headless Chromium on WebGPU (SwiftShader): train, pause, step, export, resume, share.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const iteration = async (page: Page) => Number(await page.getByTestId('iteration').textContent());

async function open(page: Page, query = '') {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('status')).toContainText('Backend: webgpu', { timeout: 120_000 });
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByLabel('sample 0', { exact: true })).toBeVisible({ timeout: 120_000 });
}

test('trains the tiny preset live, steps D and G, exports a GIF and resumes after a reload', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A fresh seed per run keeps this test's autosave apart from earlier runs in the same profile.
  const seed = 1000 + Math.floor(Math.random() * 1e6);
  await page.addInitScript(() => {
    (window as unknown as { longTasks: number[] }).longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) (window as unknown as { longTasks: number[] }).longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await open(page, `?seed=${seed}&autosaveEvery=3`);
  await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks.length = 0));

  await page.getByTestId('play').click();
  await expect.poll(() => iteration(page), { timeout: 300_000 }).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('chart-D loss')).not.toHaveAttribute('data-points', '0');
  // The samples' quality beside the real clips' is measured from the start (iteration 0).
  await expect(page.getByTestId('chart-quality score')).not.toHaveAttribute('data-points', '0');
  await page.getByTestId('play').click(); // pause
  await expect(page.getByTestId('play')).toHaveText('Train', { timeout: 60_000 });
  // The decomposition panes show pictures, not blank canvases: their pixels vary.
  for (const pane of ['background', 'foreground', 'mask', 'video']) {
    const spread = await page.getByLabel(`selected ${pane}`, { exact: true }).evaluate((c: HTMLCanvasElement) => {
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let [lo, hi] = [255, 0];
      for (let i = 0; i < px.length; i += 4) [lo, hi] = [Math.min(lo, px[i]), Math.max(hi, px[i])];
      return hi - lo;
    });
    expect(spread, pane).toBeGreaterThan(0);
  }
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  expect(longTasks.filter((d) => d > 200)).toEqual([]);
  await expect(page.getByTestId('status')).toContainText('autosaved at', { timeout: 60_000 });

  const before = await iteration(page);
  const points = Number(await page.getByTestId('chart-D loss').getAttribute('data-points'));
  await page.getByTestId('step-d').click();
  await expect(page.getByTestId('chart-D loss')).toHaveAttribute('data-points', String(points + 1), { timeout: 60_000 });
  expect(await iteration(page)).toBe(before); // a D step alone completes no iteration
  await page.getByTestId('step-g').click();
  await expect.poll(() => iteration(page), { timeout: 60_000 }).toBe(before + 1);

  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('button', { name: 'export selected mask as GIF' }).click();
  const gif = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of gif) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  // one image descriptor per frame of the tiny preset (8 frames)
  const frames = [...bytes].filter((b, i) => b === 0x2c && bytes[i - 1] === 0x00 && bytes[i - 8] === 0x21).length;
  expect(frames).toBe(8);

  // The autosave is written on pause; a reload of the same link resumes from it.
  await page.getByTestId('step-both').click();
  await expect.poll(() => iteration(page), { timeout: 60_000 }).toBe(before + 2);
  // Train, then pause once it trains: a second click before the button turns to Pause would press Train again.
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveText('Pause', { timeout: 60_000 });
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveText('Train', { timeout: 60_000 });
  // The pause's autosave is of the iteration paused at; an earlier periodic one may still be on show.
  const saved = await iteration(page);
  const autosaved = async () => Number((await page.getByTestId('status').textContent())?.match(/autosaved at (\d+)/)?.[1] ?? -1);
  await expect.poll(autosaved, { timeout: 60_000 }).toBe(saved);
  await page.reload();
  await open(page, `?seed=${seed}&autosaveEvery=3`);
  await expect(page.getByTestId('status')).toContainText('resumed from autosave');
  expect(await iteration(page)).toBe(saved);
  expect(errors).toEqual([]);
});

test('pressing Train says within a second what it waits for, then counts the GPU kernels as they compile, k of n on a later run', async ({
  page,
}) => {
  await open(page, `?seed=${4000 + Math.floor(Math.random() * 1e6)}`);
  const activity = page.getByTestId('activity');
  await expect(activity).toHaveRole('status');
  await expect(activity).toHaveAttribute('aria-live', 'polite');
  await expect(activity).toHaveText('Ready.', { timeout: 120_000 });
  await expect(page.getByRole('img', { name: 'sample 0', exact: true })).toBeVisible(); // canvases are named pictures
  await page.getByTestId('play').click();
  await expect(activity).toContainText('The first iteration of this model, compiling its GPU kernels', { timeout: 1000 });
  await expect(activity).toContainText(/: \d+ GPU kernels compiled \(the first time for this configuration/, { timeout: 120_000 });
  await expect.poll(() => iteration(page), { timeout: 300_000 }).toBeGreaterThanOrEqual(1);
  await expect(activity).toHaveText('Training.');
  // The default run's measured iterations before objects appear, in minutes at the speed just measured.
  await expect(page.getByTestId('preset-cost')).toContainText(
    /objects on a still background appear after about 300 iterations \(≈\d+ min at this speed\)/,
  );
  await page.getByTestId('play').click();
  await expect(activity).toHaveText('Ready.', { timeout: 120_000 });
  // The same configuration again, in a new worker: its kernels compile again, now counted against the first run's.
  await page.reload();
  await expect(activity).toHaveText('Ready.', { timeout: 120_000 });
  await page.getByTestId('play').click();
  await expect(activity).toContainText(/: \d+ of \d+ GPU kernels compiled$/, { timeout: 120_000 });
  await page.getByTestId('play').click();
});

test('a shipped pretrained model loads from public/weights and renders samples', async ({ page }) => {
  const card = JSON.parse(readFileSync('public/weights/shapes-tiny/card.json', 'utf8'));
  const seed = 1000 + Math.floor(Math.random() * 1e6); // no autosave of this experiment exists yet
  await open(page, `?seed=${seed}&preset=small`);
  await page.locator('select[name=weights]').selectOption('shapes-tiny');
  await expect(page.getByTestId('status')).toContainText('started from the pretrained model shapes-tiny', { timeout: 120_000 });
  expect(await iteration(page)).toBe(card.iterations);
  await expect(page).toHaveURL(/weights=shapes-tiny/);
  await expect(page.locator('select[name=preset]')).toHaveValue('tiny'); // the model decides the preset
  // It trains on with the paper's optimiser, not the page's faster start.
  await expect(page.locator('input[name=lrG]')).toHaveValue('0.0002');
  await expect(page.locator('input[name=beta1]')).toHaveValue('0.5');
  await expect(page.getByTestId('model-card')).toContainText(`${card.iterations} iterations`);
  await expect(page.getByLabel('sample 0', { exact: true })).toBeVisible({ timeout: 120_000 });
  const spread = await page.getByLabel('sample 0', { exact: true }).evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let [lo, hi] = [255, 0];
    for (let i = 0; i < px.length; i += 4) [lo, hi] = [Math.min(lo, px[i]), Math.max(hi, px[i])];
    return hi - lo;
  });
  expect(spread).toBeGreaterThan(0);
  // A link with a model that does not exist says so and trains from fresh weights.
  await open(page, `?seed=${seed}&weights=no-such-model`);
  await expect(page.getByRole('alert').first()).toContainText('no pretrained model named "no-such-model"');
});

test('every shipped two-stream or one-stream model starts from the picker with its own dataset and preset', async ({ page }) => {
  const models = (JSON.parse(readFileSync('public/weights/index.json', 'utf8')).models as Array<Record<string, string>>).filter(
    (m) => m.kind === 'unconditional',
  );
  expect(models.map((m) => m.name)).toContain('moving-mnist-small');
  for (const card of models) {
    await open(page, `?seed=${1000 + Math.floor(Math.random() * 1e6)}`); // a fresh experiment: nothing to replace
    await page.locator('select[name=weights]').selectOption(card.name);
    await expect(page.getByTestId('status')).toContainText(`started from the pretrained model ${card.name}`, { timeout: 120_000 });
    await expect(page.locator('select[name=dataset]')).toHaveValue(card.dataset);
    await expect(page.locator('select[name=preset]')).toHaveValue(card.preset);
    await expect(page.getByLabel('sample 0', { exact: true })).toHaveAttribute('data-frames', String(card.frames), { timeout: 120_000 });
  }
});

test('switching runs asks first and keeps the run it replaces, whose charts come back with it; one tab owns an autosave', async ({
  page,
  context,
}) => {
  const link = `/?seed=${5000 + Math.floor(Math.random() * 1e6)}&autosaveEvery=0`;
  await page.addInitScript(() => {
    const persist = navigator.storage.persist.bind(navigator.storage);
    Object.assign(window, { persistAsked: 0 });
    navigator.storage.persist = () => {
      (window as unknown as { persistAsked: number }).persistAsked++;
      return persist();
    };
  });
  await open(page, link.slice(1));
  await page.getByTestId('step-both').click();
  await expect.poll(() => iteration(page), { timeout: 240_000 }).toBe(1);
  // A second tab on the same link is told that the first owns the autosave, and autosaves to a copy of its own.
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByRole('alert').first()).toContainText('Another tab is training this same experiment', { timeout: 120_000 });
  await expect(other.getByRole('alert').first()).toContainText('(copy 2)');
  await expect(other.getByTestId('play')).toBeEnabled({ timeout: 120_000 });
  await other.getByTestId('play').click();
  await expect.poll(() => iteration(other), { timeout: 240_000 }).toBeGreaterThan(0);
  await other.getByTestId('play').click(); // pause: its autosave
  await expect(other.getByTestId('status')).toContainText('autosaved at', { timeout: 120_000 });
  const seed = new URLSearchParams(link.slice(2)).get('seed');
  const autosaves = await other.evaluate(
    (seed) =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('tensorflowjs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const keys = open.result.transaction('model_info_store').objectStore('model_info_store').getAllKeys();
          keys.onsuccess = () => resolve((keys.result as string[]).filter((k) => k.includes(`-seed${seed}-`)));
        };
      }),
    seed,
  );
  // Only the copy: the first tab, which owns the link's key, has not autosaved yet (autosaveEvery=0, never paused).
  expect(autosaves).toHaveLength(1);
  expect(autosaves[0]).toMatch(/-copy2$/);
  await other.close();

  const weights = page.locator('select[name=weights]');
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await weights.selectOption('shapes-tiny');
  await expect.poll(() => asked).toContain('The run being trained (iteration 1) is saved first');
  await expect(weights).toHaveValue('');
  expect(await iteration(page)).toBe(1);

  page.once('dialog', (d) => void d.accept());
  await weights.selectOption('shapes-tiny');
  await expect(page.getByTestId('status')).toContainText('started from the pretrained model shapes-tiny', { timeout: 120_000 });
  await expect(page.getByTestId('status')).not.toContainText('autosaved at');
  await expect(page.getByTestId('chart-D loss')).toHaveAttribute('data-points', '0');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Back to the previous run (iteration 1)' }).click();
  await expect(page.getByTestId('status')).toContainText('resumed from autosave', { timeout: 120_000 });
  expect(await iteration(page)).toBe(1);
  await expect(page.getByTestId('chart-D loss')).toHaveAttribute('data-points', '1');
  expect(await page.evaluate(() => (window as unknown as { persistAsked: number }).persistAsked)).toBe(1);
});

test('a shared link opens the same settings and hides what the teacher hid', async ({ page }) => {
  await open(page, '?preset=tiny&lrD=0.0005&maskLambda=0.3&generator=oneStream&hide=lrG,beta1');
  await expect(page.getByTestId('preset-cost')).toContainText('GFLOP per iteration');
  await expect(page.getByTestId('preset-cost')).not.toContainText('objects'); // no run measured these settings
  await expect(page.locator('input[name=lrD]')).toHaveValue('0.0005');
  await expect(page.locator('input[name=maskLambda]')).toHaveValue('0.3');
  await expect(page.locator('select[name=generator]')).toHaveValue('oneStream');
  await expect(page.locator('input[name=lrG]')).toHaveCount(0);
  await expect(page.locator('input[name=beta1]')).toHaveCount(0);
  await expect(page.getByLabel('selected mask')).toHaveCount(0); // one stream: no mask
  const diagram = page.getByRole('region', { name: 'model diagram' });
  await expect(diagram.getByRole('heading', { level: 2 })).toHaveText('How the one-stream generator makes a video');
  await expect(diagram).not.toContainText('mask');
  await expect(diagram.getByRole('heading', { name: /Background stream/ })).toHaveCount(0);
  await page.locator('input[name=lrD]').fill('0.001');
  await page.locator('input[name=lrD]').blur();
  await expect(page).toHaveURL(/lrD=0\.001/);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy link to this experiment' }).click();
  await expect(page.getByTestId('copy-link-status')).toContainText('Link copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('lrD=0.001');
});

test('keyboard shortcuts: space trains and pauses, s steps, and neither fires while typing in a field', async ({ page }) => {
  // With D shown augmented clips and the paper's transposed convolutions (the other tests train the page's
  // default, resize-convolutions), so that their WebGPU paths run in the browser too.
  await open(page, `?seed=${2000 + Math.floor(Math.random() * 1e6)}&augment=on&upsample=transposed`);
  await expect(page.locator('select[name=augment]')).toHaveValue('on');
  await expect(page.locator('select[name=upsample]')).toHaveValue('transposed');
  const lrD = page.locator('input[name=lrD]');
  await lrD.click();
  await page.keyboard.press('s');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Train');
  expect(await iteration(page)).toBe(0);
  await lrD.blur();
  await page.keyboard.press('s');
  await expect.poll(() => iteration(page), { timeout: 120_000 }).toBe(1);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Pause', { timeout: 60_000 });
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Train', { timeout: 120_000 });
});

test('a lost GPU device is reported and training resumes from the last autosave', async ({ page }) => {
  const seed = 1000 + Math.floor(Math.random() * 1e6);
  await open(page, `?seed=${seed}&autosaveEvery=2&debug`);
  await page.getByTestId('step-both').click();
  await expect.poll(() => iteration(page), { timeout: 240_000 }).toBe(1);
  await page.getByTestId('step-both').click();
  await expect(page.getByTestId('status')).toContainText('autosaved at 2', { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as { __vgan: { send: (m: unknown) => void } }).__vgan.send({ type: 'loseDevice' }));
  await expect(page.getByRole('alert').first()).toContainText('GPU device was lost', { timeout: 60_000 });
  await expect(page.getByTestId('status')).toContainText('resumed from autosave', { timeout: 120_000 });
  expect(await iteration(page)).toBe(2);
  await page.getByTestId('step-both').click();
  // a new device compiles every kernel again
  await expect.poll(() => iteration(page), { timeout: 240_000 }).toBe(3);
});

test.describe('an uncaptured GPU error', () => {
  test.use({ gpuErrorsExpected: true });
  test("in the training worker is shown on the page, where the suite's check hears it", async ({ page, gpuErrors }) => {
    await open(page, '?debug');
    await page.evaluate(() => (window as unknown as { __vgan: { send: (m: unknown) => void } }).__vgan.send({ type: 'gpuFault' }));
    await expect(page.getByRole('alert').first()).toContainText('WebGPU validation error', { timeout: 60_000 });
    await expect(page.getByRole('alert').first()).toContainText("training worker's GPU reported an error");
    expect(gpuErrors.length).toBeGreaterThan(0);
  });
});

test('a video dropped into the page is stabilised and becomes a dataset the model trains on', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await open(page);
  await page.getByLabel('stabilise').check();
  await recordAndDrop(page, 'video/webm', 'square.webm');
  // WebM is not MP4: a <video> element plays it, at the rate its frame timestamps show.
  await expect(page.getByText(/\d+ clips at [\d.]+ fps \(from its frame timestamps\), decoded by a <video> element/)).toBeVisible({
    timeout: 180_000,
  });
  expect(requested.filter((url) => /opencv/.test(url))).not.toEqual([]); // stabilising is what loads opencv.js
  await expect(page.locator('select[name=dataset]')).toHaveValue('own');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByLabel('real 0', { exact: true })).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('step-both').click();
  await expect.poll(() => iteration(page), { timeout: 240_000 }).toBe(1);
});

/**
 * Records a short video of a moving square over a fixed texture in the page itself (no binary fixture) and
 * drops it on the own-video panel.
 */
async function recordAndDrop(page: Page, mimeType: string, name: string) {
  await page.evaluate(
    async ({ mimeType, name }) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 96;
      const ctx = canvas.getContext('2d')!;
      const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((r) => (recorder.onstop = r));
      recorder.start();
      // A fixed textured background gives the stabiliser keypoints to hold on to.
      const texture = ctx.createImageData(96, 96);
      let state = 7;
      for (let i = 0; i < texture.data.length; i += 4) {
        state = (state * 1103515245 + 12345) >>> 0;
        texture.data.fill(60 + ((state >>> 16) % 150), i, i + 3);
        texture.data[i + 3] = 255;
      }
      for (let t = 0; t < 60; t++) {
        ctx.putImageData(texture, 0, 0);
        ctx.fillStyle = '#fc3';
        ctx.fillRect(10 + t, 30, 20, 20);
        await new Promise((r) => setTimeout(r, 40));
      }
      recorder.stop();
      await stopped;
      const drop = new DataTransfer();
      drop.items.add(new File(chunks, name, { type: mimeType.split(';')[0] }));
      document
        .querySelector('[aria-label="your own video"]')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
    },
    { mimeType, name },
  );
}

/** Drops a file on the own-video panel, as a person dragging it from their desktop would. */
async function dropOwnFile(page: Page, name: string, type: string, bytes: Buffer) {
  await page.evaluate(
    ({ name, type, bytes }) => {
      const drop = new DataTransfer();
      drop.items.add(new File([new Uint8Array(bytes)], name, { type }));
      document
        .querySelector('[aria-label="your own video"]')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
    },
    { name, type, bytes: [...bytes] },
  );
}

test('an animated GIF dropped as video becomes a dataset at the rate of its frame delays, without fetching opencv.js', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await open(page);
  // The page's own GIF export: 8 frames of the tiny preset, 130 ms apart.
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('button', { name: 'export selected video as GIF' }).click();
  const chunks: Buffer[] = [];
  for await (const c of await (await download).createReadStream()) chunks.push(c as Buffer);
  const gif = Buffer.concat(chunks);

  await dropOwnFile(page, 'sample.gif', 'image/gif', gif.subarray(0, 20));
  await expect(page.getByRole('alert')).toContainText('this GIF has no frame this browser can decode', { timeout: 60_000 });
  // Every progress bar shown while the GIF is decoded, cut and encoded: named, and read as a share.
  await page.evaluate(() => {
    const seen = new Set<string>();
    Object.assign(window, { progressBars: seen });
    new MutationObserver(() =>
      document.querySelectorAll('progress').forEach((p) => {
        seen.add(`${p.getAttribute('aria-label')} ${p.getAttribute('aria-valuetext')}`);
      }),
    ).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await dropOwnFile(page, 'sample.gif', 'image/gif', gif);
  const note = page.getByText(/\d+ clips at [\d.]+ fps \(from its frame durations\), decoded by WebCodecs' ImageDecoder/);
  await expect(note).toBeVisible({ timeout: 120_000 });
  expect(Number((await note.textContent())!.match(/at ([\d.]+) fps/)![1])).toBeCloseTo(1000 / 130, 1);
  await expect(page.locator('select[name=dataset]')).toHaveValue('own');
  await expect(page.getByLabel('real 0', { exact: true })).toBeVisible({ timeout: 120_000 });
  expect(requested.filter((url) => /opencv/.test(url))).toEqual([]);
  const bars = await page.evaluate(() => [...(window as unknown as { progressBars: Set<string> }).progressBars]);
  expect(bars).toContain('cutting 100%');
  for (const bar of bars) expect(bar).toMatch(/^(decoding|cutting|encoding) \d+%$/);
});

test('a file that is not a video gets a clear message and the page stays usable', async ({ page }) => {
  await open(page);
  await page.getByLabel('pick a video').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a video') });
  await expect(page.getByRole('alert')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel('pick a video')).toHaveAccessibleDescription('chosen: notes.txt');
  await page.getByTestId('step-both').click();
  // The first step compiles every kernel for these shapes: slow on SwiftShader.
  await expect.poll(() => iteration(page), { timeout: 240_000 }).toBe(1);
});

test('weights download as model.json + weights.bin and load back', async ({ page }) => {
  await open(page, '?seed=77');
  await page.getByTestId('step-both').click();
  await expect.poll(() => iteration(page), { timeout: 240_000 }).toBe(1);
  const downloads: Array<{ name: string; bytes: Buffer }> = [];
  page.on('download', async (d) => {
    const chunks: Buffer[] = [];
    for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
    downloads.push({ name: d.suggestedFilename(), bytes: Buffer.concat(chunks) });
  });
  await page.getByRole('button', { name: 'Download weights' }).click();
  await expect.poll(() => downloads.length, { timeout: 60_000 }).toBe(2);
  const json = downloads.find((d) => d.name === 'model.json')!;
  const bin = downloads.find((d) => d.name === 'weights.bin')!;
  const manifest = JSON.parse(json.bytes.toString());
  expect(manifest.format).toBe('vgan-weights');
  expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);

  // Loading weights over a run with iterations asks first; no keeps the run.
  await page.getByTestId('step-both').click();
  await expect.poll(() => iteration(page), { timeout: 240_000 }).toBe(2);
  const load = page.getByLabel('Load weights (model.json and its .bin files)');
  const jsonFile = { name: 'model.json', mimeType: 'application/json', buffer: json.bytes };
  const files = [jsonFile, { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: bin.bytes }];
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await load.setInputFiles(files);
  await expect
    .poll(() => asked)
    .toMatch(/^Load these weights in place of the run being trained\? The run being trained \(iteration 2\) is saved first/);
  expect(await iteration(page)).toBe(2);
  page.once('dialog', (d) => void d.accept());
  await load.setInputFiles(files);
  await expect(page.getByTestId('status')).toContainText('weights loaded from file', { timeout: 120_000 });
  expect(await iteration(page)).toBe(1);
  // The replaced run was saved, and the loaded model (saved in turn as it is replaced) did not overwrite it.
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Back to the previous run (iteration 2)' }).click();
  await expect(page.getByTestId('status')).toContainText('resumed from autosave', { timeout: 120_000 });
  expect(await iteration(page)).toBe(2);
  await page.reload();
  await expect(page.getByTestId('status')).toContainText('resumed from autosave', { timeout: 120_000 });
  expect(await iteration(page)).toBe(2);
  // A truncated .bin is refused with a clear message and the page goes on.
  page.once('dialog', (d) => void d.accept());
  await load.setInputFiles([jsonFile, { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: bin.bytes.subarray(0, 100) }]);
  await expect(page.getByRole('alert')).toContainText('truncated', { timeout: 60_000 });
});

test('a multi-shard model written by the PyTorch trainer loads through Load weights', async ({ page }) => {
  const dir = join(import.meta.dirname, '../../public/weights/real-small');
  const json = await readFile(join(dir, 'model.json'));
  const paths = JSON.parse(json.toString()).weightsManifest[0].paths as string[];
  expect(paths.length).toBeGreaterThan(1);
  await open(page, '?dataset=real&preset=small&seed=79');
  const load = page.getByLabel('Load weights (model.json and its .bin files)');
  // Only one of the shards: the page names the missing one.
  await load.setInputFiles([
    { name: 'model.json', mimeType: 'application/json', buffer: json },
    { name: paths[0], mimeType: 'application/octet-stream', buffer: await readFile(join(dir, paths[0])) },
  ]);
  await expect(page.getByRole('alert')).toContainText(`names ${paths.slice(1).join(', ')}`);
  await expect(load).toHaveAccessibleDescription(`chosen: model.json, ${paths[0]}`); // not the browser's "2 files"
  const shards = await Promise.all(
    paths.map(async (p) => ({ name: p, mimeType: 'application/octet-stream', buffer: await readFile(join(dir, p)) })),
  );
  await load.setInputFiles([...shards.reverse(), { name: 'model.json', mimeType: 'application/json', buffer: json }]);
  await expect(page.getByTestId('status')).toContainText('weights loaded from file', { timeout: 180_000 });
  expect(await iteration(page)).toBe(JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')).iterations);
});

test("an MP4 dropped into the page is decoded by VideoDecoder at its container's frame rate, without opencv.js", async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await open(page);
  // MediaRecorder writes a fragmented MP4 (its samples in fragments after the movie box), recorded at 25 fps.
  await recordAndDrop(page, 'video/mp4;codecs=avc1', 'square.mp4');
  const note = page.getByText(/\d+ clips at [\d.]+ fps \(from its container's sample durations\), decoded by WebCodecs' VideoDecoder/);
  await expect(note).toBeVisible({ timeout: 180_000 });
  // Recorded at 25 fps, but captureStream stamps frames by the wall clock, which a loaded CPU stretches: a misread
  // timescale or a duration per fragment instead of per sample would be off many times over, not by a few fps.
  const fps = Number((await note.textContent())!.match(/at ([\d.]+) fps/)![1]);
  expect(fps).toBeGreaterThan(15);
  expect(fps).toBeLessThan(30);
  expect(requested.filter((url) => /opencv/.test(url))).toEqual([]); // not stabilising: no opencv.js
  await expect(page.locator('select[name=dataset]')).toHaveValue('own');
  // The decoded frames are pictures (the texture and the square), not blank.
  const real = page.getByLabel('real 0', { exact: true });
  await expect(real).toBeVisible({ timeout: 120_000 });
  const spread = await real.evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let [lo, hi] = [255, 0];
    for (let i = 0; i < px.length; i += 4) [lo, hi] = [Math.min(lo, px[i]), Math.max(hi, px[i])];
    return hi - lo;
  });
  expect(spread).toBeGreaterThan(20);
});
