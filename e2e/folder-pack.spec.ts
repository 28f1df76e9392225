import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { canvasStats, setNumber } from './features-helpers';
import { countGraphRequests, TEST_PACK, waitForPack } from './helpers';

/**
 * A pack from a folder on this computer, through the header's folder input: nothing is
 * uploaded, the worker reads the Files. The page opens on a pack name that does not exist,
 * so it is refused at once and the folder's pack is the only pack these tests load.
 */
const NO_PACK = '/?ep=wasm&pack=no-such-pack';

async function openWithoutPack(page: Page): Promise<void> {
  await page.goto(NO_PACK);
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'error');
}

test('a pack folder loads on WASM and makes an image from its own example', async ({ page }) => {
  test.setTimeout(480_000); // the pack load and two steps on a machine shared with training
  await openWithoutPack(page);
  const graphRequests = countGraphRequests(page);
  await page.getByTestId('pack-folder-input').setInputFiles(`public/models/${TEST_PACK}`);
  expect(await waitForPack(page)).toBe('wasm');
  expect(graphRequests.count, 'the graphs are read from the folder, not fetched').toBe(0);
  await expect(page.getByTestId('pack-status')).toContainText(TEST_PACK);
  await expect(page.getByTestId('pack-status')).toContainText('from a folder on this computer');
  await expect(page.getByTestId('status-banner')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.has('pack'), 'the address cannot name a folder').toBe(false);

  // The folder's example comes from the disk (a blob: thumbnail, no fetch).
  await page
    .getByRole('button', { name: /^Example: .*word “star”/ })
    .first()
    .click();
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  await setNumber(page, 'Steps', 2);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('job-progress')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
  const image = await canvasStats(page, 'preview-canvas');
  expect(image.width).toBeGreaterThan(0);
  expect(image.variance, 'the final image is not blank').toBeGreaterThan(1);
});

test('a folder without pack.json is refused, naming the file', async ({ page }, testInfo) => {
  const folder = testInfo.outputPath('holiday-photos');
  mkdirSync(folder, { recursive: true });
  writeFileSync(`${folder}/notes.txt`, 'not a model pack');
  await openWithoutPack(page);
  await page.getByTestId('pack-folder-input').setInputFiles(folder);
  const banner = page.getByTestId('status-banner');
  await expect(banner).toContainText('The model pack in the folder ‘holiday-photos’ was refused');
  await expect(banner).toContainText('pack.json: is not in the folder ‘holiday-photos’');
  await expect(banner.getByRole('button', { name: 'Back to the default pack' })).toBeVisible();
});
