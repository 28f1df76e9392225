/**
 * How people really use it: Generate hammered, Cancel at every moment of a job, the backend
 * switched mid-job, the tab closed while a result is being kept, two tabs at once. The worker
 * always takes the next job; the gallery never holds half an entry (WASM: the GPU is not the
 * point). Most run on the shared WASM page (`appPage`, e2e/fixtures.ts, with ?testHooks);
 * closing a tab opens its own.
 */
import type { Page } from '@playwright/test';
import type { TestHooks } from '../src/engine/test-hooks';
import { expect, test } from './fixtures';
import { setNumber } from './features-helpers';
import {
  expectIntact,
  expectNextJobRuns,
  galleryCount,
  openApp,
  snapshot,
  useFirstExample,
} from './reliability-helpers';

const progress = (page: Page) => page.getByTestId('job-progress');

function liveTensors(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const stats = await (window as unknown as { __realcustomTest: TestHooks }).__realcustomTest.stats();
    return stats?.liveTensors ?? -1;
  });
}

test('Generate pressed ten times quickly: one result, no error, nothing leaked', async ({ appPage: page }) => {
  await useFirstExample(page);
  await expectNextJobRuns(page); // one ordinary job first: its tensor count is the baseline
  const tensors = await liveTensors(page);
  const before = await snapshot(page);
  // Ten clicks in one task, faster than any person: each replaces the one before.
  await page.evaluate(() => {
    const go = document.querySelector<HTMLButtonElement>('.generate-bar__go')!;
    for (let i = 0; i < 10; i++) go.click();
  });
  await expect(progress(page)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('status-banner')).toBeHidden();
  await expect(page.getByTestId('gallery-area')).toHaveAttribute('data-count', String(before.gallery + 1));
  await expectIntact(page, before, { newEntries: 1 });
  expect(await liveTensors(page), 'tensors alive after the storm').toBe(tensors);
});

/**
 * Arms a click on Cancel, from inside the page, the moment the job first shows `when` in its
 * progress label (or, for `null`, the moment Cancel becomes clickable: the job's first instant).
 */
async function cancelWhen(page: Page, when: string | null): Promise<void> {
  await page.evaluate((source) => {
    const cancel = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!;
    const pattern = source === null ? null : new RegExp(source);
    const observer = new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="job-progress"]');
      if (cancel.disabled || (pattern && !pattern.test(bar?.textContent ?? ''))) return;
      observer.disconnect();
      cancel.click();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, when);
}

test('Cancel in every phase is answered, and the next job runs', async ({ appPage: page }) => {
  await useFirstExample(page);
  await setNumber(page, 'Steps', 6);
  await setNumber(page, 'Mask reuse', 0);
  const before = await snapshot(page);
  let finished = 0; // jobs that reached `done` anyway (the decode race below)
  for (const [phase, label, ends] of [
    ['loading', null, /^cancelled$/],
    ['encoding', 'Reading the', /^(cancelled)$/],
    ['stepping', 'Step 2 of 6', /^cancelled$/],
    // The last step's event comes just before the final decode: either answer is right.
    ['decoding', 'Step 6 of 6', /^(cancelled|done)$/],
  ] as const) {
    await cancelWhen(page, label);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect(progress(page), `cancel while ${phase}`).toHaveAttribute('data-status', ends, { timeout: 60_000 });
    const shown = (await progress(page).textContent()) ?? '';
    expect(shown, `cancel while ${phase}`).toMatch(/Cancelled at step \d|Done in/);
    if ((await progress(page).getAttribute('data-status')) === 'done') finished++;
  }
  // Only a job that reached `done` is kept; its save lands after `done`, so wait for it.
  await expect.poll(() => galleryCount(page), { timeout: 30_000 }).toBe(before.gallery + finished);
  const kept = finished;
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: kept + 1 });
});

test('the backend switched in the middle of a job: the job ends, Generate waits for the new worker, the next job runs', async ({
  appPage: page,
}) => {
  await useFirstExample(page);
  await setNumber(page, 'Steps', 12);
  await setNumber(page, 'Mask reuse', 0);
  const before = await snapshot(page);
  // At step 2, choose Auto (a new worker; on SwiftShader Auto runs WASM) and, in the same task,
  // press Generate: the old worker is still being disposed, so that press must wait for the
  // pack, not call a worker that is gone (an uncaught error fails the test, e2e/fixtures.ts).
  await page.evaluate(() => {
    const radios = [...document.querySelectorAll<HTMLButtonElement>('[role="radio"]')];
    const auto = radios.find((b) => b.textContent?.trim() === 'Auto')!;
    const go = document.querySelector<HTMLButtonElement>('.generate-bar__go')!;
    const observer = new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="job-progress"]');
      if (!/Step 2 of 12/.test(bar?.textContent ?? '')) return;
      observer.disconnect();
      auto.click();
      go.click();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(progress(page)).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-ep', 'wasm', { timeout: 120_000 });
  await expect(page.getByRole('radio', { name: 'Auto' })).toHaveAttribute('aria-checked', 'true');
  await expectNextJobRuns(page);
  await expectIntact(page, before, { newEntries: 1 });
  // back to the shared page's WASM choice
  await page.getByRole('radio', { name: 'WASM' }).click();
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
});

test('closing the tab while a result is kept leaves a readable gallery with no half entry', async ({ context }) => {
  const first = await context.newPage();
  await openApp(first, 'ep=wasm');
  await useFirstExample(first);
  const before = await galleryCount(first);
  await first.getByRole('button', { name: 'Generate', exact: true }).click();
  // Close the moment the job is done: the PNGs are being made and the entry written.
  await first.waitForFunction(
    () => document.querySelector('[data-testid="job-progress"]')?.getAttribute('data-status') === 'done',
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  await first.close();

  const second = await context.newPage();
  await openApp(second, 'ep=wasm');
  const after = await galleryCount(second);
  expect(after - before).toBeGreaterThanOrEqual(0);
  expect(after - before).toBeLessThanOrEqual(1);
  await expect(second.getByTestId('gallery-area')).toHaveAttribute('data-count', String(after));
  // Every entry is whole: an image with bytes, a prompt, parameters.
  const broken = await second.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('realcustom-gallery');
        open.onsuccess = () => {
          const all = open.result.transaction('results').objectStore('results').getAll();
          all.onsuccess = () =>
            resolve(
              (all.result as { image?: { bytes?: ArrayBuffer }; prompt?: string; params?: object }[]).filter(
                (e) => !e.image?.bytes?.byteLength || typeof e.prompt !== 'string' || !e.params,
              ).length,
            );
        };
      }),
  );
  expect(broken).toBe(0);
  await useFirstExample(second);
  await expectNextJobRuns(second);
});

test('two tabs at once: each runs its own jobs, both see one gallery', async ({ appPage: a }) => {
  const b = await a.context().newPage(); // guarded with the shared page (e2e/fixtures.ts)
  await openApp(b, 'ep=wasm');
  const start = await galleryCount(a);
  await useFirstExample(a);
  await useFirstExample(b);
  // Both generate at the same time.
  await Promise.all([
    a.getByRole('button', { name: 'Generate', exact: true }).click(),
    b.getByRole('button', { name: 'Generate', exact: true }).click(),
  ]);
  await expect(progress(a)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(progress(b)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect.poll(() => galleryCount(a)).toBe(start + 2);
  await b.reload();
  await expect(b.getByTestId('gallery-area')).toHaveAttribute('data-count', String(start + 2), { timeout: 60_000 });
  await expect(b.getByTestId('status-banner')).toBeHidden();
  await expectNextJobRuns(a);
  await b.close();
});
