// What the browser benchmarks share: headless Chromium as this machine runs it, the median, signing
// in to a seeded vault, and the tab's memory.
import { chromium } from '@playwright/test';
import { execSync } from 'node:child_process';

export const launch = () => chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
});

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Signs in on a fresh page and waits for the vault. */
export async function logIn(browser, base, email, password, timeout = 60_000) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/login`);
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Master password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'My vault' }).waitFor({ timeout });
  return page;
}

/** The tab's JS heap after a collection, and the renderer processes as the OS sees them (WASM
 * linear memory included). */
export async function tabMemory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const renderers = execSync("ps -eo rss,args | grep -- '--type=renderer' | grep -v grep || true").toString()
    .trim().split('\n').filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[0]));
  return `tab memory: JS heap used ${(metrics.JSHeapUsedSize / 1048576).toFixed(1)} MiB; ` +
    `renderer RSS ${renderers.map((kb) => (kb / 1024).toFixed(0) + ' MiB').join(' + ')}`;
}
