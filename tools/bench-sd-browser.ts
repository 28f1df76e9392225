/**
 * One evaluation of a version-2 (SD-1.5-class) pack's UNet in headless Chromium, through
 * onnxruntime-web itself (not the app, which refuses an fp16 pack without WebGPU's shader-f16
 * before downloading it):
 *
 *   npx tsx tools/bench-sd-browser.ts --pack /tmp/sd-full-pack [--graph unet] [--eps wasm,webgpu]
 *       [--threads 1] [--runs 1] [--timeout 1800] [--no-gpu-watchdog] [--port 4190] [--json out.json]
 *
 * It serves a minimal page (COOP/COEP, so WASM threads are allowed), onnxruntime-web's files
 * from node_modules and the pack folder from a local HTTP server, and launches /usr/bin/chromium
 * (headless, --enable-unsafe-webgpu: SwiftShader on a GPU-less machine) once per EP. In the
 * page it fetches the graph, creates the session on that EP with the build the app would use
 * (workers/runtime/ort-env.ts: WASM on the WASM-only build, WebGPU on JSEP) and times `--runs`
 * runs at batch 1 on the inputs of tools/bench-feeds.ts. It reports the fetch, session creation
 * and each run, the WebGPU adapter's limits and features, the browser's memory (the peak of the
 * summed resident memory of Chromium's processes, sampled every 0.5 s, and the largest single
 * process's VmHWM), and where a stage fails, the exact error and the console's first and last
 * lines. WebGPU validation errors are not exceptions (a run whose shaders failed still returns
 * tensors), so a run with any in the console is reported as failed. A graph with external data
 * (`<graph>.onnx.data` beside it) gets it through onnxruntime-web's `externalData`.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { makeFeeds, type IoSpec } from './bench-feeds';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  pack: { type: 'string', default: '/tmp/sd-full-pack' },
  graph: { type: 'string', default: 'unet' },
  eps: { type: 'string', default: 'wasm,webgpu' },
  threads: { type: 'string', default: '1' },
  runs: { type: 'string', default: '1' },
  // Seconds per EP, from launch to the page's answer.
  timeout: { type: 'string', default: '1800' },
  // Chromium's --disable-gpu-watchdog: one long SwiftShader dispatch is not taken for a hung GPU process.
  'no-gpu-watchdog': { type: 'boolean', default: false },
  port: { type: 'string', default: '4190' },
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  json: { type: 'string' },
});

const manifest = JSON.parse(readFileSync(join(flags.pack, 'pack.json'), 'utf8')) as {
  formatVersion: number;
  dtype?: string;
  graphs: Record<string, { file: string; inputs: IoSpec[] }>;
  tokenizer: { bos: number };
};
if (manifest.formatVersion !== 2) throw new Error(`${flags.pack} is not a version-2 pack`);
const spec = manifest.graphs[flags.graph];
if (spec === undefined) throw new Error(`no graph ${flags.graph} in ${flags.pack}`);

/** The page's side: imports the EP's onnxruntime-web build, then fetch, create, run. */
const PAGE_SCRIPT = `
const BUILDS = { wasm: '/ort/ort.wasm.min.mjs', webgpu: '/ort/ort.min.mjs' };
window.benchGraph = async ({ ep, threads, runs, model, externalData, feeds }) => {
  const out = { ep, stage: '', runsMs: [] };
  // Each stage also goes to the console, so a crashed page still tells where it was.
  let stageStart = performance.now();
  const at = (stage) => { out.stage = stage; stageStart = performance.now(); console.log('bench: ' + stage + ' at ' + Math.round(performance.now()) + ' ms'); };
  try {
    if (ep === 'webgpu') {
      at('adapter');
      const adapter = await navigator.gpu?.requestAdapter();
      if (!adapter) throw new Error('no WebGPU adapter');
      out.adapter = adapter.info.vendor + ' ' + adapter.info.architecture + ' ' + adapter.info.description;
      out.features = [...adapter.features].sort();
      out.limits = {
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      };
    }
    at('import');
    const ort = await import(BUILDS[ep]);
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'warning';
    at('fetch');
    let t = performance.now();
    const bytes = new Uint8Array(await (await fetch(model)).arrayBuffer());
    out.fetchMs = performance.now() - t;
    at('create');
    t = performance.now();
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
      ...(externalData && { externalData: [externalData] }),
    });
    out.createMs = performance.now() - t;
    // A lost device (a GPU process gone) is no exception either: its reason goes to the console.
    ort.env.webgpu?.device?.lost?.then((info) => console.log('bench: device lost (' + info.reason + '): ' + info.message));
    const tensors = {};
    for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.dtype, Float32Array.from(f.data), f.dims);
    for (let i = 0; i < runs; i++) {
      at('run ' + (i + 1));
      t = performance.now();
      const result = await session.run(tensors);
      out.runsMs.push(performance.now() - t);
      out.outputs = {};
      for (const [name, tensor] of Object.entries(result)) {
        const data = await tensor.getData();
        let finite = 0;
        let absSum = 0;
        for (const v of data) if (Number.isFinite(v)) (finite++, (absSum += Math.abs(v)));
        out.outputs[name] = { dims: tensor.dims, finiteFraction: finite / data.length, meanAbs: absSum / Math.max(1, finite) };
        tensor.dispose();
      }
    }
    await session.release();
    at('done');
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
    out.failedAfterMs = performance.now() - stageStart;
  }
  if (performance.memory) out.jsHeapMb = performance.memory.usedJSHeapSize / 1e6;
  return out;
};
`;
const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title><script type="module">${PAGE_SCRIPT}</script>`;

const ORT_DIST = join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'dist');
const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  if (path === '/') {
    res.setHeader('Content-Type', 'text/html');
    res.end(PAGE);
    return;
  }
  const [root, rest] = path.startsWith('/ort/')
    ? [ORT_DIST, path.slice(5)]
    : path.startsWith('/pack/')
      ? [flags.pack, path.slice(6)]
      : [null, ''];
  const file = root === null || rest.includes('..') ? null : join(root, rest);
  if (file === null || !existsSync(file) || !statSync(file).isFile()) {
    res.statusCode = 404;
    res.end();
    return;
  }
  res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', statSync(file).size);
  createReadStream(file).pipe(res);
});
await new Promise<void>((resolve) => server.listen(Number(flags.port), 'localhost', resolve));

/** Chromium's processes: every descendant of this one (playwright-core spawns the browser itself). */
function browserPids(): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(entry, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  return [...mine];
}

/** A /proc/<pid>/status field in MB (0 when the process is gone). */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples Chromium's memory until stopped: the peak of the summed RSS, and each process's VmHWM. */
function watchMemory(): () => { peakSumRssMb: number; maxProcessHwmMb: number } {
  let peakSumRssMb = 0;
  const hwm = new Map<number, number>();
  const sample = () => {
    let sum = 0;
    for (const pid of browserPids()) {
      sum += statusMb(pid, 'VmRSS');
      hwm.set(pid, Math.max(hwm.get(pid) ?? 0, statusMb(pid, 'VmHWM')));
    }
    peakSumRssMb = Math.max(peakSumRssMb, sum);
  };
  const timer = setInterval(sample, 500);
  return () => {
    sample();
    clearInterval(timer);
    return { peakSumRssMb, maxProcessHwmMb: Math.max(0, ...hwm.values()) };
  };
}

/** What the page's benchGraph returns (times in ms). */
interface PageResult {
  ep: string;
  /** The stage it reached: adapter, import, fetch, create, run N, done. */
  stage?: string;
  error?: string;
  /** Time from the start of the failing stage to its error. */
  failedAfterMs?: number;
  fetchMs?: number;
  createMs?: number;
  runsMs?: number[];
  adapter?: string;
  features?: string[];
  limits?: Record<string, number>;
  outputs?: Record<string, { dims: number[]; finiteFraction: number; meanAbs: number }>;
  jsHeapMb?: number;
}

/** Plain data for the page: the UNet's float32 (or int64 as numbers) inputs at batch 1. */
const feeds = makeFeeds(spec.inputs, 1, manifest.tokenizer.bos, (dtype, data, dims) => ({
  dtype,
  data: Array.from(data, Number),
  dims,
}));
const graphPath = join(flags.pack, spec.file);
const graphMb =
  (statSync(graphPath).size + (existsSync(`${graphPath}.data`) ? statSync(`${graphPath}.data`).size : 0)) / 1e6;
const results: (PageResult & { wallS: number; console: string[] })[] = [];
console.log(
  `${flags.pack} ${flags.graph} (${spec.file}, ${graphMb.toFixed(0)} MB, ${manifest.dtype ?? 'float32'}), ` +
    `batch 1, ${flags.threads} WASM thread(s), load average ${loadavg()[0]!.toFixed(1)}`,
);
for (const ep of flags.eps.split(',') as ('wasm' | 'webgpu')[]) {
  const browser = await chromium.launch({
    executablePath: flags.chromium,
    headless: true,
    args: [
      '--enable-unsafe-webgpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      ...(flags['no-gpu-watchdog'] ? ['--disable-gpu-watchdog'] : []),
    ],
  });
  const stopWatching = watchMemory();
  const consoleLines: string[] = [];
  let crashed = '';
  browser.on('disconnected', () => (crashed ||= 'the browser closed'));
  const started = performance.now();
  let result: PageResult;
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      consoleLines.push(`${m.type()}: ${m.text()}`.slice(0, 600));
      // The stages as they come, with the wall time, so a run that never answers still tells where it was.
      if (m.text().startsWith('bench: '))
        console.log(`  ${ep} ${((performance.now() - started) / 1000).toFixed(0)} s: ${m.text()}`);
    });
    page.on('crash', () => (crashed = 'the page crashed (renderer process gone)'));
    page.setDefaultTimeout(Number(flags.timeout) * 1000);
    await page.goto(`http://localhost:${flags.port}/`);
    await page.waitForFunction(() => 'benchGraph' in globalThis);
    const answer = page.evaluate(
      (args) => (globalThis as unknown as { benchGraph(a: unknown): Promise<PageResult> }).benchGraph(args),
      {
        ep,
        threads: Number(flags.threads),
        runs: Number(flags.runs),
        model: `/pack/${spec.file}`,
        // The graph's weights in one external file (`<graph>.onnx.data`), when it has one.
        externalData: existsSync(join(flags.pack, `${spec.file}.data`))
          ? { path: `${spec.file}.data`, data: `/pack/${spec.file}.data` }
          : undefined,
        feeds,
      },
    );
    answer.catch(() => undefined); // its rejection after a timeout is not an unhandled one
    // A lost GPU process can leave the page waiting for ever: the lost device, or the EP's time limit, ends it.
    result = await Promise.race([
      answer,
      new Promise<never>((_, reject) =>
        page.on('console', (m) => {
          if (m.text().startsWith('bench: device lost')) reject(new Error(m.text().slice('bench: '.length)));
        }),
      ),
      new Promise<never>((_, reject) => {
        // unref: the limit must not keep this process alive once every EP is done
        setTimeout(
          () => reject(new Error(`no answer within ${flags.timeout} s`)),
          Number(flags.timeout) * 1000,
        ).unref();
      }),
    ]);
  } catch (e) {
    const lastStage = consoleLines.filter((line) => /^log: bench: .* at \d+ ms$/.test(line)).at(-1);
    result = {
      ep,
      stage: lastStage?.replace(/^log: bench: (.*) at .*$/, '$1') ?? '?',
      error: `${crashed || 'the page did not answer'}: ${e instanceof Error ? e.message.split('\n')[0] : e}`,
    };
  }
  // WebGPU errors are not exceptions: a run whose shaders failed validation still returns tensors.
  const gpuErrors = consoleLines.filter((line) => /WebGPU validation error/.test(line));
  if (gpuErrors.length > 0 && result.error === undefined) {
    result.error = `${gpuErrors.length} WebGPU validation errors (the outputs are not the graph's); first: ${gpuErrors[0]!.split('\n')[0]}`;
  }
  const memory = stopWatching();
  await browser.close().catch(() => undefined);
  const row = {
    ...result,
    ...memory,
    wallS: (performance.now() - started) / 1000,
    console: consoleLines.slice(0, 4).concat(consoleLines.slice(4).slice(-6)),
  };
  results.push(row);
  const s = (ms: unknown) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '–');
  console.log(
    `\n${ep}: ${row.error ? `FAILED at ${row.stage ?? '?'} after ${s(row.failedAfterMs)}: ${row.error}` : 'ok'}\n` +
      `  fetch ${s(row.fetchMs)}, session creation ${s(row.createMs)}, runs ${row.runsMs?.map(s).join(', ') || '–'}\n` +
      `  Chromium memory: peak of summed RSS ${memory.peakSumRssMb.toFixed(0)} MB, largest process VmHWM ${memory.maxProcessHwmMb.toFixed(0)} MB` +
      (row.adapter
        ? `\n  adapter ${row.adapter}; limits ${JSON.stringify(row.limits)}; features ${JSON.stringify(row.features)}`
        : '') +
      (row.outputs ? `\n  outputs ${JSON.stringify(row.outputs)}` : '') +
      (row.error ? `\n  console (first and last lines):\n    ${row.console.join('\n    ')}` : ''),
  );
}
server.closeAllConnections();
server.close();
if (flags.json)
  writeFileSync(
    flags.json,
    JSON.stringify({ pack: flags.pack, graph: flags.graph, loadavg: loadavg(), results }, null, 1),
  );
