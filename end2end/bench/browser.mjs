// Time to interactive of a fresh page, and unlock time at the default KDF, in headless Chromium.
import { chromium } from '@playwright/test';

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
// KEYHAVEN_BENCH_RUNS: samples per measurement (default 5; more for comparing two builds).
const runs = Number(process.env.KEYHAVEN_BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Fresh context each time: nothing cached.
const tti = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  tti.push(await page.evaluate(() => performance.now()));
  await context.close();
}
console.log(`fresh /login to interactive (hydrated), median of ${runs}: ${median(tti).toFixed(0)} ms  [${tti.map((t) => t.toFixed(0)).join(', ')}]`);

const context = await browser.newContext();
const page = await context.newPage();
const email = `bench-${Date.now()}@example.org`;
const password = 'Benchmark master password 1';
await page.goto(`${base}/register`);
await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
await page.getByLabel('Email address').fill(email);
await page.getByLabel('Your name').fill('Bench');
await page.getByLabel('Master password', { exact: true }).fill(password);
await page.getByLabel('Confirm master password').fill(password);
await page.getByLabel('I understand that my master password cannot be recovered').check();
await page.getByRole('button', { name: 'Create account' }).click();
await page.getByRole('heading', { name: 'My vault' }).waitFor({ timeout: 60_000 });

const unlock = [];
for (let i = 0; i < runs; i++) {
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  await page.getByLabel('Master password').fill(password);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('heading', { name: 'My vault' }).waitFor({ timeout: 60_000 });
  unlock.push(Date.now() - t0);
}
console.log(`unlock (PBKDF2-SHA256 600,000 + key fetch + decrypt), median of ${runs}: ${median(unlock)} ms  [${unlock.join(', ')}]`);
await browser.close();
