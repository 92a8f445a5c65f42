// A large vault in headless Chromium: unlock → decrypt → first screen of the list (measured from
// the moment the keys are open, i.e. after the KDF), search keystroke → results, tab memory.
// Usage: node bench/vault.mjs BASE_URL EMAIL PASSWORD (a vault made by server/examples/seed_vault.rs)
import { chromium } from '@playwright/test';
import { execSync } from 'node:child_process';

const [base, email, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const page = await (await browser.newContext()).newPage();
await page.goto(`${base}/login`);
await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
await page.getByLabel('Email address').fill(email);
await page.getByLabel('Master password').fill(password);
await page.getByRole('button', { name: 'Log in' }).click();
await page.getByRole('heading', { name: 'My vault' }).waitFor({ timeout: 60_000 });

const firstScreen = [];
const decrypt = [];
for (let i = 0; i < 5; i++) {
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  await page.getByLabel('Master password').fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForFunction(() => performance.getEntriesByName('keyhaven:list-painted').length > 0, null, { timeout: 60_000 });
  const [opened, decrypted, painted] = await page.evaluate(() =>
    ['keyhaven:keys-opened', 'keyhaven:vault-decrypted', 'keyhaven:list-painted'].map((n) => performance.getEntriesByName(n)[0].startTime));
  firstScreen.push(painted - opened);
  decrypt.push(decrypted - opened);
}
const rows = await page.locator('ul.items li').count();
const shown = await page.locator('.vault-list p.muted.small').textContent();
console.log(`vault: ${shown}; rows in the DOM: ${rows}`);
console.log(`keys open → list fetched + decrypted, median of 5: ${median(decrypt).toFixed(0)} ms  [${decrypt.map((t) => t.toFixed(0)).join(', ')}]`);
console.log(`keys open → first screen of the list painted, median of 5: ${median(firstScreen).toFixed(0)} ms  [${firstScreen.map((t) => t.toFixed(0)).join(', ')}]`);

// One keystroke at a time, as typed: time from the input event to the next frame.
const search = await page.evaluate(async () => {
  const input = document.getElementById('vault-search');
  const times = [];
  let typed = '';
  for (const ch of 'item 0421 bank') {
    typed += ch;
    const t0 = performance.now();
    input.value = typed;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    times.push(performance.now() - t0);
  }
  return times;
});
console.log(`search keystroke → results on screen, median of ${search.length}: ${median(search).toFixed(1)} ms, worst ${Math.max(...search).toFixed(1)} ms`);
console.log(`results for "item 0421 bank": ${await page.locator('ul.items li').count()} row(s)`);

const cdp = await page.context().newCDPSession(page);
await cdp.send('HeapProfiler.collectGarbage');
await cdp.send('Performance.enable');
const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
// The tab's renderer process as the OS sees it (WASM linear memory included).
const renderers = execSync("ps -eo rss,args | grep -- '--type=renderer' | grep -v grep || true").toString()
  .trim().split('\n').filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[0]));
console.log(`tab memory: JS heap used ${(metrics.JSHeapUsedSize / 1048576).toFixed(1)} MiB; ` +
  `renderer RSS ${renderers.map((kb) => (kb / 1024).toFixed(0) + ' MiB').join(' + ')}`);
await browser.close();
