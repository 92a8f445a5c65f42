// Pages on a slow link (docs/BENCHMARKS.md, "Slow links"): Chromium throttled to 400 kbit/s each
// way with 400 ms of latency (DevTools' network emulation), a cold cache each time. For the login,
// registration and vault pages: when the form is first shown (first contentful paint), when it is
// interactive (the app has hydrated: `body[data-hydrated]`), and the bytes and requests it took to
// get there. Usage: node bench/slow-link.mjs BASE_URL [RUNS]
import { launch, median } from './common.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[3] ?? 3);
const profile = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const password = 'slow link master password 1';
const email = `slow-${Date.now()}@example.org`;

const browser = await launch();

/** Registers (unthrottled) and returns the context's cookies, so /vault can be measured signed in. */
async function account() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/register`);
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Your name', { exact: true }).fill('Slow Link');
  await page.getByLabel('Master password', { exact: true }).fill(password);
  await page.getByLabel('Confirm master password').fill(password);
  const ack = page.getByLabel(/cannot be recovered/);
  await ack.check();
  const weak = page.getByLabel(/Use it anyway/);
  if (await weak.count()) await weak.check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'My vault' }).waitFor({ timeout: 120_000 });
  const cookies = await context.cookies();
  await context.close();
  return cookies;
}

async function measure(path, cookies) {
  const context = await browser.newContext();
  if (cookies) await context.addCookies(cookies);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', profile);
  let bytes = 0;
  let requests = 0;
  let interactive = false;
  cdp.on('Network.loadingFinished', (e) => {
    if (!interactive) {
      bytes += e.encodedDataLength;
      requests += 1;
    }
  });
  const t0 = Date.now();
  await page.goto(`${base}${path}`, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout: 120_000 });
  interactive = true;
  const tti = Date.now() - t0;
  const fcp = await page.evaluate(() =>
    performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await context.close();
  return { tti, fcp, bytes, requests };
}

const cookies = await account();
for (const [path, signedIn] of [['/login', false], ['/register', false], ['/vault', true]]) {
  const results = [];
  for (let i = 0; i < runs; i += 1) results.push(await measure(path, signedIn ? cookies : null));
  const m = (k) => median(results.map((r) => r[k]));
  console.log(`${path}: first paint ${Math.round(m('fcp'))} ms, interactive ${m('tti')} ms, ` +
    `${(m('bytes') / 1024).toFixed(0)} KiB in ${m('requests')} requests before interactive (median of ${runs})`);
}
await browser.close();
