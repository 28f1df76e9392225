import type { Page, TestInfo } from '@playwright/test';
import { WEBGPU_APP_URL, expect, setTestTimeout, test } from './fixtures';
import { canvasStats, setUpJob } from './features-helpers';

// Cancel and Compare on the shared WebGPU page (`appPage`, e2e/fixtures.ts): loading the pack
// and compiling the UNet's shaders on SwiftShader are the slow part, and Compare starts from
// the job Cancel's test ran to the end.
test.describe('jobs on one WebGPU page', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ appUrl: WEBGPU_APP_URL });

  test('cancel stops a job; Generate again replaces a running one; the last runs to the end', async ({
    appPage: page,
  }, testInfo) => {
    setTestTimeout(360_000);
    const kept = Number(await page.getByTestId('gallery-area').getAttribute('data-count'));
    await setUpJob(page, 3);
    const progress = page.getByTestId('job-progress');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect(progress).toHaveAttribute('data-status', /loading|running/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(progress).toHaveAttribute('data-status', 'cancelled', { timeout: 90_000 });
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeDisabled();

    // Generate again while it runs: the running job is replaced, only the new one finishes.
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect(progress).toHaveAttribute('data-status', /loading|running/);
    await page.getByRole('button', { name: 'Generate again' }).click();
    await expect(progress).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
    expect((await canvasStats(page, 'preview-canvas')).variance).toBeGreaterThan(1);
    await expect(page.getByTestId('gallery-area')).toHaveAttribute('data-count', String(kept + 1));
    await page.screenshot({ path: testInfo.outputPath('after-cancel.png'), fullPage: true });
  });

  test('compare shows realcustom, global and text side by side', async ({ appPage: page }, testInfo) => {
    // Three jobs, two of them on graphs whose shaders compile on first use (~25 s each on SwiftShader).
    setTestTimeout(420_000);
    const kept = Number(await page.getByTestId('gallery-area').getAttribute('data-count'));
    await setUpJob(page, 2);
    await page.getByRole('button', { name: 'Compare modes' }).click();
    const grid = page.getByTestId('compare-grid');
    await expect(grid).toHaveAttribute('data-status', 'done', { timeout: 360_000 });
    const cells = grid.getByTestId('compare-cell');
    await expect(cells).toHaveCount(3);
    for (const mode of ['realcustom', 'global', 'text']) {
      const cell = grid.locator(`[data-mode="${mode}"]`);
      await expect(cell).toHaveAttribute('data-state', 'done');
      const variance = await cell.getByTestId('compare-image').evaluate((el) => {
        const c = el as HTMLCanvasElement;
        const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let s = 0;
        let s2 = 0;
        for (let i = 0; i < d.length; i += 4) {
          s += d[i]!;
          s2 += d[i]! * d[i]!;
        }
        const n = Math.max(1, d.length / 4);
        return s2 / n - (s / n) ** 2;
      });
      expect(variance, `${mode} image is not blank`).toBeGreaterThan(1);
    }
    await expect(page.getByTestId('gallery-card')).toHaveCount(kept + 3);
    await grid.screenshot({ path: testInfo.outputPath('compare.png') });
    await page.screenshot({ path: testInfo.outputPath('compare-page.png'), fullPage: true });
  });
});

// No job: the chips, not the GPU (the shared WASM page).
test('keyboard alone: chips with Enter and Shift+Enter, and a narrow window', async ({ appPage: page }, testInfo) => {
  await page.setViewportSize({ width: 420, height: 900 });
  try {
    await keyboardAlone(page, testInfo);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 }); // the shared page goes on to other tests
  }
});

async function keyboardAlone(page: Page, testInfo: TestInfo): Promise<void> {
  await page.getByRole('textbox', { name: 'Prompt' }).fill('a red star on grass');
  await page.getByRole('textbox', { name: 'Prompt' }).press('Tab'); // focus leaves the prompt for the first chip
  const chips = page.getByTestId('word-chips');
  await chips.getByRole('button', { name: 'star', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Enter');
  await expect(page.getByTestId('target-word')).toHaveText('Target: red star');
  await expect(chips.getByRole('button', { name: 'red', exact: true })).toBeFocused();
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, 'no sideways scrolling in a narrow window').toBeLessThanOrEqual(420);
  await page.screenshot({ path: testInfo.outputPath('narrow.png'), fullPage: true });
}
