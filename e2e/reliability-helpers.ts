/**
 * Shared steps of the reliability specs: the generated image fixtures, one full job through
 * the page's own controls, and a snapshot of what must survive every failure (settings,
 * gallery) to compare before and after.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { TEST_PACK, waitForPack } from './helpers';

/** Reference images made by e2e/fixtures/make-images.py, outside the repo (nothing binary committed). */
export function imageFixtures(): (name: string) => string {
  const dir = join(tmpdir(), 'realcustom-e2e-images');
  if (!existsSync(join(dir, 'good.png'))) execFileSync('/usr/bin/python3', ['e2e/fixtures/make-images.py', dir]);
  return (name) => join(dir, name);
}

export async function openApp(page: Page, query = 'ep=wasm'): Promise<void> {
  await page.goto(`/?${query}&pack=${TEST_PACK}`);
  await waitForPack(page);
}

/** The gallery's entry count, read from IndexedDB without creating the database. */
export async function galleryCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    if (!dbs.some((d) => d.name === 'realcustom-gallery')) return 0;
    return new Promise<number>((resolve, reject) => {
      const open = indexedDB.open('realcustom-gallery');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('results')) return resolve(0);
        const count = db.transaction('results').objectStore('results').count();
        count.onsuccess = () => {
          resolve(count.result);
          db.close();
        };
      };
    });
  });
}

export interface Snapshot {
  settings: string;
  storage: string;
  gallery: number;
}

/** What a failure must not touch: the parameters shown, localStorage, the gallery. */
export async function snapshot(page: Page): Promise<Snapshot> {
  return {
    settings: await page
      .getByTestId('params-area')
      .evaluate((area) =>
        JSON.stringify([...area.querySelectorAll('input, select')].map((e) => (e as HTMLInputElement).value)),
      ),
    storage: await page.evaluate(() => JSON.stringify({ ...localStorage })),
    gallery: await galleryCount(page),
  };
}

/** `params: false` where no pack was loaded before (its defaults are the parameters). */
export async function expectIntact(
  page: Page,
  before: Snapshot,
  { newEntries = 0, params = true }: { newEntries?: number; params?: boolean } = {},
): Promise<void> {
  const after = await snapshot(page);
  if (params) expect(after.settings, 'parameters unchanged').toBe(before.settings);
  expect(after.storage, 'local settings unchanged').toBe(before.storage);
  expect(after.gallery, 'gallery entries kept').toBe(before.gallery + newEntries);
}

/** Loads the pack's first example (reference, prompt and word in one click). */
export async function useFirstExample(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: /^Example:/ })
    .first()
    .click();
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
}

export function generateButton(page: Page) {
  return page.getByRole('button', { name: 'Generate', exact: true });
}

/** Presses Generate and waits for the job's end; returns how it ended. */
export async function generateOnce(page: Page, timeout = 120_000): Promise<string | null> {
  await generateButton(page).click();
  const progress = page.getByTestId('job-progress');
  await expect(progress).toHaveAttribute('data-status', /^(done|error|cancelled)$/, { timeout });
  return progress.getAttribute('data-status');
}

/** The worker accepts the next job: a full run ends `done`. */
export async function expectNextJobRuns(page: Page): Promise<void> {
  if ((await page.getByTestId('reference-area').getAttribute('data-status')) !== 'ready') await useFirstExample(page);
  const kept = await galleryCount(page);
  expect(await generateOnce(page)).toBe('done');
  // The result is kept after `done` (PNGs made, then one transaction): wait for it.
  await expect.poll(() => galleryCount(page), { timeout: 30_000 }).toBe(kept + 1);
}
