/**
 * Browser figures for docs/performance.md, through the real page and worker in Chromium
 * (WebGPU is SwiftShader on a GPU-less machine):
 *
 *   npm run bench:browser -- [--pack toyworld] [--eps wasm,webgpu] [--threads 1,2] [--runs 3]
 *                            [--steps 20] [--graphs unet,textEncoder] [--no-webgpu] [--build] [--port 4180]
 *                            [--out out/perf/browser.json]
 *
 * It serves the built app with `vite preview` (COOP/COEP and CSP on, as `npm run preview`;
 * --build runs `vite build` first) and launches /usr/bin/chromium through playwright-core
 * with `--enable-unsafe-webgpu`. For each EP (and on WASM each thread count) it opens
 * `/?ep=<ep>&pack=<pack>&testHooks&wasmThreads=<n>` in a fresh browser context:
 *
 * - time to ready: the first visit, then a reload (the cached visit), each from navigation
 *   to the pack's `done`, with the worker's per-step load timings (PackSummary.loadTimings);
 * - whole jobs through the page's test hook (`__realcustomTest.benchJob`, src/engine/test-hooks.ts):
 *   one warm-up job, then `--runs` of each case — text, realcustom without mask reuse,
 *   realcustom with the pack's mask reuse (previews every step), realcustom end to end —
 *   reporting the median ms per step, time to the first preview, the whole job and the bytes
 *   read back per step, and the worker's WASM thread count as onnxruntime runs it.
 *
 * With --graphs it also drives the page's "Check backends" dialog per graph (the worker's
 * selfTest: fixed inputs, batch 1) on the WebGPU visit; with --no-webgpu (Chromium started
 * without WebGPU) on the WASM visits instead, so every WASM row runs on the WASM-only build
 * the page uses for WASM (after a WebGPU row the worker has the JSEP build, which then runs
 * WASM too). Prints tables, writes JSON to --out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BenchJobResult, EngineStats, LoadTimings, Params } from '../workers/protocol';
import type { BrowserBench, BrowserJobRow, BrowserReadyRow } from './bench-options';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  pack: { type: 'string', default: 'toyworld' },
  eps: { type: 'string', default: 'wasm,webgpu' },
  threads: { type: 'string', default: '' },
  runs: { type: 'string', default: '3' },
  steps: { type: 'string', default: '20' },
  graphs: { type: 'string', default: '' },
  'no-webgpu': { type: 'boolean', default: false },
  build: { type: 'boolean', default: false },
  port: { type: 'string', default: '4180' },
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  out: { type: 'string', default: 'out/perf/browser.json' },
});

if (flags.build) {
  const b = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('vite build failed');
}
const base = `http://localhost:${flags.port}`;
const server = spawn('npx', ['vite', 'preview', '--port', flags.port, '--strictPort'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
const stopServer = () => {
  if (server.pid !== undefined) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
};

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(base)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`vite preview did not answer on ${base}`);
}

const browser = await chromium
  .launch({
    executablePath: flags.chromium,
    headless: true,
    args: [
      ...(flags['no-webgpu'] ? [] : ['--enable-unsafe-webgpu']),
      '--no-sandbox',
      '--headless',
      '--no-first-run',
      '--disable-background-networking',
    ],
  })
  .catch((e: unknown) => {
    stopServer();
    throw e;
  });
/** The page's test hooks this tool calls (src/engine/test-hooks.ts), typed without the DOM. */
interface Hooked {
  __realcustomTest: {
    loadTimings(): LoadTimings | null;
    stats(): Promise<EngineStats | null>;
    benchJob(params: Partial<Params>): Promise<BenchJobResult>;
  };
}

const median = (xs: number[]) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length === 0 ? NaN : (v[Math.floor((v.length - 1) / 2)]! + v[Math.ceil((v.length - 1) / 2)]!) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const loadBefore = loadavg().map((x) => round(x, 2));

async function waitReady(page: Page): Promise<void> {
  const status = page.getByTestId('pack-status');
  await status.and(page.locator('[data-status="done"], [data-status="error"]')).waitFor({ timeout: 600_000 });
  if ((await status.getAttribute('data-status')) === 'error')
    throw new Error(`pack refused: ${await status.getAttribute('title')}`);
}

/** Navigation start to ready, and the worker's step timings (summed per step). */
async function visit(page: Page, ep: string, visitKind: 'first' | 'cached', url: string): Promise<BrowserReadyRow> {
  const t0 = Date.now();
  if (visitKind === 'first') await page.goto(url);
  else await page.reload();
  await waitReady(page);
  const readyMs = Date.now() - t0;
  const timings = await page.evaluate(() => (globalThis as unknown as Hooked).__realcustomTest.loadTimings());
  const stats = await page.evaluate(() => (globalThis as unknown as Hooked).__realcustomTest.stats());
  const steps: Record<string, number> = {};
  for (const s of timings?.steps ?? []) steps[s.step] = round((steps[s.step] ?? 0) + s.endMs - s.startMs);
  steps.total = round(timings?.totalMs ?? NaN);
  return { ep, wasmThreads: stats?.wasmThreads ?? NaN, visit: visitKind, readyMs, steps };
}

async function runJob(page: Page, params: Partial<Params>): Promise<BenchJobResult> {
  const r = await page.evaluate((p) => (globalThis as unknown as Hooked).__realcustomTest.benchJob(p), params);
  if (r.status !== 'done') throw new Error(`job ${JSON.stringify(params)}: ${r.status} ${r.error ?? ''}`);
  return r;
}

