/**
 * The smaller things a newcomer hits (issue 13, items 9 and 12): each test here failed
 * before its fix. One page for the whole file on WASM with the test pack.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchPageProblems } from './fixtures';
import { STAR_REFERENCE, setNumber } from './features-helpers';
import { openApp } from './reliability-helpers';

test.describe.configure({ mode: 'serial' });
let page: Page;
const problems: string[] = [];
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  watchPageProblems(page, problems);
  await openApp(page);
});
test.afterEach(() => {
  expect(problems, 'page errors and CSP violations').toEqual([]);
});
test.afterAll(async () => {
  await page.close();
});

const promptBox = (p: Page) => p.getByRole('textbox', { name: 'Prompt', exact: true });

test('a 500-word prompt folds the words past the limit into one chip and names only a few', async () => {
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

test('lowering Steps below Mask reuse moves mask reuse, says so once, and Steps stays valid', async () => {
  await setNumber(page, 'Steps', 20);
  await setNumber(page, 'Mask reuse', 10);
  await setNumber(page, 'Steps', 4);
  const steps = page.getByLabel('Steps', { exact: true });
  await expect(steps).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByLabel('Mask reuse', { exact: true })).toHaveValue('4');
  await expect(page.getByText('Mask reuse step 10 is past the last step; moved to step 4.')).toHaveCount(1);
});

test('a gallery card: Link says it was copied, Reuse brings the form into view', async () => {
  test.setTimeout(300_000);
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

test('a clamp message stays on its own field until that field changes', async () => {
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

test('the backend radiogroup answers the arrow keys', async () => {
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
