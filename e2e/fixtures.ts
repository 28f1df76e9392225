import { test as base, expect, type Browser, type Page } from '@playwright/test';
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
 * One page per spec file with the app open (WASM, the test pack), kept across that file's
 * tests: loading the pack is the slow part. A test that fails restarts the worker, so the
 * next test opens a fresh page; each test must therefore set up what it needs.
 */
class SharedApps {
  private current: { file: string; page: Page; problems: string[] } | null = null;

  constructor(private readonly browser: Browser) {}

  async forFile(file: string): Promise<{ page: Page; problems: string[] }> {
    if (this.current?.file === file) return this.current;
    await this.close();
    // Its own context (not browser.newPage()), so a test can open a second tab beside it.
    const page = await (await this.browser.newContext()).newPage();
    const problems: string[] = [];
    watchPageProblems(page, problems);
    await page.goto(`/?ep=wasm&pack=${TEST_PACK}`);
    // The page's own signal, with room for a loaded machine (sessions took over 2 min at load 20).
    await expect(page.getByTestId('pack-status')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
    this.current = { file, page, problems };
    return this.current;
  }

  async close(): Promise<void> {
    await this.current?.page.context().close();
    this.current = null;
  }
}

/**
 * `test` with a guard on every page: an uncaught error or a Content-Security-Policy
 * violation (in the page or its workers) fails the test even when the UI looks right.
 * `appPage` is the spec file's shared page (see SharedApps), under the same guard.
 */
export const test = base.extend<{ pageProblems: string[]; appPage: Page }, { sharedApps: SharedApps }>({
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      watchPageProblems(page, problems);
      await use(problems);
      expect(problems, 'page errors and CSP violations').toEqual([]);
    },
    { auto: true },
  ],
  sharedApps: [
    async ({ browser }, use) => {
      const apps = new SharedApps(browser);
      await use(apps);
      await apps.close();
    },
    { scope: 'worker' },
  ],
  appPage: async ({ sharedApps }, use, testInfo) => {
    testInfo.setTimeout(testInfo.timeout + 300_000); // opening the page may load the pack first
    const app = await sharedApps.forFile(testInfo.file);
    await use(app.page);
    expect(app.problems.splice(0), 'page errors and CSP violations').toEqual([]);
  },
});

export { expect };
