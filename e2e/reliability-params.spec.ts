/**
 * Parameters out of range or not numbers, from the form and from a shared link: repaired
 * with a message (lib/params-sanitize.ts), and the job that follows runs (no NaN in the loop).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { setNumber } from './features-helpers';
import { TEST_PACK } from './helpers';
import { expectNextJobRuns, galleryCount, useFirstExample } from './reliability-helpers';

const notice = (page: Page) => page.getByTestId('params-area').locator('..').getByRole('status');

// Both tests on one page (`appPage`, e2e/fixtures.ts), opened from the broken link: the first
// reads what the link did; the second types into the form, where each edit replaces the notice.
test.use({
  appUrl: `/?ep=wasm&steps=-3&guidanceText=NaN&gammaScope=7&seed=99999999999&guidanceImage=Infinity&mode=turbo&pack=${TEST_PACK}`,
});

test('from a shared link: NaN, Infinity, words, negative steps and huge seeds are repaired and said', async ({
  appPage: page,
}) => {
  const shown = notice(page);
  await expect(shown).toContainText('Steps must be 1…200 (got ‘-3’); using 1.');
  await expect(shown).toContainText('Text guidance ω_t must be a number (got ‘NaN’)');
  await expect(shown).toContainText('Mask scope γ_scope must be above 0 up to 1 (got ‘7’); using 1.');
  await expect(shown).toContainText('Seed must be 0…4294967295');
  await expect(shown).toContainText('Image guidance ω_i must be a number (got ‘Infinity’)');
  await expect(shown).toContainText('Mode ‘turbo’ is unknown');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('1');
  await useFirstExample(page);
  const gallery = await galleryCount(page);
  await expectNextJobRuns(page);
  expect(await galleryCount(page)).toBe(gallery + 1);
});

test('from the form: a word, a negative number and γ = 0 are refused or clamped with a message', async ({
  appPage: page,
}) => {
  // The pack's defaults first (the link set Steps and Seed to the values clamped to below).
  await setNumber(page, 'Steps', 4);
  await setNumber(page, 'Seed', 1);
  for (const [label, typed, shownValue, message] of [
    ['Steps', '-5', '1', 'Steps must be 1…200 (got ‘-5’); using 1.'],
    ['γ_scope', '0', '0.01', 'γ_scope must be above 0 up to 1 (got ‘0’); using 0.01.'],
    ['Seed', '1e30', '4294967295', 'Seed must be 0…4294967295'],
  ] as const) {
    const field = page.getByLabel(label, { exact: true });
    await field.fill(typed);
    await field.press('Enter');
    await expect(field).toHaveValue(shownValue);
    await expect(notice(page)).toContainText(message);
  }
  await useFirstExample(page);
  await expectNextJobRuns(page);
});
