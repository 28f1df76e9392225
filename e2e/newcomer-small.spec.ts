/**
 * The smaller things a newcomer hits (issue 13, items 9, 11 and 12): each test here failed
 * before its fix. All on the shared page on WASM with the test pack (`appPage`, e2e/fixtures.ts).
 */
import type { Page } from '@playwright/test';
import { expect, setTestTimeout, test } from './fixtures';
import { STAR_REFERENCE, setNumber } from './features-helpers';
import { TEST_PACK } from './helpers';

const promptBox = (p: Page) => p.getByRole('textbox', { name: 'Prompt', exact: true });

test('a 500-word prompt folds the words past the limit into one chip and names only a few', async ({
  appPage: page,
}) => {
  const words = Array.from({ length: 500 }, (_, i) => (i % 2 ? 'grass' : 'star'));
  await promptBox(page).fill(words.join(' '));
  const chips = page.getByTestId('word-chips');
  await chips.getByRole('button', { name: 'star', exact: true }).first().click();
  const messages = page.getByTestId('prompt-messages');
  await expect(messages).toContainText(/The prompt is longer than (\d+) words; ignored: .* and \d+ more words\./);
  const limit = Number(/longer than (\d+) words/.exec((await messages.textContent()) ?? '')?.[1]);
  await expect(chips.getByRole('button')).toHaveCount(limit);
  await expect(chips).toContainText(`+${500 - limit} words past the limit`);
  // The warning names a few words, not hundreds.
  const warning = (await messages.textContent()) ?? '';
  expect(warning.split(' ').length).toBeLessThan(40);
});

test('lowering Steps below Mask reuse moves mask reuse, says so once, and Steps stays valid', async ({
  appPage: page,
}) => {
  await setNumber(page, 'Steps', 20);
  await setNumber(page, 'Mask reuse', 10);
  await setNumber(page, 'Steps', 4);
  const steps = page.getByLabel('Steps', { exact: true });
  await expect(steps).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByLabel('Mask reuse', { exact: true })).toHaveValue('4');
  await expect(page.getByText('Mask reuse step 10 is past the last step; moved to step 4.')).toHaveCount(1);
});

test('a gallery card: Link says it was copied, Reuse brings the form into view', async ({ appPage: page }) => {
  setTestTimeout(300_000);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByLabel('Reference image file').setInputFiles(STAR_REFERENCE);
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  await promptBox(page).fill('a red star on grass');
  await page.getByTestId('word-chips').getByRole('button', { name: 'star', exact: true }).click();
  await setNumber(page, 'Steps', 2);
  await setNumber(page, 'Mask reuse', 1);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const card = page.getByTestId('gallery-card').first();
  await expect(card).toBeVisible({ timeout: 240_000 });

  await card.getByRole('button', { name: 'Link', exact: true }).click();
  await expect(card.getByRole('button', { name: 'Link copied' })).toBeVisible();

  await promptBox(page).fill('something else');
  await card.getByRole('button', { name: 'Reuse' }).click();
  await expect(promptBox(page)).toHaveValue('a red star on grass');
  await expect(promptBox(page)).toBeFocused();
  await expect(promptBox(page)).toBeInViewport();
});

test('a clamp message stays on its own field until that field changes', async ({ appPage: page }) => {
  await setNumber(page, 'Steps', 20);
  const stepsField = page.locator('.param').filter({ has: page.getByLabel('Steps', { exact: true }) });
  const steps = page.getByLabel('Steps', { exact: true });
  await steps.fill('500');
  await steps.press('Enter');
  await expect(stepsField).toContainText('(got ‘500’); using 200.');
  // Another field's edit leaves it in place.
  await setNumber(page, 'Seed', 7);
  await expect(stepsField).toContainText('(got ‘500’); using 200.');
  await expect(steps).toHaveAttribute('aria-invalid', 'true');
  // Its own change clears it.
  await setNumber(page, 'Steps', 10);
  await expect(stepsField).not.toContainText('using 200');
  await expect(steps).toHaveAttribute('aria-invalid', 'false');
});

test('the backend radiogroup answers the arrow keys', async ({ appPage: page }) => {
  const group = page.getByRole('radiogroup', { name: 'Execution provider' });
  const checked = group.getByRole('radio', { checked: true });
  await expect(checked).toHaveText('WASM');
  await checked.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(group.getByRole('radio', { name: 'WebGPU' })).toHaveAttribute('aria-checked', 'true');
  await expect(group.getByRole('radio', { name: 'WebGPU' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(group.getByRole('radio', { name: 'WASM' })).toHaveAttribute('aria-checked', 'true');
  await expect(group.getByRole('radio', { name: 'WASM' })).toBeFocused();
});

test('at phone width Reference, Prompt and Generate come before the live view', async ({ appPage: page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    const top = async (what: ReturnType<Page['locator']>) => (await what.boundingBox())!.y;
    const live = await top(page.getByTestId('live-frame'));
    for (const [name, what] of [
      ['Reference', page.getByTestId('reference-area')],
      ['Prompt', promptBox(page)],
      ['Generate', page.getByRole('button', { name: 'Generate', exact: true })],
    ] as const) {
      expect(await top(what), `${name} comes before the live view`).toBeLessThan(live);
    }
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      'no sideways scrolling',
    ).toBeLessThanOrEqual(390);
    await page.screenshot({ path: test.info().outputPath('phone.png'), fullPage: true });
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

test('at 1280 px the header shows the pack name and the backend badge whole', async ({ appPage: page }) => {
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-ep', 'wasm');
  const header = page.locator('header');
  for (const selector of [
    '[data-testid="pack-status"]',
    '.pack-status__name',
    '.pack-status__meta',
    '[data-testid="backend-badge"]',
    '.backend-badge__label',
    '.backend-badge__detail',
  ]) {
    const [scroll, client, right] = await header
      .locator(selector)
      .evaluate((el) => [el.scrollWidth, el.clientWidth, el.getBoundingClientRect().right]);
    expect(scroll, `${selector} is not cut off`).toBeLessThanOrEqual(client!);
    expect(right, `${selector} is on screen`).toBeLessThanOrEqual(1280);
  }
  await page.screenshot({ path: test.info().outputPath('header-1280.png') });
});

test('two tabs: a result kept in one shows in the other’s gallery without a reload', async ({ appPage: page }) => {
  setTestTimeout(300_000);
  const other = await page.context().newPage(); // guarded with the shared page (e2e/fixtures.ts)
  await other.goto(`/?ep=wasm&pack=${TEST_PACK}`);
  const otherGallery = other.getByTestId('gallery-area');
  await expect(otherGallery).toHaveAttribute('data-status', 'done');
  const before = Number(await otherGallery.getAttribute('data-count'));

  await page.getByLabel('Reference image file').setInputFiles(STAR_REFERENCE);
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  await promptBox(page).fill('a blue star on grass');
  await page.getByTestId('word-chips').getByRole('button', { name: 'star', exact: true }).click();
  await setNumber(page, 'Steps', 2);
  await setNumber(page, 'Mask reuse', 1);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(otherGallery).toHaveAttribute('data-count', String(before + 1), { timeout: 240_000 });
  await expect(other.getByTestId('gallery-card').first()).toContainText('a blue star on grass');

  // And back: a delete in the other tab leaves this one.
  await other
    .getByTestId('gallery-card')
    .first()
    .getByRole('button', { name: /^Delete/ })
    .click();
  await expect(page.getByTestId('gallery-area')).toHaveAttribute('data-count', String(before));
  await other.close();
});
