/**
 * Browser figures for docs/performance.md: per-graph run times of the pack in Chromium on
 * WebGPU (SwiftShader on a GPU-less machine) and on WASM, through the app itself.
 *
 *   npx tsx tools/bench-browser.ts [--pack test-tiny] [--graphs unet,textEncoder] [--build]
 *                                  [--port 4180] [--out out/perf/browser.json]
 *
 * It serves the built app with `vite preview` (COOP/COEP and CSP on, as `npm run preview`;
 * --build runs `vite build` first), launches /usr/bin/chromium through playwright-core with
 * `--enable-unsafe-webgpu --no-sandbox --headless`, opens `/?ep=webgpu&pack=<pack>`, waits
 * for the pack, and drives the page's own "Check backends" dialog: the worker's selfTest
 * runs the chosen graph with fixed inputs (batch 1) on WebGPU and on WASM, and the dialog's
 * rows carry the session-create and steady run times as data attributes.
 *
 * Whole-job figures (ms per step per mode, time to first preview in the browser) need a hook
 * the page does not expose yet: e.g. in preview builds `window.__realcustom = { generate(job):
 * Promise<{ steps: StepTimings[], timeToFirstPreviewMs, bytesReadBack }> }` on the worker
 * bridge, or per-step timings as data attributes on the job-progress element.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { BrowserBench } from './bench-options';

const { values: flags } = parseArgs({
  options: {
    pack: { type: 'string', default: 'test-tiny' },
    graphs: { type: 'string', default: 'unet' },
    build: { type: 'boolean', default: false },
    port: { type: 'string', default: '4180' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    out: { type: 'string', default: 'out/perf/browser.json' },
  },
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
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--headless', '--no-first-run', '--disable-background-networking'],
  })
  .catch((e: unknown) => {
    stopServer();
    throw e;
  });
try {
  await waitForServer();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${base}/?ep=webgpu&pack=${flags.pack}`);
  await page.getByTestId('pack-status').and(page.locator('[data-status="done"]')).waitFor({ timeout: 300_000 });
  const adapter = ((await page.getByTestId('backend-badge').textContent()) ?? '').replace(/^WebGPU\s*/, '').trim();
  const results: {
    ep: string;
    adapter: string;
    graph: string;
    createMs: number;
    firstRunMs: number;
    steadyRunMs: number;
  }[] = [];
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
  const version = browser.version();
  const out: BrowserBench = {
    chromium: `Chromium ${version} (${flags.chromium}, headless, --enable-unsafe-webgpu)`,
    command: `npx tsx tools/bench-browser.ts ${process.argv.slice(2).join(' ')}`.trim(),
    pack: flags.pack,
    results,
    notes: [
      'Per-graph figures from the page’s “Check backends” dialog (worker selfTest: fixed inputs, batch 1, median of the runs after the first). ' +
        'Whole-job browser figures need a page hook (see tools/bench-browser.ts).',
    ],
  };
  await mkdir(dirname(flags.out), { recursive: true });
  await writeFile(flags.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
} finally {
  await browser.close();
  stopServer();
}
