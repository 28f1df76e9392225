import { expect, test } from './fixtures';
import { TEST_PACK, waitForPack } from './helpers';

// Runs in the `no-webgpu` project: Chromium without --enable-unsafe-webgpu has no adapter.
// No `ep` in the address (auto): the shared page reliability-no-webgpu.spec.ts goes on from.
test.use({ appUrl: `/?pack=${TEST_PACK}` });

test('without WebGPU the page falls back to WASM, says why, and loads the pack', async ({
  appPage: page,
}, testInfo) => {
  expect(await waitForPack(page)).toBe('wasm');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toContainText('WASM');
  await expect(badge.locator('.backend-badge__detail')).not.toBeEmpty();
  await page.screenshot({ path: testInfo.outputPath('wasm-fallback.png') });
});
