import path from 'path';
import { defineConfig } from '@playwright/test';

const ROOT = path.resolve(__dirname, '..', '..');
const PORT = 5179;
const VITE_CONFIG = '.config/browser-check/vite.config.ts';

/**
 * The browser-level check of the editors: builds the harness page with Vite, serves it on the
 * loopback address and drives it with the system Chromium. Grafana's own e2e uses the root
 * playwright.config.ts instead.
 */
export default defineConfig({
  testDir: __dirname,
  testMatch: '*.check.ts',
  outputDir: path.join(ROOT, 'test-results', 'browser-check', 'artifacts'),
  reporter: 'list',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    actionTimeout: 10_000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `vite build -c ${VITE_CONFIG} && vite preview -c ${VITE_CONFIG} --host 127.0.0.1 --port ${PORT} --strictPort`,
    cwd: ROOT,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'pipe',
  },
});
