/**
 * Prompts a person may type: each gets its message next to the prompt box, Generate runs or
 * is held back for a stated reason, and the worker then accepts a good job (WASM).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { setNumber } from './features-helpers';
import { expectIntact, expectNextJobRuns, generateButton, snapshot, useFirstExample } from './reliability-helpers';

// On the shared WASM page (`appPage`, e2e/fixtures.ts: loading the pack is the slow part),
// set up once for the file: the first example, two steps; `gallery` counts the entries kept.
test.describe.configure({ mode: 'serial' });
let page: Page;
let gallery: number | null = null;
test.beforeEach(async ({ appPage }) => {
  page = appPage;
  if (gallery !== null) return;
  await useFirstExample(page);
  await setNumber(page, 'Steps', 2);
  await setNumber(page, 'Mask reuse', 1);
  gallery = (await snapshot(page)).gallery;
});

const messages = () => page.getByTestId('prompt-messages');
const promptBox = () => page.getByRole('textbox', { name: 'Prompt' });
const chip = (word: string) => page.getByTestId('word-chips').getByRole('button', { name: word, exact: true });

async function type(prompt: string, target?: string): Promise<void> {
  await promptBox().fill(prompt);
  if (target) await chip(target).click();
}

/** The fixed-up prompt runs, and nothing the person had is lost. */
async function runsAfterwards(fix?: () => Promise<void>): Promise<void> {
  const before = await snapshot(page);
  if (fix) await fix();
  await expectNextJobRuns(page);
  gallery = (gallery ?? before.gallery) + 1;
  await expectIntact(page, { ...before, gallery: gallery - 1 }, { newEntries: 1 });
}

test('an empty prompt holds Generate back with a reason', async () => {
  await type('');
  await expect(generateButton(page)).toBeDisabled();
  await expect(page.getByTestId('generate-blocked')).toHaveText('Type a prompt first.');
  await runsAfterwards(() => type('a red star on grass', 'star'));
});

test('a target word that is not in the prompt: asked to pick one', async () => {
  await type('a red star on grass', 'star');
  await type('a red ball on grass'); // the chosen word is gone
  await expect(generateButton(page)).toBeDisabled();
  await expect(page.getByTestId('generate-blocked')).toHaveText('Pick the word to customize.');
  await runsAfterwards(() => chip('ball').click());
});

test('a target word unknown to the pack is refused; an unknown other word only warned about', async () => {
  await type('a red zebra on mars', 'zebra');
  await expect(messages()).toContainText('‘zebra’ is unknown to this pack. The target must be a word it knows');
  await expect(messages()).toContainText('‘mars’ is unknown to this pack. It is read as an unknown token');
  await runsAfterwards(() => type('a red star on mars', 'star'));
});

test('a phrase split over several tokens says so and runs', async () => {
  await type('a red star on grass', 'star');
  await chip('red').click({ modifiers: ['Shift'] });
  await expect(messages()).toContainText('The target covers 2 tokens (red, star)');
  await runsAfterwards();
});

test('a prompt longer than the encoder takes says which words are cut, and runs', async () => {
  await type(
    'a red star on the grass and a blue ball in the water by a green box on the sand and a pink heart',
    'star',
  );
  await expect(messages()).toContainText(/The prompt is longer than \d+ words; ignored: .*pink heart\./);
  await runsAfterwards();
});

test('unicode and emoji: the skipped characters are named, and it runs', async () => {
  await type('a red ⭐ star on grüne 🌿 grass', 'star');
  await expect(messages()).toContainText('This pack reads only the letters a–z and digits: ‘⭐’ ‘ü’ ‘🌿’ are skipped');
  await expect(messages()).toContainText('‘gr’ is unknown to this pack');
  await runsAfterwards();
});