async function benchConfig(browser: Browser, ep: string, threads: number | null) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const t = threads === null ? '' : `&wasmThreads=${threads}`;
  const url = `${base}/?ep=${ep}&pack=${flags.pack}&testHooks${t}`;
  const ready = [await visit(page, ep, 'first', url), await visit(page, ep, 'cached', url)];
  const stats = await page.evaluate(() => (globalThis as unknown as Hooked).__realcustomTest.stats());
  const wasmThreads = stats?.wasmThreads ?? NaN;
  const steps = Number(flags.steps);
  const runs = Number(flags.runs);
  const cases: [string, Partial<Params>][] = [
    ['text', { mode: 'text', steps, previewEvery: 1 }],
    ['realcustom (no reuse)', { mode: 'realcustom', steps, maskReuseStep: 0, previewEvery: 1 }],
    ['realcustom (pack’s mask reuse)', { mode: 'realcustom', steps, previewEvery: 1 }],
    ['realcustom end to end (previews every 5)', { mode: 'realcustom', steps, previewEvery: 5 }],
  ];
  await runJob(page, cases[1]![1]); // warm-up: first runs, shader compilation on WebGPU
  const jobs: BrowserJobRow[] = [];
  for (const [name, params] of cases) {
    const results: BenchJobResult[] = [];
    for (let r = 0; r < runs; r++) results.push(await runJob(page, params));
    jobs.push({
      ep,
      wasmThreads,
      case: name,
      steps,
      runs,
      msPerStep: round(median(results.map((x) => median(x.steps.map((s) => s.stepMs)))), 2),
      firstPreviewMs: round(median(results.map((x) => x.timeToFirstPreviewMs))),
      jobMs: round(median(results.map((x) => x.pageMs))),
      bytesPerStep: Math.round(median(results.map((x) => x.bytesReadBack / Math.max(1, x.steps.length)))),
    });
    console.log(JSON.stringify(jobs.at(-1)));
  }
  return { page, context, ready, jobs };
}

try {
  await waitForServer();
  const ready: BrowserReadyRow[] = [];
  const jobs: BrowserJobRow[] = [];
  const results: BrowserBench['results'] = [];
  for (const ep of flags.eps.split(',').filter(Boolean)) {
    const threadList =
      ep === 'wasm' && flags.threads !== '' ? flags.threads.split(',').map(Number) : [null as number | null];
    for (const threads of threadList) {
      const run = await benchConfig(browser, ep, threads);
      ready.push(...run.ready);
      jobs.push(...run.jobs);
      // On a WASM visit only without WebGPU: the dialog's WebGPU row would load the JSEP
      // build, and every later WASM row would then run on it instead of the WASM build.
      if (flags.graphs !== '' && (ep === 'webgpu' || flags['no-webgpu']))
        results.push(...(await checkGraphs(run.page)));
      await run.context.close();
    }
  }
  console.log('\nTime to ready (ms; worker steps summed):');
  console.table(
    ready.map((r) => ({ ep: r.ep, threads: r.wasmThreads, visit: r.visit, readyMs: r.readyMs, ...r.steps })),
  );
  console.log('Whole jobs:');
  console.table(jobs);
  const version = browser.version();
  const out: BrowserBench = {
    chromium: `Chromium ${version} (${flags.chromium}, headless${flags['no-webgpu'] ? ', no WebGPU' : ', --enable-unsafe-webgpu'})`,
    command: `npm run bench:browser -- ${process.argv.slice(2).join(' ')}`.trim(),
    pack: flags.pack,
    load: { before: loadBefore, after: loadavg().map((x) => round(x, 2)) },
    results,
    jobs,
    ready,
    notes: [
      'Whole jobs through the page’s test hook (benchJob: the worker’s generate(), the pack’s first example prompt, a synthetic reference); ' +
        'ms/step = median over runs of each job’s median step wall time; first preview and job time are medians over runs.',
      ...(results.length > 0
        ? [
            'Per-graph figures from the page’s “Check backends” dialog (worker selfTest: fixed inputs, batch 1, median of the runs after the first).',
          ]
        : []),
    ],
  };
  await mkdir(dirname(flags.out), { recursive: true });
  await writeFile(flags.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${flags.out}`);
} finally {
  await browser.close();
  stopServer();
}

/** The page's "Check backends" dialog, per graph in --graphs (WebGPU and WASM rows). */
async function checkGraphs(page: Page): Promise<BrowserBench['results']> {
  const adapter = ((await page.getByTestId('backend-badge').textContent()) ?? '').replace(/^WebGPU\s*/, '').trim();
  const results: BrowserBench['results'] = [];
  for (const graph of flags.graphs.split(',')) {
    await page.getByRole('button', { name: 'Check backends' }).click();
    await page.locator('dialog select').selectOption(graph);
    await page.getByRole('button', { name: 'Run check' }).click();
    const check = page.getByTestId('backend-check');
    await check.and(page.locator('[data-status="done"], [data-status="error"]')).waitFor({ timeout: 600_000 });
    if ((await check.getAttribute('data-status')) === 'error')
      throw new Error(`check ${graph}: ${await check.textContent()}`);
    for (const row of await check.locator('tr[data-ep]').all()) {
      const cells = await row.locator('td').allTextContents();
      const ms = (s: string | undefined) => {
        const m = /([\d.]+)\s*(ms|s)\b/.exec(s ?? '');
        return m === null ? NaN : Number(m[1]) * (m[2] === 's' ? 1000 : 1);
      };
      const ep = (await row.getAttribute('data-ep')) ?? '?';
      results.push({
        ep,
        adapter: ep === 'webgpu' ? adapter : 'CPU (WASM)',
        graph,
        createMs: Number(await row.getAttribute('data-create-ms')),
        firstRunMs: ms(cells[2]),
        steadyRunMs: Number(await row.getAttribute('data-steady-ms')),
      });
    }
    await page.getByRole('button', { name: 'Close' }).click();
  }
  return results;
}
