import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { TEST_PACK, countGraphRequests, testPackGraphs, waitForPack } from './helpers';
import type { LoadTimings } from '../workers/protocol';

/** The ready pack's load timings, through the page's `?testHooks` hook. */
function loadTimings(page: Page): Promise<LoadTimings> {
  return page.evaluate(() => {
    const hooks = (window as unknown as { __realcustomTest: { loadTimings(): LoadTimings | null } }).__realcustomTest;
    const timings = hooks.loadTimings();
    if (!timings) throw new Error('the pack is not ready');
    return timings;
  });
}

/** The onnxruntime runtime files (`/ort/<version>/…`) the page and its workers request, by file name. */
function ortRuntimeRequests(page: Page): string[] {
  const files: string[] = [];
  page.context().on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/\/ort\/[^/]+\/[^/]+$/.test(path)) files.push(path.split('/').at(-1)!);
  });
  return files;
}

// Loading, reloading from the cache and switching the EP share the file's page (`filePage`,
// e2e/fixtures.ts): the first visit is the slow part on SwiftShader, and each test's state is
// what the next one starts from.
test.describe('the test pack on WebGPU, one page', () => {
  test.describe.configure({ mode: 'serial' });
  let graphs: { readonly count: number } | null = null;

  /** The page's first visit (an empty cache, its own context), counting graph downloads from there on; once. */
  async function firstVisit(page: Page): Promise<{ readonly count: number }> {
    if (!graphs) {
      graphs = countGraphRequests(page);
      await page.goto(`/?ep=webgpu&pack=${TEST_PACK}&testHooks`); // loadTimings() reads the test hooks
      await waitForPack(page);
    }
    return graphs;
  }

  test('the worker loads the test pack on WebGPU with the SwiftShader adapter', async ({ filePage: page }) => {
    test.setTimeout(300_000); // the first visit
    await firstVisit(page);
    expect(await waitForPack(page)).toBe('webgpu');
    await expect(page.getByTestId('backend-badge')).toContainText(/swiftshader/i);
    // WebGPU needs onnxruntime's JSEP build (the WASM-only one has no WebGPU EP).
    expect((await loadTimings(page)).runtimeFile).toBe('ort-wasm-simd-threaded.jsep.wasm');
    await expect(page.getByTestId('layer-grid').getByTestId('layer-canvas').first()).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('pack-loaded-webgpu.png') });
  });

  test('a second visit loads the pack from the cache, with no second download', async ({ filePage: page }) => {
    const graphs = await firstVisit(page);
    expect(graphs.count, 'the first visit downloaded the graphs').toBeGreaterThan(0);
    const before = graphs.count;
    await page.reload();
    await waitForPack(page);
    expect(graphs.count - before).toBe(0);
  });

  test('the execution-provider switch rebuilds the engine on WASM, from the cache', async ({ filePage: page }) => {
    const graphs = await firstVisit(page);
    expect(await waitForPack(page)).toBe('webgpu');
    const before = graphs.count;

    await page.getByRole('radio', { name: 'WASM' }).click();
    await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-ep', 'wasm', { timeout: 120_000 });
    await expect(page.getByTestId('backend-badge')).toContainText('WASM');
    expect(new URL(page.url()).searchParams.get('ep')).toBe('wasm');
    expect(graphs.count - before).toBe(0);
  });
});

test('a pack with a corrupted file is refused with a message naming the file', async ({ page }, testInfo) => {
  const victim = testPackGraphs()[0];
  if (!victim) throw new Error('the test pack lists no graphs');
  await page.route(`**/models/${TEST_PACK}/${victim.file}`, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[Math.floor(body.length / 2)]! ^= 0xff; // same size, different hash
    await route.fulfill({ response, body });
  });

  await page.goto(`/?ep=webgpu&pack=${TEST_PACK}`);
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  const banner = page.getByTestId('status-banner');
  await expect(banner).toHaveAttribute('data-kind', 'PackInvalid');
  await expect(banner).toContainText(victim.file);
  await expect(banner).toContainText(/sha-?256|hash|integrity/i);
  await page.screenshot({ path: testInfo.outputPath('pack-refused.png') });
});

test('while the pack loads, the progress line names each step, and the ready pack carries its load timings', async ({
  page,
}) => {
  // Every label the pack status shows, from the first render (installed before the page's scripts run).
  await page.addInitScript(() => {
    const seen: { step: string; label: string }[] = [];
    (window as unknown as { seenSteps: typeof seen }).seenSteps = seen;
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="pack-status"]');
      const step = el?.getAttribute('data-step');
      const label = el?.querySelector('.pack-status__meta')?.textContent ?? '';
      if (step && seen.at(-1)?.label !== label) seen.push({ step, label });
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const runtimeFiles = ortRuntimeRequests(page);
  await page.goto(`/?ep=wasm&pack=${TEST_PACK}&testHooks`);
  await waitForPack(page);
  const seen = await page.evaluate(
    () => (window as unknown as { seenSteps: { step: string; label: string }[] }).seenSteps,
  );
  const labelOf = (step: string) => seen.find((s) => s.step === step)?.label;
  // The sessions are announced by their human names (the UNet, the slowest, always shows;
  // a fast step may be replaced before the page paints it), never as a file name.
  expect(labelOf('unet')).toBe('Preparing the image model…');
  for (const s of seen.filter((x) => x.step !== 'files' && x.step !== 'starting'))
    expect(s.label).toMatch(/^(Preparing the [a-z ]+|Starting the inference runtime)…$/);
  const afterFiles = seen.slice(seen.findIndex((s) => s.step === 'textEncoder'));
  expect(afterFiles.every((s) => s.step !== 'files')).toBe(true);

  const timings = await loadTimings(page);
  const steps = timings.steps.map((s) => s.step);
  for (const step of ['manifest', 'files', 'runtime', 'textEncoder', 'imageEncoder', 'unet', 'decoder', 'helpers'])
    expect(steps).toContain(step);
  // WASM was chosen: no WebGPU adapter was asked for before loading.
  expect(steps).not.toContain('capabilities');
  expect(timings.totalMs).toBeGreaterThan(0);
  // WASM runs on onnxruntime's WASM-only build: the 28 MB JSEP runtime is neither fetched nor compiled.
  expect(timings.runtimeFile).toBe('ort-wasm-simd-threaded.wasm');
  expect(runtimeFiles).toContain('ort-wasm-simd-threaded.wasm');
  expect(runtimeFiles.filter((f) => f.includes('jsep'))).toEqual([]);
});
