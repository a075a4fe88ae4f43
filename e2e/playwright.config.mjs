// Browser tests: Playwright driving Debian's Chromium (no browser download) against BASE_URL —
// the local stack under `cargo xtask test`, or a deployment under `cargo xtask e2e --url …`.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('BASE_URL must name a running stack; run these through `cargo xtask test` or `cargo xtask e2e --url …`');
}

export default defineConfig({
  testDir: './browser',
  outputDir: '../target/playwright',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: process.env.PTP_PLAYWRIGHT_JSON ?? '../target/playwright/results.json' }]],
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
