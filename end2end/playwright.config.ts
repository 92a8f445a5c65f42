import { defineConfig } from '@playwright/test';
import path from 'node:path';

// One release server on an empty SQLite database in end2end/.data, started by Playwright.
export const dataDir = path.resolve(__dirname, '.data');
const port = Number(process.env.KEYHAVEN_E2E_PORT ?? 3199);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'en-US',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'browser', testMatch: /.*\.spec\.ts/ },
    // Runs after the whole browser suite, on the database it left behind.
    { name: 'zero-knowledge', testMatch: /zero-knowledge\.check\.ts/, dependencies: ['browser'] },
  ],
  webServer: {
    command: '../target/release/keyhaven serve',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      ...process.env,
      KEYHAVEN_ADDR: `127.0.0.1:${port}`,
      KEYHAVEN_DATA_DIR: dataDir,
      KEYHAVEN_SITE_DIR: path.resolve(__dirname, '../target/site'),
      RUST_LOG: 'warn',
      // The suite signs up many people from one address; the limit itself is a story test's.
      KEYHAVEN_REGISTRATIONS_PER_HOUR: '10000',
      KEYHAVEN_OUTBOX_DIR: path.join(dataDir, 'outbox'),
    } as Record<string, string>,
  },
});
