import { test as base, expect, type Page } from '@playwright/test';

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
 * `test` with a guard on every page: an uncaught error or a Content-Security-Policy
 * violation (in the page or its workers) fails the test even when the UI looks right.
 */
export const test = base.extend<{ pageProblems: string[] }>({
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      watchPageProblems(page, problems);
      await use(problems);
      expect(problems, 'page errors and CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
