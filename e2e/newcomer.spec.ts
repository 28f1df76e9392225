/**
 * What a newcomer hits (issue 13): each test here failed before its fix. Most share the page
 * on WASM with the test pack (`appPage`, e2e/fixtures.ts: loading the pack is the slow part);
 * the pack-error tests open their own.
 */
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { readPngText } from '../src/lib/png-text';
import { expect, setTestTimeout, test } from './fixtures';
import { STAR_REFERENCE, setNumber } from './features-helpers';
import { TEST_PACK } from './helpers';

/** Words the test pack's tokenizer keeps (maxLength less bos and eos), read from the pack. */
const MAX_WORDS =
  (JSON.parse(readFileSync(`public/models/${TEST_PACK}/pack.json`, 'utf8')) as { tokenizer: { maxLength: number } })
    .tokenizer.maxLength - 2;

const referenceArea = (p: Page) => p.getByTestId('reference-area');

/** The star reference, unless one is loaded (each test can run alone). */
async function ensureReference(page: Page): Promise<void> {
  if ((await referenceArea(page).getAttribute('data-status')) === 'ready') return;
  await page.getByLabel('Reference image file').setInputFiles(STAR_REFERENCE);
  await expect(referenceArea(page)).toHaveAttribute('data-status', 'ready');
}
const generateButton = (p: Page) => p.getByRole('button', { name: 'Generate', exact: true });

test('a refused upload keeps the reference already loaded', async ({ appPage: page }) => {
  await page.getByLabel('Reference image file').setInputFiles(STAR_REFERENCE);
  await expect(page.getByTestId('reference-name')).toContainText('ref-star-0.png');
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a red star on grass');
  await page.getByTestId('word-chips').getByRole('button', { name: 'star', exact: true }).click();
  await expect(generateButton(page)).toBeEnabled();

  for (const bad of [
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
    { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
  ]) {
    await page.getByLabel('Reference image file').setInputFiles(bad);
    await expect(page.locator('.reference-message--error')).toContainText(bad.name);
    // The good reference is still there, shown and used.
    await expect(referenceArea(page)).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('reference-name')).toContainText('ref-star-0.png');
    await expect(page.getByRole('img', { name: 'The reference image' })).toBeVisible();
    await expect(generateButton(page)).toBeEnabled();
  }
  // The next accepted file clears the refusal.
  await page.getByLabel('Reference image file').setInputFiles(STAR_REFERENCE);
  await expect(page.locator('.reference-message--error')).toHaveCount(0);
});

test('after Compare the result bar describes the result it shows', async ({ appPage: page }) => {
  setTestTimeout(420_000);
  // The form says realcustom (the pack's default mode).
  await ensureReference(page);
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a red star on grass');
  await page.getByTestId('word-chips').getByRole('button', { name: 'star', exact: true }).click();
  await setNumber(page, 'Steps', 2);
  await expect(page.getByLabel('Mode', { exact: true })).toHaveValue('realcustom');
  await page.getByRole('button', { name: 'Compare modes' }).click();
  await expect(page.getByTestId('compare-grid')).toHaveAttribute('data-status', 'done', { timeout: 360_000 });
  await expect(page.getByTestId('result-mode')).toContainText('realcustom');
  await expect(page.getByRole('button', { name: 'Download masks', exact: true })).toBeEnabled();
  await page.getByRole('button', { name: 'Share link' }).click();
  expect(new URL(await page.getByTestId('share-link').inputValue()).searchParams.get('mode')).toBe('realcustom');
});

