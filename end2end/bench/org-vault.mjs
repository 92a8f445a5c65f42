// A vault with organizations in headless Chromium (scripts/bench-org.sh): unlock → every page of
// the personal vault and of each organization's shared items fetched → all decrypted → first
// screen of the list painted, measured from the moment the keys are open (after the KDF), with the
// marks the app sets (as bench/vault.mjs). The app decrypts every item before it paints, so the
// first screen shows the shared items decrypted.
// Usage: node bench/org-vault.mjs BASE_URL EMAIL PASSWORD [RUNS] (data from server/examples/seed_org.rs)
import { launch, logIn, median, tabMemory } from './common.mjs';

const [base, email, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const browser = await launch();
const list = (xs) => xs.map((t) => t.toFixed(0)).join(', ');
const page = await logIn(browser, base, email, password, 120_000);

const fetched = [];
const decrypted = [];
const painted = [];
let calls = 0;
for (let i = 0; i < runs; i++) {
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  await page.getByLabel('Master password').fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForFunction(() => performance.getEntriesByName('keyhaven:list-painted').length > 0, null, { timeout: 120_000 });
  const t = await page.evaluate(() => {
    const at = (n) => performance.getEntriesByName(n)[0].startTime;
    const opened = at('keyhaven:keys-opened');
    // The list's calls after unlocking: every page of vault_list, orgs_mine, every shared_list page.
    const api = performance.getEntriesByType('resource')
      .filter((e) => /\/api\/(vault_list|orgs_mine|shared_list)$/.test(e.name) && e.startTime >= opened);
    return {
      opened,
      fetched: Math.max(...api.map((e) => e.responseEnd)),
      calls: api.length,
      decrypted: at('keyhaven:vault-decrypted'),
      painted: at('keyhaven:list-painted'),
    };
  });
  fetched.push(t.fetched - t.opened);
  decrypted.push(t.decrypted - t.opened);
  painted.push(t.painted - t.opened);
  calls = t.calls;
}
const shown = await page.locator('.vault-list p.muted.small').textContent();
// Items whose sealed parts did not open carry the "keys could not be opened" text as their name.
await page.locator('#vault-search').fill('Your keys could not be opened');
await page.waitForTimeout(300);
const unreadable = Number((await page.locator('.vault-list p.muted.small').textContent()).replace(/\D/g, '')) || 0;
await page.locator('#vault-search').fill('');
console.log(`vault: ${shown} (${calls} list calls); items that did not open: ${unreadable}`);
console.log(`keys open → every page fetched, median of ${runs}: ${median(fetched).toFixed(0)} ms  [${list(fetched)}]`);
console.log(`keys open → every item decrypted, median of ${runs}: ${median(decrypted).toFixed(0)} ms  [${list(decrypted)}]`);
console.log(`keys open → first screen of the list painted, median of ${runs}: ${median(painted).toFixed(0)} ms  [${list(painted)}]`);

console.log(await tabMemory(page));
await browser.close();
