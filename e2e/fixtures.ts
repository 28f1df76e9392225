import { test as base, expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import { TEST_PACK } from './helpers';

/** Records uncaught page errors and CSP violations (in the page or its workers) into `problems`. */
export function watchPageProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /content security policy/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
}

/**
 * The address `appPage` opens unless a spec says otherwise (`test.use({ appUrl })`): the test
 * pack on WASM, with the test hooks (src/engine/test-hooks.ts: exposed, they change nothing
 * until a test calls one), so the specs that call them share this page too.
 */
export const APP_URL = `/?ep=wasm&pack=${TEST_PACK}&testHooks`;
/** The same on WebGPU (SwiftShader here): `test.use({ appUrl: WEBGPU_APP_URL })`. */
export const WEBGPU_APP_URL = `/?ep=webgpu&pack=${TEST_PACK}&testHooks`;

/**
 * The page is at `wanted`: the same origin and path, and each query parameter of `wanted` with
 * the same value (`?a` and `?a=` are one flag; a share link's settings on top are fine).
 */
function isAt(page: Page, wanted: string): boolean {
  const here = new URL(page.url());
  const there = new URL(wanted, here.origin === 'null' ? 'http://invalid' : here.origin);
  return (
    here.origin === there.origin &&
    here.pathname === there.pathname &&
    [...there.searchParams].every(([key, value]) => here.searchParams.get(key) === value)
  );
}

interface Shared {
  page: Page;
  /** Problems of every page in the shared page's context (a test may open a second tab). */
  problems: string[];
}

/**
 * How many app pages stay open at once (each holds a worker with onnxruntime and its sessions):
 * the test pack on WASM, on WebGPU, and one more address a spec asks for.
 */
const KEEP_OPEN = 3;

/**
 * Pages kept open across tests, and across spec files, in one Playwright worker: loading a
 * pack (onnxruntime's runtime, then a session per graph; on SwiftShader the WebGPU shaders
 * too) is the slow part of nearly every test. Two kinds:
 *
 * - `app(url)`: the app open at `url` with its pack loaded, shared by every test that asks
 *   for the same address. It is reused while it is still at that address (a share link of it
 *   included); a test that took it elsewhere (another pack or EP) makes the next one open it
 *   again. Tests change what they need (reference, prompt, parameters) and count gallery
 *   entries from what is there when they start.
 * - `blank(file)`: one page per spec file that opens nothing; its tests navigate it.
 *
 * A failing test restarts the worker, so the next test gets fresh pages; each test must
 * therefore set up what it needs. The least recently used app page is closed past KEEP_OPEN,
 * a blank page as soon as another is asked for.
 */
class SharedPages {
  private readonly open = new Map<string, Shared>();

  constructor(private readonly browser: Browser) {}

  async blank(file: string): Promise<Shared> {
    return this.get(`blank:${file}`);
  }

  async app(url: string): Promise<Shared> {
    const key = `app:${url}`;
    const shared = await this.get(key);
    const { page } = shared;
    if (!isAt(page, url)) await page.goto(url);
    // The page's own signal, with room for a loaded machine (sessions took over 2 min at load 20).
    await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
    return shared;
  }

  private async get(key: string): Promise<Shared> {
    // A blank page belongs to one spec file's tests: closed once anything else is asked for.
    for (const [other, shared] of this.open)
      if (other !== key && other.startsWith('blank:')) await this.drop(other, shared);
    const found = this.open.get(key);
    if (found && !found.page.isClosed()) {
      this.open.delete(key); // re-inserted below: the map's order is the order of use
      this.open.set(key, found);
      return found;
    }
    // Its own context (not browser.newPage()), so a test can open a second tab beside it.
    const context = await this.browser.newContext();
    const problems: string[] = [];
    context.on('page', (page) => watchPageProblems(page, problems));
    const shared = { page: await context.newPage(), problems };
    this.open.set(key, shared);
    const apps = [...this.open].filter(([k]) => k.startsWith('app:'));
    for (const [oldKey, old] of apps.slice(0, Math.max(0, apps.length - KEEP_OPEN))) await this.drop(oldKey, old);
    return shared;
  }

  private async drop(key: string, shared: Shared): Promise<void> {
    this.open.delete(key);
    await shared.page.context().close();
  }

  async close(): Promise<void> {
    for (const shared of this.open.values()) await shared.page.context().close();
    this.open.clear();
  }
}

/** How long each running test's shared page took to open (a pack load, or nothing). */
const openingMs = new WeakMap<TestInfo, number>();

/**
 * The running test's timeout: `ms` on top of the time its shared page took to open, which
 * `test.setTimeout(ms)` alone would take from the test's own steps.
 */
export function setTestTimeout(ms: number): void {
  const testInfo = base.info();
  testInfo.setTimeout(ms + (openingMs.get(testInfo) ?? 0));
}

/** Hands a shared page to a test, then fails the test on any problem its pages recorded meanwhile. */
async function lend(shared: Shared, use: (page: Page) => Promise<void>): Promise<void> {
  await use(shared.page);
  expect(shared.problems.splice(0), 'page errors and CSP violations').toEqual([]);
}

/**
 * `test` with a guard on every page: an uncaught error or a Content-Security-Policy
 * violation (in the page or its workers) fails the test even when the UI looks right.
 *
 * - `page`, `context`: Playwright's own, fresh per test; every page of the context is guarded.
 * - `appPage`: the shared page with the app open at `appUrl` and its pack loaded (SharedPages).
 * - `filePage`: the spec file's shared page that opens nothing (its tests navigate it).
 */
export const test = base.extend<{ appUrl: string; appPage: Page; filePage: Page }, { sharedPages: SharedPages }>({
  context: async ({ context }, use) => {
    const problems: string[] = [];
    context.on('page', (page) => watchPageProblems(page, problems));
    await use(context);
    expect(problems, 'page errors and CSP violations').toEqual([]);
  },
  appUrl: [APP_URL, { option: true }],
  sharedPages: [
    async ({ browser }, use) => {
      const pages = new SharedPages(browser);
      await use(pages);
      await pages.close();
    },
    { scope: 'worker' },
  ],
  appPage: async ({ sharedPages, appUrl }, use, testInfo) => {
    const started = Date.now();
    const timeout = testInfo.timeout;
    testInfo.setTimeout(timeout + 300_000); // opening the page may load the pack first
    const shared = await sharedPages.app(appUrl);
    openingMs.set(testInfo, Date.now() - started);
    testInfo.setTimeout(timeout + (Date.now() - started));
    await lend(shared, use);
  },
  filePage: async ({ sharedPages }, use, testInfo) => {
    await lend(await sharedPages.blank(testInfo.file), use);
  },
});

export { expect };
