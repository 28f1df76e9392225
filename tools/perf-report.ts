/**
 * docs/performance.md from tools/bench.ts (Node, onnxruntime-node CPU EP):
 *   npm run eval:perf [-- --packs public/models/test-tiny,public/models/toyworld --steps 20 --threads 1,2]
 *                     [--browser out/perf/browser.json] [--out docs/performance.md]
 * Runs the bench once per pack × thread count (JSON under out/perf/), records the machine
 * (nproc, lscpu model, memory, load), and writes the tables and the comparison notes.
 * Packs that are not on disk are listed as missing. Browser figures come from
 * tools/bench-browser.ts (--browser); without that file the section says how to get them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { benchFlags, intFlag, intListFlag, type BenchJson, type BrowserBench } from './bench-options';
import { parseCli } from './cli-args';

function sdNotes(unetParams: number | null, pack: string): string {
  const ours = unetParams === null ? 'a few million' : `${(unetParams / 1e6).toFixed(2)} M`;
  const ratio = unetParams === null ? 'hundreds of times' : `about ${Math.round(860e6 / unetParams)}×`;
  return `In-browser Stable Diffusion demos (e.g. MLC's Web Stable Diffusion, SD 1.5 on WebGPU; ONNX Runtime Web SD-Turbo demos) run a UNet of about 860 M parameters on a 4 × 64 × 64 latent, with a CLIP ViT-L text encoder (≈ 123 M) and a VAE decoder (≈ 50 M): 1.7 GB of weights in fp16, 3.4 GB in fp32. MLC's README states the demo needs a GPU with about 8 GB of memory, was tested on Apple silicon only, and that Chrome's WebGPU robustness (bounds) checks cost it about 3× until disabled with \`--enable-dawn-features=disable_robustness\`. Those demos take from seconds to tens of seconds per image on a discrete or Apple GPU; none runs usefully on a CPU-only WebGPU adapter such as SwiftShader.

Our ${pack} UNet has ${ours} parameters — ${ratio} fewer — on a 12 × 16 × 16 latent (256 positions against SD's 4 096), with a 0.1 M-parameter word-level text encoder and a parameter-free space-to-depth decoder. Per UNet evaluation that is several thousand times less arithmetic than SD 1.5, which is why a whole 20-step RealCustom image (3 UNet rows per step) takes a fraction of a second on two CPU cores here, and why WASM on a CPU is a practical fallback for this pack while it is not for SD. The price is the toy world itself: 32 × 32 images of six classes and nine colours; what this project reproduces is the method's mechanics and its relative claims, not SD-class image quality. The method's own overhead scales the same way in both: realcustom needs 3 UNet rows per step against text-only's 2 (1.5× the UNet work before the mask freezes, batch-3 afterwards), plus one small mask read-back per step while the mask is live.`;
}

const { values: flags } = parseCli(import.meta.url, {
  packs: { type: 'string', default: 'public/models/test-tiny,public/models/toyworld' },
  ...benchFlags({ steps: '20', threads: '1,2', runs: '3' }),
  browser: { type: 'string', default: 'out/perf/browser.json' },
  out: { type: 'string', default: 'docs/performance.md' },
});

/** Parameters of an ONNX graph (sum of initializer sizes), via the models/ Python's onnx; null if unavailable. */
function onnxParams(path: string): number | null {
  const py =
    'import sys, onnx, numpy as np\n' +
    'm = onnx.load(sys.argv[1])\n' +
    'print(sum(int(np.prod(t.dims)) for t in m.graph.initializer))';
  const r = spawnSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(n) ? n : null;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const lscpuModel = (sh('lscpu', []).match(/^Model name:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown').trim();
const nproc = sh('nproc', []) || String(availableParallelism());
const ortVersion = (
  JSON.parse(readFileSync('node_modules/onnxruntime-node/package.json', 'utf8')) as { version: string }
).version;
const load0 = loadavg()
  .map((v) => v.toFixed(2))
  .join(', ');
const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

await mkdir('out/perf', { recursive: true });
const packs = flags.packs.split(',').filter((p) => p !== '');
const threadList = intListFlag('threads', flags.threads);
intFlag('steps', flags.steps, 1);
intFlag('runs', flags.runs, 1);
const results: {
  pack: string;
  threads: number;
  json: BenchJson;
  command: string;
  packBytes: Record<string, number>;
  params: Record<string, number | null>;
}[] = [];
const missing: string[] = [];
for (const pack of packs) {
  if (!existsSync(join(pack, 'pack.json'))) {
    missing.push(pack);
    continue;
  }
  const manifest = JSON.parse(readFileSync(join(pack, 'pack.json'), 'utf8')) as {
    graphs: Record<string, { bytes: number; file: string }>;
  };
  const packBytes = Object.fromEntries(Object.entries(manifest.graphs).map(([k, g]) => [k, g.bytes]));
  const params = Object.fromEntries(
    Object.entries(manifest.graphs).map(([k, g]) => [k, onnxParams(join(pack, g.file))]),
  );
  for (const threads of threadList) {
    const json = `out/perf/${basename(pack)}-t${threads}.json`;
    const args = [
      'tools/bench.ts',
      '--pack',
      pack,
      '--steps',
      flags.steps,
      '--threads',
      String(threads),
      '--runs',
      flags.runs,
      '--json',
      json,
    ];
    console.error(`perf: tsx ${args.join(' ')}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`bench failed for ${pack} (threads ${threads})`);
    results.push({
      pack,
      threads,
      json: JSON.parse(readFileSync(json, 'utf8')) as BenchJson,
      command: `npm run bench -- ${args.slice(1).join(' ')}`,
      packBytes,
      params,
    });
  }
}
const load1 = loadavg()
  .map((v) => v.toFixed(2))
  .join(', ');
const browser: BrowserBench | null = existsSync(flags.browser)
  ? (JSON.parse(readFileSync(flags.browser, 'utf8')) as BrowserBench)
  : null;

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const md: string[] = [];
md.push('# Performance');
md.push('');
const argv = process.argv.slice(2).join(' ');
md.push(
  `Generated by \`npm run eval:perf${argv ? ` -- ${argv}` : ''}\` at ${started} — do not edit by hand. ` +
    'Each table is one run of `tools/bench.ts` (the engine on onnxruntime-node, CPU execution provider): the UNet alone at batch 1/2/3, ' +
    `then whole jobs per mode (one warm-up job, then medians over ${flags.runs} measured jobs of ${flags.steps} steps, a preview decoded every step unless stated).`,
);
md.push('');
md.push('## Machine');
md.push('');
md.push(`- CPU: ${lscpuModel} — \`nproc\` = ${nproc}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
md.push(`- Node ${process.version}, onnxruntime-node ${ortVersion} (CPU EP)`);
md.push(
  `- Load average (1, 5, 15 min) before / after: ${load0} / ${load1}. The machine is shared (model training may run beside); figures under load are pessimistic.`,
);
md.push(
  '- No GPU on this machine, and this task was not lent a GPU machine: the CUDA EP and Dawn (`webgpu` npm package) figures the issue asks for are not measured.',
);
if (missing.length > 0) md.push(`- Packs not on disk when this ran (no figures): ${missing.join(', ')}`);
md.push('');
md.push(
  'Columns: ms/step = mean step wall time; median; × text = median step time over text mode’s; UNet runs/step = session.run calls of the UNet per step (a batch of 2 or 3 rows is one run); overhead = Σ step wall / Σ session.run time (what the engine adds around the graphs: helper graphs, reads, JS); bytes/step = GPU→CPU bytes per step (counted on the CPU backend exactly as a GPU backend would copy); first preview = job start to the first decoded preview.',
);
for (const r of results) {
  const j = r.json;
  const text = j.rows.find((x) => x.label === 'text');
  const rc = j.rows.find((x) => x.label.startsWith('realcustom (reuse'));
  const rcNo = j.rows.find((x) => x.label === 'realcustom (no reuse)');
  md.push('');
  md.push(`## ${j.manifest} — ${r.threads} thread${r.threads === 1 ? '' : 's'}`);
  md.push('');
  md.push(`Command: \`${r.command}\``);
  md.push('');
  const unetBytes = r.packBytes.unet ?? 0;
  const p = (k: string) => (r.params[k] == null ? '–' : `${(r.params[k]! / 1e6).toFixed(2)} M`);
  md.push(
    `Parameters (ONNX initializers): UNet ${p('unet')} (graph ${(unetBytes / 2 ** 20).toFixed(2)} MiB), text encoder ${p('textEncoder')}, ` +
      `image encoder ${p('imageEncoder')}, global-adapter UNet ${p('unetGlobal')}, decoder ${p('decoder')}. ` +
      `UNet alone: ${Object.entries(j.unetMs)
        .map(([k, v]) => `${k.replace('batch', 'batch ')} ${f(v)} ms`)
        .join(', ')}. Peak RSS ${(j.peakRss / 2 ** 20).toFixed(0)} MiB.`,
  );
  md.push('');
  md.push('| mode | ms/step | median ms/step | × text | UNet runs/step | overhead | bytes/step | first preview ms |');
  md.push('|---|---|---|---|---|---|---|---|');
  for (const x of j.rows) {
    md.push(
      `| ${x.label} | ${f(x.msPerStep)} | ${f(x.medianStepMs)} | ${text ? f(x.medianStepMs / text.medianStepMs) : '–'} | ${f(x.unetRunsPerStep)} | ${f(x.overhead, 3)} | ${Math.round(x.bytesPerStep)} | ${f(x.timeToFirstPreviewMs, 1)} |`,
    );
  }
  if (text && rc && rcNo) {
    md.push('');
    md.push(
      `realcustom / text (median step): ${f(rcNo.medianStepMs / text.medianStepMs)} without mask reuse, ${f(rc.medianStepMs / text.medianStepMs)} with it. ` +
        `A ${j.steps}-step realcustom image: ≈ ${f((rc.msPerStep * j.steps) / 1000, 2)} s here.`,
    );
  }
}
md.push('');
md.push('## Browser (Chromium)');
md.push('');
if (browser === null) {
  md.push(
    'Not measured in this run. `tools/bench-browser.ts` (playwright-core, /usr/bin/chromium with `--enable-unsafe-webgpu`, against `npm run preview`) ' +
      `writes ${flags.browser}; rerun this command after it. See that file’s header for what it measures and what the page would need to expose for whole-job figures.`,
  );
} else {
  md.push(`Command: \`${browser.command}\` — ${browser.chromium}, pack ${browser.pack}.`);
  md.push('');
  md.push('| EP | adapter | graph | session create ms | first run ms | steady run ms |');
  md.push('|---|---|---|---|---|---|');
  for (const b of browser.results) {
    md.push(
      `| ${b.ep} | ${b.adapter} | ${b.graph} | ${f(b.createMs, 1)} | ${f(b.firstRunMs, 1)} | ${f(b.steadyRunMs)} |`,
    );
  }
  for (const n of browser.notes) md.push(`\n${n}`);
}
md.push('');
md.push('## Against in-browser Stable Diffusion');
md.push('');
const biggest = [...results].sort((a, b) => (b.params.unet ?? 0) - (a.params.unet ?? 0))[0];
md.push(sdNotes(biggest?.params.unet ?? null, biggest?.json.manifest ?? 'toyworld'));
await writeFile(flags.out, `${md.join('\n')}\n`);
console.log(`wrote ${flags.out}`);
