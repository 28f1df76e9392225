/**
 * The smaller things a newcomer hits (issue 13, items 9 and 12): each test here failed
 * before its fix. One page for the whole file on WASM with the test pack.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchPageProblems } from './fixtures';
import { setNumber } from './features-helpers';
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
