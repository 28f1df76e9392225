import { test as pageless, type Page } from '@playwright/test';
import { expect, test, watchPageProblems } from './fixtures';
import { canvasStats, openPage, setUpJob } from './features-helpers';

// Cancel and Compare share one WebGPU page (`pageless`: the test of @playwright/test, without
// the fixture's fresh page per test): loading the pack and compiling the UNet's shaders on
// SwiftShader are the slow part, and Compare starts from the job Cancel's test ran to the end.
// The page has its own guard against uncaught errors and CSP violations, as e2e/fixtures.ts
// gives every other page.
pageless.describe('jobs on one WebGPU page', () => {
  pageless.describe.configure({ mode: 'serial' });
  let page: Page;
  const problems: string[] = [];
  pageless.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    watchPageProblems(page, problems);
    await openPage(page);
  });
  pageless.afterEach(() => {
    expect(problems, 'page errors and CSP violations').toEqual([]);
  });
  pageless.afterAll(async () => {
    await page.close();
  });

  pageless('cancel stops a job; Generate again replaces a running one; the last runs to the end', async () => {
    const testInfo = pageless.info();
    pageless.setTimeout(360_000);
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
    await expect(page.getByTestId('gallery-area')).toHaveAttribute('data-count', '1');
    await page.screenshot({ path: testInfo.outputPath('after-cancel.png'), fullPage: true });
  });

  pageless('compare shows realcustom, global and text side by side', async () => {
    const testInfo = pageless.info();
    // Three jobs, two of them on graphs whose shaders compile on first use (~25 s each on SwiftShader).
    pageless.setTimeout(420_000);
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

test('keyboard alone: chips with Enter and Shift+Enter, and a narrow window', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 420, height: 900 });
  await openPage(page, 'ep=wasm'); // no job: the chips, not the GPU
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
});
