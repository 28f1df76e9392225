/**
 * Runs in the `no-webgpu` project (its name matches that project's testMatch): Chromium
 * without WebGPU. The page says so in a notice, runs on WASM, and a job completes. The page
 * opened with no `ep` (auto), shared with no-webgpu.spec.ts (`appPage`, e2e/fixtures.ts).
 */
import { expect, test } from './fixtures';
import { TEST_PACK } from './helpers';
import { expectIntact, expectNextJobRuns, snapshot } from './reliability-helpers';

test.use({ appUrl: `/?pack=${TEST_PACK}` });

test('no WebGPU: a notice says the app runs on the CPU (WASM), and a job runs', async ({ appPage: page }) => {
  const notice = page.getByTestId('status-banner');
  await expect(notice).toHaveAttribute('data-kind', 'WebGpuUnavailable');
  await expect(notice).toContainText('running on the CPU (WASM)');
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-ep', 'wasm');
  const before = await snapshot(page);
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: 1 });
});
