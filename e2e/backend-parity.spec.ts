import { writeFileSync } from 'node:fs';
import { WEBGPU_APP_URL, expect, test } from './fixtures';
import { TEST_PACK, waitForPack } from './helpers';

/**
 * WebGPU against WASM on the test pack's UNet, through the page's own "Check backends"
 * dialog: every output must agree within 1e-3 of its scale (RELATIVE_TOLERANCE in
 * src/lib/compare-outputs.ts). The timings are written to test-results/backend-timings.json
 * for the README's performance section. The shared WebGPU page (`appPage`): the feature specs
 * go on from it.
 */
test.use({ appUrl: WEBGPU_APP_URL });

test('the UNet gives the same numbers on WebGPU as on WASM', async ({ appPage: page }, testInfo) => {
  expect(await waitForPack(page)).toBe('webgpu');

  await page.getByRole('button', { name: 'Check backends' }).click();
  const dialog = page.getByRole('dialog', { name: 'Check backends' });
  await dialog.getByRole('button', { name: 'Run check' }).click();
  const check = dialog.getByTestId('backend-check');
  await expect(check).toHaveAttribute('data-status', 'done', { timeout: 150_000 });

  const outputs = check.locator('[data-output]');
  await expect(outputs).toHaveCount(2); // model_output, word_attention
  for (const output of await outputs.all()) {
    const name = await output.getAttribute('data-output');
    const diff = Number(await output.getAttribute('data-max-abs-diff'));
    const scale = Number(await output.getAttribute('data-scale'));
    expect(diff, `${name}: max |WebGPU − WASM|`).toBeLessThanOrEqual(1e-3 * scale);
  }

  const timings = await check.locator('tr[data-ep]').evaluateAll((rows) =>
    rows.map((row) => ({
      ep: row.getAttribute('data-ep'),
      sessionMs: Number(row.getAttribute('data-create-ms')),
      steadyRunMs: Number(row.getAttribute('data-steady-ms')),
    })),
  );
  expect(timings.map((t) => t.ep)).toEqual(['webgpu', 'wasm']);
  const record = { pack: TEST_PACK, graph: 'unet', adapter: 'SwiftShader (headless Chromium)', timings };
  writeFileSync('test-results/backend-timings.json', JSON.stringify(record, null, 2));
  await testInfo.attach('backend-timings', { body: JSON.stringify(record, null, 2), contentType: 'application/json' });
  await page.screenshot({ path: testInfo.outputPath('backend-check.png') });
  await dialog.getByRole('button', { name: 'Close' }).click(); // the page goes on to other tests
  await expect(dialog).toBeHidden();
});
