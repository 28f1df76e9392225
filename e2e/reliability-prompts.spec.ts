/**
 * Prompts a person may type: each gets its message next to the prompt box, Generate runs or
 * is held back for a stated reason, and the worker then accepts a good job (WASM).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  expectIntact,
  expectNextJobRuns,
  generateButton,
  imageFixtures,
  openApp,
  snapshot,
  type Snapshot,
} from './reliability-helpers';

const fixture = imageFixtures();
const messages = (page: Page) => page.getByTestId('prompt-messages');

/** A shared link sets prompt and word; the reference comes from a file (not an example, which sets a prompt). */
async function openWith(page: Page, prompt: string, word: string): Promise<Snapshot> {
  const q = new URLSearchParams({ ep: 'wasm', prompt, word, steps: '2', maskReuseStep: '1' });
  await openApp(page, q.toString());
  await page.getByLabel('Reference image file').setInputFiles(fixture('good.png'));
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  return snapshot(page);
}

async function fixPromptAndRun(page: Page, before: Snapshot): Promise<void> {
  await page.getByLabel('Prompt').fill('a red star on grass');
  await page.getByTestId('word-chips').getByRole('button', { name: 'star', exact: true }).click();
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: 1 });
}

test('an empty prompt holds Generate back with a reason', async ({ page }) => {
  const before = await openWith(page, '', '');
  await expect(generateButton(page)).toBeDisabled();
  await expect(page.getByText('Type a prompt first.')).toBeVisible();
  await fixPromptAndRun(page, before);
});

test('a target word that is not in the prompt: asked to pick one', async ({ page }) => {
  const before = await openWith(page, 'a red ball on grass', 'star');
  await expect(page.getByTestId('target-word')).not.toContainText('star');
  await expect(generateButton(page)).toBeDisabled();
  await expect(page.getByText('Pick the word to customize.')).toBeVisible();
  await fixPromptAndRun(page, before);
});

test('a target word unknown to the pack is refused; an unknown other word only warned about', async ({ page }) => {
  const before = await openWith(page, 'a red zebra on mars', 'zebra');
  await expect(messages(page)).toContainText('‘zebra’ is unknown to this pack. The target must be a word it knows');
  await expect(messages(page)).toContainText('‘mars’ is unknown to this pack. It is read as an unknown token');
  await fixPromptAndRun(page, before);
});

test('a phrase split over several tokens says so and runs', async ({ page }) => {
  const before = await openWith(page, 'a red star on grass', 'red star');
  await expect(messages(page)).toContainText('The target covers 2 tokens (red, star)');
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: 1 });
});

test('a prompt longer than the encoder takes says which words are cut, and runs', async ({ page }) => {
  const long = 'a red star on the grass and a blue ball in the water by a green box on the sand and a pink heart';
  const before = await openWith(page, long, 'star');
  await expect(messages(page)).toContainText(/The prompt is longer than \d+ words; ignored: .*pink heart\./);
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: 1 });
});

test('unicode and emoji are read as unknown tokens, not errors', async ({ page }) => {
  const before = await openWith(page, 'a red ⭐ star on grüne 🌿 grass', 'star');
  await expect(messages(page)).toContainText('‘⭐’ is unknown to this pack');
  await expect(messages(page)).toContainText('‘🌿’ is unknown to this pack');
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: 1 });
});
