/**
 * An interrupted download resumes: the first download of a graph is cut mid-body (the server
 * sends half of it, as a dropped connection leaves it), the half is kept in OPFS, the next
 * visit asks only for the rest with `Range: bytes=N-` (Vite's preview server answers 206), the
 * pack loads and makes an image, and a third visit downloads no graph at all. WASM: the GPU is
 * not the point.
 */
import type { Page, Request } from '@playwright/test';
import { expect, test } from './fixtures';
import { clearPackStore, storedSize, TEST_PACK, testPackGraphs, waitForPack } from './helpers';
import { expectNextJobRuns } from './reliability-helpers';

const APP = `/?ep=wasm&pack=${TEST_PACK}`;
const victim = testPackGraphs().find((g) => g.file === 'unet.onnx') ?? testPackGraphs()[0]!;

interface GraphRequest {
  file: string;
  range: string | null;
  status: number | null;
}

/** The graph (.onnx) requests from now on, with their Range header and the answer's status. */
function recordGraphRequests(page: Page): GraphRequest[] {
  const seen: GraphRequest[] = [];
  const byRequest = new Map<Request, GraphRequest>();
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.endsWith('.onnx')) return;
    const entry = { file: path.split('/').pop()!, range: r.headers()['range'] ?? null, status: null };
    byRequest.set(r, entry);
    seen.push(entry);
  });
  page.on('response', (res) => {
    const entry = byRequest.get(res.request());
    if (entry) entry.status = res.status();
  });
  return seen;
}

test('an interrupted download resumes with a Range request and is never downloaded again', async ({ page }) => {
  test.setTimeout(420_000); // three pack loads and a job on a machine shared with training
  await page.goto(`/models/${TEST_PACK}/pack.json`); // the origin, with no worker running
  await clearPackStore(page);

  // First visit: the graph's body stops halfway.
  const half = Math.floor(victim.bytes / 2);
  await page.route(`**/models/${TEST_PACK}/${victim.file}`, async (route) => {
    const response = await route.fetch();
    const body = (await response.body()).subarray(0, half);
    await route.fulfill({ status: 200, body, headers: { 'content-type': 'application/octet-stream' } });
  });
  await page.goto(APP);
  await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  await expect(page.getByTestId('status-banner')).toContainText(new RegExp(`${victim.file}.*truncated`));
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  expect(await storedSize(page, `${victim.sha256}.part`), 'what arrived is kept').toBe(half);

  // Second visit: only the rest is asked for, and the server sends only the rest.
  const second = recordGraphRequests(page);
  await page.reload();
  await waitForPack(page);
  const resumed = second.filter((r) => r.file === victim.file);
  expect(resumed).toHaveLength(1);
  expect(resumed[0]!.range).toBe(`bytes=${half}-`);
  expect(resumed[0]!.status).toBe(206);
  expect(second.filter((r) => r.file !== victim.file).every((r) => r.range === null)).toBe(true);
  expect(await storedSize(page, victim.sha256), 'verified and complete').toBe(victim.bytes);
  expect(await storedSize(page, `${victim.sha256}.part`)).toBeNull();
  await expectNextJobRuns(page);

  // Third visit: every graph from the store.
  const third = recordGraphRequests(page);
  await page.reload();
  await waitForPack(page);
  expect(third, 'no graph downloaded again').toEqual([]);
});
