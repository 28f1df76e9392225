/// <reference types="vitest/config" />
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/**
 * onnxruntime-web's Emscripten runtime (.mjs glue + .wasm), served from the app itself at
 * ORT_BASE so the app works offline and its pthread workers stay same-origin. The worker's
 * runtime module (workers/runtime/ort-env.ts) sets `ort.env.wasm.wasmPaths` to it.
 *
 * ORT 1.30 loads exactly one pair, chosen by the entry point the runtime imports:
 *   'onnxruntime-web'        -> ort-wasm-simd-threaded.jsep.{mjs,wasm}     (JSEP WebGPU EP + WASM EP)
 *   'onnxruntime-web/webgpu' -> ort-wasm-simd-threaded.asyncify.{mjs,wasm} (native WebGPU EP + WASM EP)
 *   'onnxruntime-web/wasm'   -> ort-wasm-simd-threaded.{mjs,wasm}          (WASM EP only)
 * The runtime imports 'onnxruntime-web', so only the JSEP pair ships (28 MB of WASM).
 */
const ORT_BASE = '/ort/';
const ORT_DIST = fileURLToPath(new URL('./node_modules/onnxruntime-web/dist/', import.meta.url));
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

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

function ortRuntimeFiles(): Plugin {
  return {
    name: 'realcustom:ort-runtime-files',
    configureServer(server) {
      server.middlewares.use(ORT_BASE, (req, res, next) => {
        const file = req.url?.split('?')[0]?.slice(1) ?? '';
        if (!ORT_RUNTIME_FILES.includes(file)) return next();
        res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(ORT_DIST + file).pipe(res);
      });
    },
    generateBundle() {
      for (const file of ORT_RUNTIME_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: ORT_BASE.slice(1) + file,
          source: readFileSync(ORT_DIST + file),
        });
      }
    },
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
  plugins: [react(), ortRuntimeFiles(), contentSecurityPolicy()],
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
