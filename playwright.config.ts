import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests in the system Chromium with WebGPU. Headless Chromium on a machine
 * without a GPU gets WebGPU from SwiftShader (CPU), so every GPU path here is slow but
 * real: one worker, generous timeouts.
 */
// E2E_PORT: another port when 4173 is taken (several checkouts on one machine).
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://localhost:${PORT}`; // localhost is a secure context: WebGPU needs one

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: BASE_URL,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'webgpu',
      testIgnore: /no-webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } },
    },
    {
      // Without --enable-unsafe-webgpu, Linux Chromium offers no WebGPU adapter: the WASM fallback.
      name: 'no-webgpu',
      testMatch: /no-webgpu\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu'),
        },
      },
    },
  ],
  webServer: {
    command: `npm run build && npm run preview -- --port ${PORT} --strictPort`,
    url: BASE_URL,
    // Never test a server someone else started: it may serve an older build.
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: 'pipe',
  },
});
