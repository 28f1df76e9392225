/**
 * Time to ready, A/B: the page's first and cached visits for one or more built checkouts,
 * interleaved round by round so every variant sees the same machine state:
 *
 *   npx tsx tools/bench-ready.ts --app before=/tmp/before --app after=. [--rounds 3]
 *                                [--eps wasm,auto] [--pack toyworld] [--port 4190] [--out FILE]
 *
 * Each `--app name=dir` is a checkout whose `dist/` is already built (`npx vite build`); it is
 * served by its own `vite preview` (its own vite.config.ts: headers, runtime files), one port
 * each. Every round and EP starts Chromium on a fresh profile directory (a persistent
 * profile, as a person's browser has, so the HTTP cache and Chromium's compiled-WASM code
 * cache live on disk): the first visit, then the same URL in a new tab (cached), and again
 * after restarting the browser on that profile (restarted). Each visit reports navigation →
 * pack `done`, the worker's loadTimings (which runtime file it loaded, each step), and when the
 * worker started and loadPack was called, in ms from the navigation (workerStart, loadPackCall),
 * the answer's way back to the page (answerTransit) and the page's ready render (pageRender);
 * navigationStart is how long after the benchmark's goto the page's clock began.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { PACK_ANSWERED_MARK, type LoadTimings } from '../workers/protocol';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  app: { type: 'string', multiple: true, default: [] },
  rounds: { type: 'string', default: '3' },
  eps: { type: 'string', default: 'wasm' },
  pack: { type: 'string', default: 'toyworld' },
  port: { type: 'string', default: '4190' },
  settle: { type: 'string', default: '3000' },
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  out: { type: 'string', default: '' },
});

interface App {
  name: string;
  base: string;
  stop: () => void;
}
interface Visit {
  app: string;
  ep: string;
  round: number;
  visit: 'first' | 'cached' | 'restarted';
  readyMs: number;
  runtimeFile: string;
  steps: Record<string, number>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

async function serve(spec: string, port: number): Promise<App> {
  const [name, dir] = spec.includes('=') ? spec.split('=', 2) : [spec, spec];
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    cwd: resolve(dir!),
    stdio: 'ignore',
    detached: true,
  });
  const base = `http://localhost:${port}`;
  const stop = () => {
    if (server.pid !== undefined) process.kill(-server.pid, 'SIGTERM');
  };
  for (let i = 0; i < 120; i++) {
    if (
      await fetch(base).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { name: name!, base, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error(`vite preview in ${dir} did not answer on ${base}`);
}

function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: flags.chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--no-first-run', '--disable-background-networking'],
  });
}

async function visit(context: BrowserContext, url: string): Promise<Omit<Visit, 'app' | 'ep' | 'round' | 'visit'>> {
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(url);
  const status = page.getByTestId('pack-status');
  // Checked every animation frame: a locator's waitFor polls at up to 500 ms intervals once a
  // wait grows long, which added 0.4–0.5 s of the benchmark's own to every visit.
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
        '[data-testid="pack-status"]:is([data-status="done"], [data-status="error"])',
      ),
    undefined,
    { polling: 'raf', timeout: 600_000 },
  );
  const readyMs = Date.now() - t0;
  if ((await status.getAttribute('data-status')) === 'error')
    throw new Error(`pack refused: ${await status.getAttribute('title')}`);
  const { timings, pageOrigin, answeredMs } = await page.evaluate(
    (mark) => ({
      timings: (
        globalThis as unknown as { __realcustomTest: { loadTimings(): LoadTimings | null } }
      ).__realcustomTest.loadTimings(),
      pageOrigin: performance.timeOrigin,
      answeredMs: performance.getEntriesByName(mark).at(-1)?.startTime ?? Number.NaN,
    }),
    PACK_ANSWERED_MARK,
  );
  // Let Chromium write its caches (the WASM code cache is written after compilation) before the next visit.
  await page.waitForTimeout(Number(flags.settle));
  await page.close();
  const steps: Record<string, number> = {};
  for (const s of timings?.steps ?? []) steps[s.step] = round1((steps[s.step] ?? 0) + s.endMs - s.startMs);
  // loadPack's own call to answer; readyMs minus this is the page and worker starting up:
  // navigation → the worker's start (workerStart) → the loadPack call (loadPackCall).
  steps.loadPack = round1(timings?.totalMs ?? Number.NaN);
  steps.workerStart = round1((timings?.workerStartedAt ?? Number.NaN) - pageOrigin);
  steps.loadPackCall = round1((timings?.loadPackCalledAt ?? Number.NaN) - pageOrigin);
  // The answer's way back (worker → page) and the page's render of the ready state.
  steps.answerTransit = round1(answeredMs - steps.loadPackCall - steps.loadPack);
  // readyMs counts from before page.goto; the page's clock from its navigation start.
  steps.navigationStart = round1(pageOrigin - t0);
  steps.pageRender = round1(readyMs - steps.navigationStart - answeredMs);
  return { readyMs, runtimeFile: timings?.runtimeFile ?? '(not reported)', steps };
}

const apps: App[] = [];
const visits: Visit[] = [];
const loadBefore = load();
try {
  for (const [i, spec] of flags.app.entries()) apps.push(await serve(spec, Number(flags.port) + i));
  for (let r = 0; r < Number(flags.rounds); r++) {
    for (const ep of flags.eps.split(',')) {
      for (const app of apps) {
        const url = `${app.base}/?${ep === 'auto' ? '' : `ep=${ep}&`}pack=${flags.pack}&testHooks`;
        const profile = await mkdtemp(join(tmpdir(), 'bench-ready-'));
        let context = await launch(profile);
        const row = (v: Visit['visit'], x: Awaited<ReturnType<typeof visit>>) => {
          visits.push({ app: app.name, ep, round: r, visit: v, ...x });
          console.log(JSON.stringify(visits.at(-1)));
        };
        row('first', await visit(context, url));
        row('cached', await visit(context, url));
        await context.close();
        context = await launch(profile);
        row('restarted', await visit(context, url));
        await context.close();
        await rm(profile, { recursive: true, force: true });
      }
    }
  }
} finally {
  for (const app of apps) app.stop();
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return (v[Math.floor((v.length - 1) / 2)]! + v[Math.ceil((v.length - 1) / 2)]!) / 2;
};
const table: Record<string, string | number>[] = [];
for (const ep of flags.eps.split(','))
  for (const kind of ['first', 'cached', 'restarted'] as const)
    for (const app of apps) {
      const mine = visits.filter((v) => v.ep === ep && v.visit === kind && v.app === app.name);
      const stepNames = [...new Set(mine.flatMap((v) => Object.keys(v.steps)))];
      const row: Record<string, string | number> = { ep, visit: kind, app: app.name };
      row.readyMs = median(mine.map((v) => v.readyMs));
      row.runtime = mine[0]?.runtimeFile ?? '';
      for (const s of stepNames) row[s] = round1(median(mine.map((v) => v.steps[s] ?? 0)));
      table.push(row);
    }
console.log(`\nTime to ready, medians of ${flags.rounds} rounds (ms). Load before ${loadBefore} / after ${load()}`);
console.table(table);
if (flags.out)
  await writeFile(flags.out, JSON.stringify({ load: { before: loadBefore, after: load() }, visits, table }, null, 2));
