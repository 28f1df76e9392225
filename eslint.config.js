import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

/**
 * "One choke point per outside system" (docs/architecture): onnxruntime-web only in
 * workers/runtime/, Comlink only in the two bridge files, idb only in the gallery store.
 * And rooms that point one way: the page (src/) reaches the worker only through
 * workers/protocol and workers/errors; features never import the app shell. Each block
 * below lists every restriction for its files (a later block replaces the rule, it does not
 * add to it).
 */
const ORT = {
  name: 'onnxruntime-web',
  message: 'Only workers/runtime/ talks to onnxruntime-web; go through the runtime module.',
};
const ORT_SUBPATHS = {
  group: ['onnxruntime-web/*'],
  message: 'Only workers/runtime/ talks to onnxruntime-web; go through the runtime module.',
};
const COMLINK = {
  name: 'comlink',
  message: 'Only src/engine/bridge.ts and workers/inference.worker.ts use Comlink.',
};
const IDB = { name: 'idb', message: 'Only src/lib/gallery-db.ts (the gallery store) talks to IndexedDB.' };
const WORKER_INSIDES = {
  regex: '(^|/)workers/(?!(protocol|errors)$)',
  message: 'The page reaches the worker only through workers/protocol and workers/errors.',
};
const APP_FROM_FEATURES = {
  regex: '^(\\.\\./)+app(/|$)',
  message: 'Features never import the app shell: shared widgets live in src/ui/, the worker door in src/engine/.',
};
const restrict = ({ paths = [], patterns = [] }) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});
const EVERYWHERE = { paths: [ORT, COMLINK, IDB], patterns: [ORT_SUBPATHS] };

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'public/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'models/',
      'out/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 2022 },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // noUncheckedIndexedAccess makes every typed-array read `T | undefined`; numeric loops
      // assert with `!` where the index is in range by construction.
      '@typescript-eslint/no-non-null-assertion': 'off',
      ...restrict(EVERYWHERE),
    },
  },
  // Type-aware rules, on the repository's own tsconfig projects.
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  // Rooms that point one way, and the owners of each outside system.
  { files: ['src/**/*.{ts,tsx}'], rules: restrict({ ...EVERYWHERE, patterns: [ORT_SUBPATHS, WORKER_INSIDES] }) },
  {
    files: ['src/features/**/*.{ts,tsx}'],
    rules: restrict({ ...EVERYWHERE, patterns: [ORT_SUBPATHS, WORKER_INSIDES, APP_FROM_FEATURES] }),
  },
  {
    files: ['src/lib/gallery-db.ts'],
    rules: restrict({ paths: [ORT, COMLINK], patterns: [ORT_SUBPATHS, WORKER_INSIDES] }),
  },
  { files: ['workers/runtime/**/*.ts'], rules: restrict({ paths: [COMLINK, IDB] }) },
  { files: ['workers/inference.worker.ts'], rules: restrict({ paths: [ORT, IDB], patterns: [ORT_SUBPATHS] }) },
  {
    files: ['src/engine/bridge.ts'],
    rules: restrict({ paths: [ORT, IDB], patterns: [ORT_SUBPATHS, WORKER_INSIDES] }),
  },
  // Test-only references and fixtures (workers/testing/) stay out of production code.
  {
    files: ['src/**/*.{ts,tsx}', 'workers/**/*.ts', 'tools/**/*.ts'],
    ignores: ['**/*.test.{ts,tsx}', 'workers/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)testing/', message: 'workers/testing/ is for tests only.' }] },
      ],
    },
  },
  // Threads and their globals.
  {
    files: ['src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: globals.browser },
  },
  { files: ['workers/**/*.ts'], languageOptions: { globals: globals.worker } },
  {
    files: ['*.{js,ts}', 'e2e/**/*.ts', 'tools/**/*.ts', '**/*.test.{ts,tsx}'],
    languageOptions: { globals: globals.node },
  },
);
