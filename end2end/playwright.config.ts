import { defineConfig } from '@playwright/test';
import path from 'node:path';

// A mail sink (real SMTP, end2end/mail-sink.mjs) and two servers started by Playwright,
// each on an empty SQLite database:
// - the main one in end2end/.data, which most tests use and the zero-knowledge check reads;
// - one in end2end/.data-verified that verifies addresses by mail before sign-up.
// Both send every mail over SMTP to the sink; tests read it back with helpers.ts' waitForMail.
export const dataDir = path.resolve(__dirname, '.data');
export const verifiedDataDir = path.resolve(__dirname, '.data-verified');
const port = Number(process.env.KEYHAVEN_E2E_PORT ?? 3199);
export const baseURL = `http://127.0.0.1:${port}`;
export const verifiedBaseURL = `http://127.0.0.1:${port + 1}`;
const smtpPort = Number(process.env.KEYHAVEN_E2E_SMTP_PORT ?? 2525);
const mailPort = Number(process.env.KEYHAVEN_E2E_MAIL_PORT ?? 2526);
/** The sink's list of received mails (GET: JSON). */
export const mailsURL = `http://127.0.0.1:${mailPort}/mails`;

// The server binary: `make test` runs the one its cargo tests just built (target/debug; the crypto
// crates are optimised even there, Cargo.toml), which spares a 20-minute release build on a fresh
// machine. KEYHAVEN_E2E_BIN points elsewhere.
const binary = process.env.KEYHAVEN_E2E_BIN ?? '../target/debug/keyhaven';

function keyhaven(listen: number, data: string, extra: Record<string, string> = {}) {
  const url = `http://127.0.0.1:${listen}`;
  return {
    command: `${binary} serve`,
    url: `${url}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: {
      ...process.env,
      KEYHAVEN_ADDR: `127.0.0.1:${listen}`,
      KEYHAVEN_DATA_DIR: data,
      KEYHAVEN_SITE_DIR: path.resolve(__dirname, '../target/site'),
      RUST_LOG: 'warn',
      // The suite signs up many people from one address; the limit itself is a story test's.
      KEYHAVEN_REGISTRATIONS_PER_HOUR: '10000',
      KEYHAVEN_PUBLIC_URL: url,
      KEYHAVEN_SMTP_HOST: '127.0.0.1',
      KEYHAVEN_SMTP_PORT: String(smtpPort),
      KEYHAVEN_SMTP_SECURITY: 'none',
      KEYHAVEN_SMTP_FROM: 'Keyhaven <keyhaven@keyhaven.test>',
      ...extra,
    } as Record<string, string>,
  };
}

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
  webServer: [
    {
      command: 'node mail-sink.mjs',
      url: mailsURL,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        ...process.env,
        MAIL_SINK_SMTP_PORT: String(smtpPort),
        MAIL_SINK_HTTP_PORT: String(mailPort),
      } as Record<string, string>,
    },
    keyhaven(port, dataDir),
    keyhaven(port + 1, verifiedDataDir, { KEYHAVEN_REQUIRE_EMAIL_VERIFICATION: 'true' }),
  ],
});
