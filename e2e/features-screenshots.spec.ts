import { mkdirSync } from 'node:fs';
import { expect, test } from './fixtures';
import { setNumber } from './features-helpers';
import { waitForPack } from './helpers';

/**
 * The README's screenshots (docs/screenshots/), taken from the real page mid-run and after:
 * `README_SCREENSHOTS=1 npx playwright test features-screenshots` (SCREENSHOT_PACK picks the
 * pack, default the shipped one). Skipped in the normal suite: it writes into the repo.
 */
const OUT = 'docs/screenshots';
const PACK = process.env.SCREENSHOT_PACK ?? '';

test('README screenshots: live masks mid-run and the finished result', async ({ page }) => {
  test.skip(!process.env.README_SCREENSHOTS, 'set README_SCREENSHOTS=1 to refresh docs/screenshots');
  test.setTimeout(600_000);
  mkdirSync(OUT, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`/?ep=webgpu${PACK ? `&pack=${PACK}` : ''}`);
  await waitForPack(page);

  // A newcomer's first minute: one example click sets reference, prompt and word.
  await page
    .getByRole('button', { name: /^Example:/ })
    .first()
    .click();
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('target-word')).toContainText('Target:');
  await setNumber(page, 'Steps', Number(process.env.SCREENSHOT_STEPS ?? 6));
  await setNumber(page, 'Mask reuse', 0);

  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const progress = page.getByTestId('job-progress');
  await expect(progress).toContainText(/Step [2-9] of/, { timeout: 240_000 });
  // The stage column at the top of the page (an element shot would scroll under the sticky header).
  await page.waitForTimeout(300);
  const box = await page.getByRole('region', { name: 'Live view' }).boundingBox();
  if (!box) throw new Error('the live view is not on screen');
  await page.screenshot({
    path: `${OUT}/2-live-masks.png`,
    clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 1000 - box.y) },
  });
  await expect(progress).toHaveAttribute('data-status', 'done', { timeout: 400_000 });
  await page.screenshot({ path: `${OUT}/3-result.png`, fullPage: true });
});
