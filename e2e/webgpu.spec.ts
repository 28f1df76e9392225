import { expect, test } from './fixtures';

/**
 * The environment itself: the page is served cross-origin isolated, and this Chromium
 * exposes WebGPU through a SwiftShader adapter. If this fails, every GPU test would fail
 * for a reason that has nothing to do with the app.
 */
test('the page loads cross-origin isolated with a SwiftShader WebGPU adapter', async ({ page }, testInfo) => {
  await page.goto('/?ep=webgpu');
  await expect(page.getByRole('heading', { name: 'RealCustom Web' })).toBeVisible();

  const env = await page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    return {
      crossOriginIsolated: self.crossOriginIsolated,
      hasGpu: 'gpu' in navigator,
      vendor: adapter?.info.vendor ?? null,
      architecture: adapter?.info.architecture ?? null,
      description: adapter?.info.description ?? null,
    };
  });
  expect(env.crossOriginIsolated).toBe(true);
  expect(env.hasGpu).toBe(true);
  expect(`${env.vendor} ${env.architecture} ${env.description}`.toLowerCase()).toContain('swiftshader');

  await page.screenshot({ path: testInfo.outputPath('page.png'), fullPage: true });
});