test('the clicked copy of a word is the target, in the mask, the PNG and the share link', async ({ appPage: page }) => {
  setTestTimeout(300_000);
  const prompt = page.getByRole('textbox', { name: 'Prompt', exact: true });
  const chips = page.getByTestId('word-chips');
  const messages = page.getByTestId('prompt-messages');
  await ensureReference(page);
  await prompt.fill('a red star and a blue star on grass');
  await chips.getByRole('button', { name: 'star', exact: true }).nth(1).click();
  await expect(chips.getByRole('button', { name: 'star', exact: true }).nth(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(chips.getByRole('button', { name: 'star', exact: true }).nth(0)).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await expect(chips.getByRole('button', { name: 'star', exact: true }).nth(1)).toHaveClass(/chip--known/);
  await expect(messages).not.toContainText('covers');
  await setNumber(page, 'Steps', 2);
  await page.getByLabel('Mode', { exact: true }).selectOption('realcustom');
  await generateButton(page).click();
  await expect(page.getByTestId('job-progress')).toHaveAttribute('data-status', 'done', { timeout: 150_000 });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download PNG', exact: true }).click(),
  ]);
  const saved = JSON.parse(readPngText(new Uint8Array(readFileSync(await download.path()))).parameters ?? '{}') as {
    targetWord: string;
    targetIndex?: number;
  };
  expect(saved).toMatchObject({ targetWord: 'star', targetIndex: 6 });
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(new URL(link).searchParams.get('at')).toBe('6');

  // A copy past the word limit cannot be chosen (it folds into the "+1 word past the limit"
  // chip), so it is never swapped for an earlier copy: the only star chip is the first one.
  const long = Array.from({ length: MAX_WORDS }, (_, i) => (i === 1 ? 'star' : 'a')).join(' ') + ' star';
  await prompt.fill(long);
  await expect(chips).toContainText('+1 word past the limit');
  await expect(chips.getByRole('button', { name: 'star', exact: true })).toHaveCount(1);
  await chips.getByRole('button', { name: 'star', exact: true }).click();
  await expect(chips.getByRole('button', { name: 'star', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(messages).not.toContainText('past the');

  // The link restores the second star.
  await page.goto(link);
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(prompt).toHaveValue('a red star and a blue star on grass');
  await expect(chips.getByRole('button', { name: 'star', exact: true }).nth(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(chips.getByRole('button', { name: 'star', exact: true }).nth(0)).toHaveAttribute(
    'aria-pressed',
    'false',
  );
});

/** A PNG of `width`×`height`, drawn in the page (nothing binary committed). */
async function pngOf(page: Page, width: number, height: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([w, h]) => {
      const canvas = new OffscreenCanvas(w!, h!);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#3a6';
      ctx.fillRect(0, 0, w!, h!);
      ctx.fillStyle = '#c33';
      ctx.fillRect(0, 0, w! / 2, h! / 2);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    },
    [width, height],
  );
  return Buffer.from(base64, 'base64');
}

test('tall and thin references keep the page usable, and a sliver is refused with the reason', async ({
  appPage: page,
}) => {
  const testInfo = test.info();
  const input = page.getByLabel('Reference image file');
  await input.setInputFiles({ name: 'tall.png', mimeType: 'image/png', buffer: await pngOf(page, 300, 1200) });
  await expect(page.getByTestId('reference-name')).toContainText('Scaled down from 300×1200');
  const tall = await page.getByTestId('crop-image').boundingBox();
  expect(tall!.height, 'crop view height is bounded').toBeLessThanOrEqual(400);
  await page.screenshot({ path: testInfo.outputPath('tall.png'), fullPage: true });

  for (const [w, h] of [
    [20, 20000],
    [20000, 20],
  ] as const) {
    await input.setInputFiles({ name: `sliver-${w}x${h}.png`, mimeType: 'image/png', buffer: await pngOf(page, w, h) });
    await expect(page.locator('.reference-message--error')).toContainText(
      `sliver-${w}x${h}.png: This image is ${w}×${h}, too long and thin`,
    );
    await expect(page.getByTestId('reference-name')).toContainText('tall.png');
  }
  await page.screenshot({ path: testInfo.outputPath('sliver-refused.png'), fullPage: true });

  // A wide image that is accepted still shows a visible crop view.
  await input.setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: await pngOf(page, 2000, 40) });
  await expect(page.getByTestId('reference-name')).toContainText('wide.png');
  const wide = await page.getByTestId('crop-image').boundingBox();
  expect(wide!.height).toBeGreaterThanOrEqual(20);
  // The prompt stays within a screen or two of the top (it was ~200,000 px down).
  const promptBox = await page.getByRole('textbox', { name: 'Prompt', exact: true }).boundingBox();
  expect(promptBox!.y).toBeLessThan(1600);
});

test('the pack card says what the pack knows; an unknown target lists its words and blocks Generate', async ({
  appPage: page,
}) => {
  const manifest = JSON.parse(readFileSync(`public/models/${TEST_PACK}/pack.json`, 'utf8')) as {
    image: { size?: number; width?: number };
    tokenizer: { vocab: string[] };
  };
  const words = manifest.tokenizer.vocab.filter((w) => !w.startsWith('<'));
  const card = page.getByTestId('pack-card');
  await expect(card).toBeVisible();
  await expect(card).toContainText(`Its ${words.length} words: ${words.join(', ')}`);
  await expect(card).toContainText(/Makes \d+×\d+ images/);
  await expect(card).toContainText('It will not teach the pack new subjects or words');

  await ensureReference(page);
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a purple star on grass');
  await page.getByTestId('word-chips').getByRole('button', { name: 'purple', exact: true }).click();
  const messages = page.getByTestId('prompt-messages');
  await expect(messages).toContainText('‘purple’ is unknown to this pack');
  await expect(messages).toContainText(`This pack knows: ${words.join(', ')}.`);
  await expect(generateButton(page)).toBeDisabled();
  await page.getByTestId('word-chips').getByRole('button', { name: 'star', exact: true }).click();
  await expect(generateButton(page)).toBeEnabled();
  await page.screenshot({ path: test.info().outputPath('pack-card.png'), fullPage: true });
});

test('the progress line uses words, not phase names, and its idle line follows the pack', async ({
  appPage: page,
  browser,
}) => {
  setTestTimeout(300_000);
  const label = page.locator('.job-progress__label');
  // No job yet on this page: the test before reopened it from its share link.
  await expect(label).toHaveText('Ready');
  await ensureReference(page);
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a red star on grass');
  await page.getByTestId('word-chips').getByRole('button', { name: 'star', exact: true }).click();
  await setNumber(page, 'Steps', 2);
  await label.evaluate((el) => {
    const seen: string[] = [];
    (window as unknown as { seenLabels: string[] }).seenLabels = seen;
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await generateButton(page).click();
  await expect(page.getByTestId('job-progress')).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  const seen = await page.evaluate(() => (window as unknown as { seenLabels: string[] }).seenLabels);
  expect(seen.length).toBeGreaterThan(0);
  for (const text of seen) expect(text).not.toMatch(/encoding-|· preparing$|starting/);

  // A refused pack: the idle line does not promise readiness.
  const other = await browser.newPage();
  await other.route(`**/models/${TEST_PACK}/pack.json`, (route) => route.fulfill({ status: 404, body: 'nope' }));
  await other.goto(`/?ep=wasm&pack=${TEST_PACK}`);
  await expect(other.getByTestId('pack-status')).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  await expect(other.locator('.job-progress__label')).toHaveText(/No model pack loaded/);
  await other.close();
});

/** A valid-looking PNG whose header declares `width`×`height` (a few bytes of data). */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a PNG declaring 60000×60000 is called too large, not damaged', async ({ appPage: page }) => {
  await ensureReference(page);
  await page
    .getByLabel('Reference image file')
    .setInputFiles({ name: 'giant.png', mimeType: 'image/png', buffer: pngDeclaring(60000, 60000) });
  const refusal = page.locator('.reference-message--error');
  await expect(refusal).toContainText('giant.png: This image is 60000×60000 pixels, too large');
  await expect(refusal).not.toContainText('damaged');
  await expect(referenceArea(page)).toHaveAttribute('data-status', 'ready');
});

test('a refused pack is named, and “Back to the default pack” loads the embedded one', async ({ page }) => {
  test.setTimeout(300_000);
  const defaultPack = (JSON.parse(readFileSync('public/models/toyworld/pack.json', 'utf8')) as { name: string }).name;
  await page.route(`**/models/${TEST_PACK}/pack.json`, (route) => route.fulfill({ status: 404, body: 'nope' }));
  await page.goto(`/?ep=wasm&pack=${TEST_PACK}`);
  const banner = page.getByTestId('status-banner');
  await expect(banner).toContainText(`The model pack ‘${TEST_PACK}’ was refused`, { timeout: 120_000 });
  await banner.getByRole('button', { name: 'Back to the default pack' }).click();
  const status = page.getByTestId('pack-status');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  await expect(status).toContainText(defaultPack);
  await expect(banner).toBeHidden();
  // The address no longer names the refused pack (a reload keeps the default); the rest stays.
  const address = new URL(page.url());
  expect(address.searchParams.has('pack')).toBe(false);
  expect(address.searchParams.get('ep')).toBe('wasm');
});

test('an http: pack URL is refused by name, blaming the Content-Security-Policy, not CORS', async ({ page }) => {
  const url = 'http://packs.example.com/toy/';
  await page.goto(`/?ep=wasm&pack=${encodeURIComponent(url)}`);
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  const banner = page.getByTestId('status-banner');
  await expect(banner).toContainText(`The model pack at ${url} was refused`);
  await expect(banner).toContainText('Content-Security-Policy');
  await expect(banner).toContainText('https://packs.example.com/toy/');
  await expect(banner).not.toContainText('CORS');
  await expect(banner.getByRole('button', { name: 'Back to the default pack' })).toBeVisible();
});
