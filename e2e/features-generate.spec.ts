import { readFileSync } from 'node:fs';
import { readPngText } from '../src/lib/png-text';
import { WEBGPU_APP_URL, expect, setTestTimeout, test } from './fixtures';
import { canvasStats, setUpJob, type CanvasStats } from './features-helpers';

/**
 * The whole visit: a reference through the file input, a prompt, `red star` picked with a
 * click and a shift-click, two steps; the live mask is lit in part of the frame and changes
 * from step to step; the final image is not blank; the scrubber replays; the result is in
 * a newly opened page's gallery; its PNG carries the parameters; the share link restores;
 * clearing the gallery asks first. On the shared WebGPU page (`appPage`, e2e/fixtures.ts); the
 * share link opens in a new tab, so the shared page stays as it is.
 */
test.use({ appUrl: WEBGPU_APP_URL });

test('generate with live masks, replay, keep, download and share', async ({ appPage: page }, testInfo) => {
  // Two steps take ~40 s on SwiftShader; a machine shared with training can take several times that.
  setTestTimeout(480_000);
  const kept = Number(await page.getByTestId('gallery-area').getAttribute('data-count'));
  await setUpJob(page, 2);
  await page.screenshot({ path: testInfo.outputPath('1-ready.png'), fullPage: true });

  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const progress = page.getByTestId('job-progress');

  // One mask per step, read from the live canvas while the job runs.
  const masks = new Map<number, CanvasStats>();
  await expect(async () => {
    const label = (await progress.textContent()) ?? '';
    const step = Number(/Step (\d) of 2/.exec(label)?.[1] ?? 0);
    if (step > 0 && !masks.has(step)) {
      // The canvas paints on the next animation frame after the event.
      await page.waitForTimeout(100);
      masks.set(step, await canvasStats(page, 'mask-canvas'));
      if (step === 1) await page.screenshot({ path: testInfo.outputPath('2-live-step1.png'), fullPage: true });
    }
    expect(await progress.getAttribute('data-status')).toBe('done');
  }).toPass({ timeout: 300_000, intervals: [250] });
  await page.screenshot({ path: testInfo.outputPath('3-done.png'), fullPage: true });

  const first = masks.get(1);
  expect(first, 'the mask of step 1 was seen live').toBeDefined();
  expect(first!.litFraction, 'the mask is lit somewhere').toBeGreaterThan(0);
  expect(first!.litFraction, 'and not everywhere: γ_scope keeps part of the frame').toBeLessThan(0.8);

  // The scrubber replays each step's mask: step 1 and step 2 differ.
  const scrubber = page.getByTestId('scrubber');
  await scrubber.fill('0');
  await expect(page.getByTestId('scrub-step')).toContainText('step 1/2');
  await page.waitForTimeout(100);
  const replay1 = await canvasStats(page, 'mask-canvas');
  await scrubber.fill('1');
  await expect(page.getByTestId('scrub-step')).toContainText('step 2/2');
  await page.waitForTimeout(100);
  const replay2 = await canvasStats(page, 'mask-canvas');
  expect(replay1.litFraction).toBeGreaterThan(0);
  expect(replay1.signature, 'the mask changes across steps').not.toBe(replay2.signature);
  if (masks.get(2)) expect(masks.get(2)!.signature).toBe(replay2.signature);

  const image = await canvasStats(page, 'preview-canvas');
  expect(image.width).toBeGreaterThan(0);
  expect(image.variance, 'the final image is not blank').toBeGreaterThan(1);

  // Download: the PNG carries the parameters.
  await expect(page.getByRole('button', { name: 'Download PNG', exact: true })).toBeEnabled();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download PNG', exact: true }).click(),
  ]);
  const text = readPngText(new Uint8Array(readFileSync(await download.path())));
  const saved = JSON.parse(text.parameters ?? '{}') as {
    prompt: string;
    targetWord: string;
    params: { steps: number };
  };
  expect(saved.prompt).toBe('a red star and a blue ball on grass');
  expect(saved.targetWord).toBe('red star');
  expect(saved.params.steps).toBe(2);
  const [masksDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download masks', exact: true }).click(),
  ]);
  expect(masksDownload.suggestedFilename()).toMatch(/-masks\.png$/);

  // The gallery keeps it: a page opened afterwards (a new document, as after a reload) reads it back.
  await expect(page.getByTestId('gallery-card')).toHaveCount(kept + 1);
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  const opened = await page.context().newPage();
  await opened.goto(link);
  await expect(opened.getByTestId('gallery-area')).toHaveAttribute('data-count', String(kept + 1));
  await expect(opened.getByTestId('gallery-card').first()).toContainText('red star');

  // The share link restores prompt, word and parameters.
  await expect(opened.getByTestId('pack-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(opened.getByRole('textbox', { name: 'Prompt' })).toHaveValue('a red star and a blue ball on grass');
  await expect(opened.getByTestId('target-word')).toHaveText('Target: red star');
  await expect(opened.getByLabel('Steps', { exact: true })).toHaveValue('2');
  await opened.screenshot({ path: testInfo.outputPath('4-restored.png'), fullPage: true });

  // Clear all asks first; keeping them keeps them.
  const gallery = opened.getByTestId('gallery-area');
  await expect(gallery).toHaveAttribute('data-count', String(kept + 1));
  await opened.getByRole('button', { name: 'Clear all…' }).click();
  await opened.getByRole('button', { name: 'Keep them' }).click();
  await expect(gallery).toHaveAttribute('data-count', String(kept + 1));
  await opened.getByRole('button', { name: 'Clear all…' }).click();
  await opened.getByRole('button', { name: 'Delete all' }).click();
  await expect(gallery).toHaveAttribute('data-count', '0');
  await opened.reload();
  await expect(opened.getByTestId('gallery-area')).toHaveAttribute('data-count', '0');
  await opened.close();
});
