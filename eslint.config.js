import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

/**
 * "One choke point per outside system" (docs/architecture): onnxruntime-web only in
 * workers/runtime/, Comlink only in the two bridge files. Each block below re-allows one
 * import in exactly the files that own it.
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
  message: 'Only src/lib/worker-bridge.ts and workers/inference.worker.ts use Comlink.',
};
const restrict = ({ paths = [], patterns = [] }) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});

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
      ...restrict({ paths: [ORT, COMLINK], patterns: [ORT_SUBPATHS] }),
    },
  },
  // The owners of each outside system.
  { files: ['workers/runtime/**/*.ts'], rules: restrict({ paths: [COMLINK] }) },
  {
    files: ['src/lib/worker-bridge.ts', 'workers/inference.worker.ts'],
    rules: restrict({ paths: [ORT], patterns: [ORT_SUBPATHS] }),
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
