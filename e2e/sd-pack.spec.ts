import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { canvasStats, setNumber, type CanvasStats } from './features-helpers';
import { waitForPack } from './helpers';

/**
 * A format-version-2 pack (SD-1.5 topology + IP-Adapter, tiny random weights, 128², float32)
 * in the page on WASM and on WebGPU (SwiftShader here: no shader-f16, which this fp32 pack does
 * not need): a whole masked-global job streams masks and latent → RGB previews and ends with
 * an image; on WASM the pack card also names the model, its licence and the masked-global
 * guidance. The pack is the committed public/models/test-sd-tiny (models/README.md, "SD test packs").
 */
const PACK = 'test-sd-tiny';
const REFERENCE = 'public/models/toyworld/examples/ref-star-0.png';

/** Opens the pack on `ep` and waits until it is loaded on that EP. */
async function openPack(page: Page, testInfo: TestInfo, ep: 'wasm' | 'webgpu'): Promise<void> {
  await page.goto(`/?pack=${PACK}&ep=${ep}`);
  // Session creation is slow on single-threaded WASM and on SwiftShader (shaders) on a loaded machine.
  const loadStarted = Date.now();
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'done', { timeout: 280_000 });
  testInfo.annotations.push({
    type: 'load-ms',
    description: `${Date.now() - loadStarted} ms to load the pack on ${ep}`,
  });
  expect(await waitForPack(page)).toBe(ep);
  await expect(page.getByTestId('pack-status')).toContainText(PACK);
}

/**
 * A masked-global job of `steps` steps (target "dog", mask reuse 2, seed 7), then checks the
 * streamed masks (read back from the step history: the tiny pack's steps are too quick to
 * poll) and the final image by their pixels.
 */
async function runJob(
  page: Page,
  testInfo: TestInfo,
  ep: 'wasm' | 'webgpu',
  steps: number,
  timeoutMs: number,
): Promise<void> {
  await page.getByLabel('Reference image file').setInputFiles(REFERENCE);
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  await page.getByRole('textbox', { name: 'Prompt' }).fill('a photo of a dog on the beach');
  await page.getByTestId('word-chips').getByRole('button', { name: 'dog', exact: true }).click();
  await expect(page.getByTestId('target-word')).toHaveText('Target: dog');
  await setNumber(page, 'Steps', steps);
  await setNumber(page, 'Mask reuse', 2);
  await setNumber(page, 'Seed', 7);

  const started = Date.now();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('job-progress')).toHaveAttribute('data-status', 'done', { timeout: timeoutMs });
  testInfo.annotations.push({ type: 'job-ms', description: `${Date.now() - started} ms for ${steps} steps on ${ep}` });
  await page.screenshot({ path: testInfo.outputPath(`sd-tiny-${ep}.png`), fullPage: true });

  const replay = page.getByTestId('scrubber');
  const masks: CanvasStats[] = [];
  for (let step = 0; step < steps; step++) {
    await replay.fill(String(step));
    await page.waitForTimeout(100);
    masks.push(await canvasStats(page, 'mask-canvas'));
  }
  for (const mask of masks) {
    expect(mask.litFraction, 'each step has a mask, lit somewhere').toBeGreaterThan(0);
    expect(mask.litFraction, 'and only in part of the frame (top-k)').toBeLessThan(0.8);
  }
  await replay.fill(String(steps - 1));
  const image = await canvasStats(page, 'preview-canvas');
  expect(image.variance, 'the final image is not blank').toBeGreaterThan(1);
}

test('the SD test pack runs a masked-global job on WASM, streaming masks, ending with an image', async ({
  page,
}, testInfo) => {
  test.setTimeout(560_000);
  await openPack(page, testInfo, 'wasm');
  const card = page.getByTestId('pack-model');
  await card.locator('summary').click();
  await expect(page.getByTestId('pack-model-base')).toContainText('Stable Diffusion 1.5');
  await expect(page.getByTestId('pack-model-base')).toContainText('ip-adapter_sd15');
  await expect(page.getByTestId('pack-model-license')).toContainText('CreativeML OpenRAIL-M');
  await expect(page.getByTestId('pack-model-guidance')).toContainText(/mask .*guides a global IP-Adapter/);
  await expect(page.getByTestId('pack-model-guidance')).toContainText('training-free');
  // CLIP's tokenizer reads any word: the pack card must not list "0 words".
  await expect(page.getByTestId('pack-card-words')).toContainText('reads any words');
  await card.locator('summary').click();
  await runJob(page, testInfo, 'wasm', 3, 240_000);
});

test('the SD test pack runs a masked-global job on WebGPU, streaming masks, ending with an image', async ({
  page,
}, testInfo) => {
  test.setTimeout(1_100_000);
  await openPack(page, testInfo, 'webgpu');
  // Two steps, and still minutes: SwiftShader is a CPU, it compiles every graph's shaders at its
  // first run (the image encoder's at each job: it is released after encoding), and one
  // batch-3 step of even this tiny SD topology takes over a minute on 2 busy cores.
  await runJob(page, testInfo, 'webgpu', 2, 720_000);
});
