/**
 * GPU failures on the real WebGPU path (SwiftShader here, so slow): a device lost in the
 * middle of a job and an out-of-memory failure, both produced inside the worker on the
 * running engine (?testHooks); NaN in the loop from a pack whose noise schedule underflows.
 * Each: the message the person sees, Retry or the next job works, settings and gallery kept.
 */
import { test as pageless, type Page } from '@playwright/test';
import type { TestHooks } from '../src/engine/test-hooks';
import { expect, test, watchPageProblems } from './fixtures';
import { TEST_PACK, waitForPack } from './helpers';
import {
  expectIntact,
  expectNextJobRuns,
  generateButton,
  openApp,
  snapshot,
  useFirstExample,
} from './reliability-helpers';

/** Two steps keep a SwiftShader job near half a minute (a shared link may set them). */
const FAST = 'steps=2&maskReuseStep=1&testHooks';

/** Calls a failure switch inside the worker (src/engine/test-hooks.ts). */
async function hooks(page: Page, call: 'loseDevice' | 'failNextRunOutOfMemory'): Promise<void> {
  await page.evaluate(async (name) => {
    await (window as unknown as { __realcustomTest: TestHooks }).__realcustomTest[name]();
  }, call);
}

async function retryAndRunAgain(page: Page, ep: 'webgpu' | 'wasm'): Promise<void> {
  const banner = page.getByTestId('status-banner');
  await banner.getByRole('button', { name: 'Retry' }).click();
  await expect(banner).toBeHidden({ timeout: 120_000 });
  expect(await waitForPack(page)).toBe(ep);
  await expectNextJobRuns(page);
}

// The two failures produced inside the worker share one WebGPU page (`pageless`: the test of
// @playwright/test, without the fixture's fresh page per test): loading the pack on SwiftShader
// is the slow part, and each test ends with Retry having rebuilt the worker and a job run, the
// state the next one starts from. The page has its own guard against uncaught errors and CSP
// violations, as e2e/fixtures.ts gives every other page. The NaN test loads a broken pack: its
// own page.
pageless.describe('failures inside the running WebGPU engine', () => {
  pageless.describe.configure({ mode: 'serial' });
  let page: Page;
  const problems: string[] = [];
  pageless.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    watchPageProblems(page, problems);
    await openApp(page, `ep=webgpu&${FAST}`);
    await useFirstExample(page);
  });
  pageless.afterEach(() => {
    expect(problems, 'page errors and CSP violations').toEqual([]);
  });
  pageless.afterAll(async () => {
    await page.close();
  });

  pageless(
    'a GPU device lost in the middle of a job: reported, Retry rebuilds the worker, the next job runs',
    async () => {
      pageless.setTimeout(300_000);
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
      await page.screenshot({ path: pageless.info().outputPath('device-lost.png') });
      await expectIntact(page, before);
      await retryAndRunAgain(page, 'webgpu');
      await expectIntact(page, before, { newEntries: 1 });
    },
  );

  pageless('out of memory on the GPU: caught, explained, and the next job runs', async () => {
    pageless.setTimeout(240_000);
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
