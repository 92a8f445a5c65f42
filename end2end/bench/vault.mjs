// A large vault in headless Chromium: unlock → decrypt → first screen of the list (measured from
// the moment the keys are open, i.e. after the KDF), search keystroke → results, tab memory.
// Usage: node bench/vault.mjs BASE_URL EMAIL PASSWORD (a vault made by server/examples/seed_vault.rs)
import { launch, logIn, median, tabMemory } from './common.mjs';

const [base, email, password] = process.argv.slice(2);
const browser = await launch();
const page = await logIn(browser, base, email, password, 60_000);

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

console.log(await tabMemory(page));
await browser.close();
