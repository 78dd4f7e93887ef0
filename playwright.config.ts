import path from 'path';
import { defineConfig, devices } from '@playwright/test';
import type { PluginOptions } from '@grafana/plugin-e2e';

/**
 * Grafana end-to-end tests (e2e/) with @grafana/plugin-e2e, against a running Grafana that has
 * Pulse and provisioning/ loaded, which `docker compose up --build` starts:
 *
 *   docker compose up --build -d --wait && npm run e2e
 *
 * GRAFANA_URL points at another Grafana (default http://localhost:3000).
 * PLAYWRIGHT_CHROMIUM_EXECUTABLE runs a system Chromium (e.g. /usr/bin/chromium) instead of the
 * one `npx playwright install chromium` downloads.
 */
const GRAFANA_URL = process.env.GRAFANA_URL ?? 'http://localhost:3000';
const CHROMIUM = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
const CI = Boolean(process.env.CI);

export default defineConfig<PluginOptions>({
  testDir: './e2e',
  outputDir: './test-results/e2e',
  forbidOnly: CI,
  retries: CI ? 2 : 0,
  // The tests share one Grafana and its live streams; saving a data source restarts its streams.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['html', { open: 'never', outputFolder: 'playwright-report' }], ['list']],
  use: {
    baseURL: GRAFANA_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    provisioningRootDir: path.join(__dirname, 'provisioning'),
    launchOptions: CHROMIUM ? { executablePath: CHROMIUM } : {},
  },
  projects: [
    {
      // plugin-e2e's setup: logs in as admin/admin and stores the session in playwright/.auth/admin.json.
      name: 'auth',
      testDir: './node_modules/@grafana/plugin-e2e/dist/auth',
      testMatch: [/.*\.js/],
    },
    {
      name: 'run-tests',
      use: {
        ...devices['Desktop Chrome'],
        storageState: 'playwright/.auth/admin.json',
      },
      dependencies: ['auth'],
    },
  ],
});
