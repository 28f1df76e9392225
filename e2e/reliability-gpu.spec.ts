/**
 * GPU failures on the real WebGPU path (SwiftShader here, so slow): a device lost in the
 * middle of a job and an out-of-memory failure, both produced inside the worker on the
 * running engine (?testHooks); NaN in the loop from a pack whose noise schedule underflows.
 * Each: the message the person sees, Retry or the next job works, settings and gallery kept.
 */
import type { Page } from '@playwright/test';
import type { TestHooks } from '../src/engine/test-hooks';
import { WEBGPU_APP_URL, expect, setTestTimeout, test } from './fixtures';
import { setNumber } from './features-helpers';
import { TEST_PACK, waitForPack } from './helpers';
import {
  expectIntact,
  expectNextJobRuns,
  generateButton,
  openApp,
  snapshot,
  useFirstExample,
} from './reliability-helpers';

/** Calls a failure switch inside the worker (src/engine/test-hooks.ts). */
async function hooks(page: Page, call: 'loseDevice' | 'failNextRunOutOfMemory'): Promise<void> {
  await page.evaluate(async (name) => {
    await (window as unknown as { __realcustomTest: TestHooks }).__realcustomTest[name]();
  }, call);
}

/** The first example, and two steps: a SwiftShader job near half a minute. */
async function fastJob(page: Page): Promise<void> {
  await useFirstExample(page);
  await setNumber(page, 'Steps', 2);
  await setNumber(page, 'Mask reuse', 1);
}

async function retryAndRunAgain(page: Page, ep: 'webgpu' | 'wasm'): Promise<void> {
  const banner = page.getByTestId('status-banner');
  await banner.getByRole('button', { name: 'Retry' }).click();
  await expect(banner).toBeHidden({ timeout: 120_000 });
  expect(await waitForPack(page)).toBe(ep);
  await expectNextJobRuns(page);
}

// The two failures produced inside the worker run on the shared WebGPU page (`appPage`,
// e2e/fixtures.ts, with ?testHooks): loading the pack on SwiftShader is the slow part, and each
// test ends with Retry having rebuilt the worker and a job run, the state the next one starts
// from. The NaN test loads a broken pack: its own page.
test.describe('failures inside the running WebGPU engine', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ appUrl: WEBGPU_APP_URL });

  test('a GPU device lost in the middle of a job: reported, Retry rebuilds the worker, the next job runs', async ({
    appPage: page,
  }) => {
    setTestTimeout(300_000);
    await fastJob(page);
    const before = await snapshot(page);
    await generateButton(page).click();
    const progress = page.getByTestId('job-progress');
    await expect(progress).toHaveAttribute('data-status', 'running', { timeout: 120_000 });
    await hooks(page, 'loseDevice');

    await expect(progress).toHaveAttribute('data-status', 'error');
    const banner = page.getByTestId('status-banner');
    await expect(banner).toHaveAttribute('data-kind', 'DeviceLost');
    await expect(banner).toContainText('The GPU stopped responding');
    await expect(banner).toContainText(/device was lost/i);
    await page.screenshot({ path: test.info().outputPath('device-lost.png') });
    await expectIntact(page, before);
    await retryAndRunAgain(page, 'webgpu');
    await expectIntact(page, before, { newEntries: 1 });
  });

  test('out of memory on the GPU: caught, explained, and the next job runs', async ({ appPage: page }) => {
    setTestTimeout(240_000);
    await fastJob(page);
    const before = await snapshot(page);
    await hooks(page, 'failNextRunOutOfMemory');
    await generateButton(page).click();

    const progress = page.getByTestId('job-progress');
    await expect(progress).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
    const banner = page.getByTestId('status-banner');
    await expect(banner).toHaveAttribute('data-kind', 'OutOfMemory');
    await expect(banner).toContainText(/Out of memory.*fewer steps/);
    await expectIntact(page, before);
    await retryAndRunAgain(page, 'webgpu');
  });
});

test('NaN in the loop (a pack whose noise schedule underflows): stopped at the step, explained', async ({ page }) => {
  // A schema-valid scheduler whose ᾱ underflows to 0 at the first timestep: the epsilon
  // update divides by √ᾱ, the latent becomes infinite inside the step graph, and the
  // engine's own finiteness check on the latent must stop the run.
  await page.route(`**/models/${TEST_PACK}/pack.json`, async (route) => {
    const response = await route.fetch();
    const manifest = (await response.json()) as { scheduler: Record<string, unknown> };
    Object.assign(manifest.scheduler, { betaStart: 0.9, betaEnd: 0.99, prediction: 'epsilon' });
    await route.fulfill({ response, body: JSON.stringify(manifest) });
  });
  await openApp(page, 'ep=wasm&steps=2&maskReuseStep=1');
  await useFirstExample(page);
  const before = await snapshot(page);
  await generateButton(page).click();
  const progress = page.getByTestId('job-progress');
  await expect(progress).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  await expect(progress).toContainText(/became NaN or infinite at step 1\. Lower the guidance/);
  await expectIntact(page, before);

  // The worker takes the next job (same broken pack, same answer: it did not wedge).
  await generateButton(page).click();
  await expect(progress).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  await expect(progress).toContainText(/NaN or infinite/);
  await expectIntact(page, before);
});
