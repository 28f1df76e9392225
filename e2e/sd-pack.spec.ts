import { expect, test } from './fixtures';
import { canvasStats, setNumber, type CanvasStats } from './features-helpers';
import { waitForPack } from './helpers';

/**
 * A format-version-2 pack (SD-1.5 topology + IP-Adapter, tiny random weights, 128²) in the
 * page on WASM: the pack card names the model, its licence and the masked-global guidance;
 * a whole masked-global job streams masks and latent → RGB previews and ends with an image.
 * The pack is the committed public/models/test-sd-tiny (models/README.md, "SD test packs").
 */
const PACK = 'test-sd-tiny';
const REFERENCE = 'public/models/toyworld/examples/ref-star-0.png';
const STEPS = 3;

test('the SD test pack runs a masked-global job on WASM, streaming masks, ending with an image', async ({
  page,
}, testInfo) => {
  test.setTimeout(560_000);
  await page.goto(`/?pack=${PACK}&ep=wasm`);
  // Session creation on single-threaded WASM is slow on a loaded machine.
  const loadStarted = Date.now();
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'done', { timeout: 280_000 });
  testInfo.annotations.push({ type: 'load-ms', description: `${Date.now() - loadStarted} ms to load the pack` });
  expect(await waitForPack(page)).toBe('wasm');
  await expect(page.getByTestId('pack-status')).toContainText(PACK);
  const card = page.getByTestId('pack-model');
  await card.locator('summary').click();
  await expect(page.getByTestId('pack-model-base')).toContainText('Stable Diffusion 1.5');
  await expect(page.getByTestId('pack-model-base')).toContainText('ip-adapter_sd15');
  await expect(page.getByTestId('pack-model-license')).toContainText('CreativeML OpenRAIL-M');
  await expect(page.getByTestId('pack-model-guidance')).toContainText(/mask .*guides a global IP-Adapter/);
  await expect(page.getByTestId('pack-model-guidance')).toContainText('training-free');
  await card.locator('summary').click();

  await page.getByLabel('Reference image file').setInputFiles(REFERENCE);
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  await page.getByRole('textbox', { name: 'Prompt' }).fill('a photo of a dog on the beach');
  await page.getByTestId('word-chips').getByRole('button', { name: 'dog', exact: true }).click();
  await expect(page.getByTestId('target-word')).toHaveText('Target: dog');
  await setNumber(page, 'Steps', STEPS);
  await setNumber(page, 'Mask reuse', 2);
  await setNumber(page, 'Seed', 7);

  const started = Date.now();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const progress = page.getByTestId('job-progress');
  // The tiny pack's job takes seconds: polling may miss its steps, so the streamed masks
  // are read back from the step history (the scrubber) once it is done.
  await expect(progress).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  testInfo.annotations.push({ type: 'job-ms', description: `${Date.now() - started} ms for ${STEPS} steps on WASM` });
  await page.screenshot({ path: testInfo.outputPath('sd-tiny-wasm.png'), fullPage: true });

  const replay = page.getByTestId('scrubber');
  const masks: CanvasStats[] = [];
  for (let step = 0; step < STEPS; step++) {
    await replay.fill(String(step));
    await page.waitForTimeout(100);
    masks.push(await canvasStats(page, 'mask-canvas'));
  }
  for (const mask of masks) {
    expect(mask.litFraction, 'each step has a mask, lit somewhere').toBeGreaterThan(0);
    expect(mask.litFraction, 'and only in part of the frame (top-k)').toBeLessThan(0.8);
  }
  await replay.fill(String(STEPS - 1));
  const image = await canvasStats(page, 'preview-canvas');
  expect(image.variance, 'the final image is not blank').toBeGreaterThan(1);
});
