/// <reference types="vitest/config" />
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Connect, type Plugin } from 'vite';

/**
 * onnxruntime-web's Emscripten runtime (.mjs glue + .wasm), served from the app itself at
 * `<base>ort/<version>/` so the app works offline and its pthread workers stay same-origin.
 * The worker's runtime module (workers/runtime/ort-env.ts) points `ort.env.wasm.wasmPaths`
 * there, with the version onnxruntime reports itself.
 *
 * ORT 1.30 loads exactly one pair, chosen by the entry point the runtime imports:
 *   'onnxruntime-web'        -> ort-wasm-simd-threaded.jsep.{mjs,wasm}     (JSEP WebGPU EP + WASM EP, 28 MB)
 *   'onnxruntime-web/webgpu' -> ort-wasm-simd-threaded.asyncify.{mjs,wasm} (native WebGPU EP + WASM EP)
 *   'onnxruntime-web/wasm'   -> ort-wasm-simd-threaded.{mjs,wasm}          (WASM EP only, 14 MB)
 * The worker imports the JSEP entry for WebGPU and the WASM-only one for WASM (ort-env.ts),
 * so both pairs ship.
 *
 * The glue fetches the .wasm with WebAssembly.instantiateStreaming, so Chromium keeps the
 * compiled code beside the HTTP cache entry and a later visit skips the compile, but only if
 * the response may be cached: the files are served as application/wasm with a year's
 * max-age (immutable: the version is in the path). Vite's own servers would send them with
 * `no-cache`, so this plugin serves them in dev and preview alike.
 */
const ORT_PACKAGE = fileURLToPath(new URL('./node_modules/onnxruntime-web/', import.meta.url));
const ORT_VERSION = (JSON.parse(readFileSync(`${ORT_PACKAGE}package.json`, 'utf8')) as { version: string }).version;
const ORT_PATH = `ort/${ORT_VERSION}/`;
const ORT_RUNTIME_FILES = [
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
];
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Cross-origin isolation gives WASM its threads (SharedArrayBuffer). */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * A static app with module workers and WASM: no inline scripts, no eval ('wasm-unsafe-eval'
 * only allows compiling WebAssembly). Packs may come from a user-given https URL.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self' https:",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** Serves ORT_RUNTIME_FILES from `dir` with the server's own headers, cacheable for good. */
function serveRuntimeFiles(dir: string, headers: OutgoingHttpHeaders | undefined): Connect.NextHandleFunction {
  return (req, res, next) => {
    const file = req.url?.split('?')[0]?.slice(1) ?? '';
    if (!ORT_RUNTIME_FILES.includes(file)) return next();
    for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) res.setHeader(name, value);
    res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
    res.setHeader('Content-Length', statSync(dir + file).size);
    res.setHeader('Cache-Control', IMMUTABLE);
    createReadStream(dir + file).pipe(res);
  };
}

function ortRuntimeFiles(): Plugin {
  let base = '/';
  let builtDir = '';
  return {
    name: 'realcustom:ort-runtime-files',
    configResolved(config) {
      base = config.base;
      builtDir = `${resolve(config.root, config.build.outDir)}/${ORT_PATH}`;
    },
    configureServer(server) {
      server.middlewares.use(base + ORT_PATH, serveRuntimeFiles(`${ORT_PACKAGE}dist/`, server.config.server.headers));
    },
    configurePreviewServer(server) {
      server.middlewares.use(base + ORT_PATH, serveRuntimeFiles(builtDir, server.config.preview.headers));
    },
    generateBundle() {
      for (const file of ORT_RUNTIME_FILES) {
        this.emitFile({ type: 'asset', fileName: ORT_PATH + file, source: readFileSync(`${ORT_PACKAGE}dist/${file}`) });
      }
    },
  };
}

/**
 * Model files (`.onnx`, `.onnx.data`, `.bin`) have no MIME type the static server knows, so it
 * sent them without a Content-Type, and Vite's preview server then gzipped them on the fly
 * (its compression treats a missing type as text): server CPU on every download, no
 * Content-Length for the progress bar, for float weights that hardly compress. Typed as
 * binary, they go out as stored, with their length (and Range requests answered by sirv).
 */
const PACK_BINARY = /\.(onnx|onnx\.data|bin)$/;

function packBinaries(): Plugin {
  const typed: Connect.NextHandleFunction = (req, res, next) => {
    if (PACK_BINARY.test(req.url?.split('?')[0] ?? '')) res.setHeader('Content-Type', 'application/octet-stream');
    next();
  };
  return {
    name: 'realcustom:pack-binaries',
    configureServer: (server) => void server.middlewares.use(typed),
    configurePreviewServer: (server) => void server.middlewares.use(typed),
  };
}

/** The CSP goes into the built page only: the dev server injects inline scripts (HMR). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'realcustom:csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [react(), ortRuntimeFiles(), packBinaries(), contentSecurityPolicy()],
  resolve: {
    // Pick onnxruntime-web's builds that load their WASM glue from ORT_BASE instead of
    // bundling a second copy of it (and a hashed copy of the .wasm) into the worker.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: { target: 'es2022' },
  server: { headers: ISOLATION_HEADERS },
  // The preview server also sends the CSP as a header, so it covers the worker too.
  preview: {
    headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'workers/**/*.test.ts', 'tools/**/*.test.ts'],
    environment: 'node',
  },
});
