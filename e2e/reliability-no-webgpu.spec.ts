/**
 * Runs in the `no-webgpu` project (its name matches that project's testMatch): Chromium
 * without WebGPU. The page says so in a notice, runs on WASM, and a job completes.
 */
import { expect, test } from './fixtures';
import { expectIntact, expectNextJobRuns, openApp, snapshot } from './reliability-helpers';

test('no WebGPU: a notice says the app runs on the CPU (WASM), and a job runs', async ({ page }) => {
  await openApp(page, 'ep=auto&steps=2&maskReuseStep=1');
  const notice = page.getByTestId('status-banner');
  await expect(notice).toHaveAttribute('data-kind', 'WebGpuUnavailable');
  await expect(notice).toContainText('running on the CPU (WASM)');
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-ep', 'wasm');
  const before = await snapshot(page);
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: 1 });
});
