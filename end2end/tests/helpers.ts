import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, mailsURL } from '../playwright.config';

/** Every master password and secret the suite types, for the zero-knowledge check at the end. */
export function rememberSecret(secret: string) {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.appendFileSync(path.join(dataDir, 'secrets.jsonl'), JSON.stringify(secret) + '\n');
}

/** One mail the suite's SMTP sink received (end2end/mail-sink.mjs), body decoded to text. */
export type Mail = { to: string[]; from: string; subject: string; text: string; date: string };

/** Every mail received so far for `address` (case aside), oldest first. */
export async function mailsTo(address: string): Promise<Mail[]> {
  const res = await fetch(mailsURL);
  if (!res.ok) throw new Error(`the mail sink answered ${res.status}`);
  const all = (await res.json()) as Mail[];
  const want = address.trim().toLowerCase();
  return all.filter((m) => m.to.includes(want));
}

/** Waits for a mail to `address` that satisfies `predicate` (Keyhaven sends mail in the background). */
export async function waitForMail(
  address: string,
  predicate: (mail: Mail) => boolean = () => true,
  timeout = 15_000,
): Promise<Mail> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const mails = await mailsTo(address);
    const found = mails.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = mails.map((m) => JSON.stringify(m.subject)).join(', ') || 'none';
      throw new Error(`no matching mail to ${address} within ${timeout} ms (received: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function uniqueEmail(tag: string) {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
}

/** Waits until the WASM has hydrated the page (only the browser side sets this). */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
}

/** Fails on serious or critical accessibility violations of what the page shows now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

export async function visit(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
  await expectAccessible(page);
}

export async function register(page: Page, email: string, name: string, password: string, kdf?: 'argon2id') {
  rememberSecret(password);
  await visit(page, '/register');
  if (kdf) {
    // The key-derivation choice waits under "Advanced".
    await page.getByText('Advanced', { exact: true }).click();
    await page.getByLabel('Key derivation').selectOption(kdf);
  }
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Master password', { exact: true }).fill(password);
  await page.getByLabel('Confirm master password').fill(password);
  await page.getByLabel('I understand that my master password cannot be recovered').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
}

export async function logIn(page: Page, email: string, password: string) {
  await visit(page, '/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Master password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Opens account settings (a fresh page load), unlocking the vault with `password` first. */
export async function openSettings(page: Page, password: string) {
  await visit(page, '/settings');
  const unlock = page.locator('#unlock-password');
  await expect(unlock).toBeVisible();
  await unlock.fill(password);
  await unlock.press('Enter');
  await expect(page.locator('#unlock-password')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('main h1')).toBeVisible();
}

/** Changes the master password on the settings page and waits until it is done. */
export async function changeMasterPassword(page: Page, from: string, to: string) {
  rememberSecret(to);
  await openSettings(page, from);
  await page.getByLabel('Current master password').fill(from);
  await page.getByLabel('New master password', { exact: true }).fill(to);
  await page.getByLabel('Confirm new master password').fill(to);
  await page.getByRole('button', { name: 'Change master password' }).click();
  await expect(page.getByText('Master password changed.')).toBeVisible({ timeout: 30_000 });
}

export async function openAccountMenu(page: Page) {
  await page.getByRole('navigation', { name: 'Account menu' }).locator('summary').click();
}

/** The vault's item list. */
export const list = (page: Page) => page.getByRole('list', { name: 'Items' });

const TYPE_NAMES: Record<string, string> = {
  login: 'Login', card: 'Card', identity: 'Identity', secure_note: 'Secure note',
};

/** Opens the summary-button of the menu `summaryId` (a `details.menu-box`) if it is closed. */
export async function openMenu(page: Page, summaryId: string) {
  const summary = page.locator(`#${summaryId}`);
  const open = await summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open);
  if (!open) await summary.click();
  return page.locator(`details:has(> #${summaryId}) .menu-list`);
}

/** Opens the New menu and picks an item type (English names). */
export async function startNew(page: Page, type: string) {
  const menu = await openMenu(page, 'new-menu');
  await menu.getByRole('button', { name: TYPE_NAMES[type] ?? type, exact: true }).click();
}

/** Opens one of the vault's tools (Password generator, Import items, Export vault). */
export async function openTool(page: Page, name: string) {
  const menu = await openMenu(page, 'tools-menu');
  await menu.getByRole('button', { name, exact: true }).click();
}

/** Picks a language or theme in the header's Preferences menu (`label` in the page's language). */
export async function choosePreference(page: Page, label: string | RegExp, value: string) {
  await openMenu(page, 'preferences-menu');
  await page.getByLabel(label).selectOption(value);
}

/** Opens the form for a new item of `type` and names it. */
export async function newItem(page: Page, type: string, name: string) {
  await startNew(page, type);
  await page.getByLabel('Name', { exact: true }).fill(name);
  rememberSecret(name);
}

/** Saves the item form and waits for the saved item's view. */
export async function save(page: Page, name: string) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Item saved.').last()).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

/** Imports a Bitwarden CSV through the Import tool and waits for the count it reports. */
export async function importCsv(page: Page, csv: string, count: number) {
  await openTool(page, 'Import items');
  await page.getByLabel('File to import').setInputFiles({ name: 'import.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('form.transfer').getByRole('button', { name: 'Import items' }).click();
  await expect(page.getByText(count === 1 ? 'Imported 1 item.' : `Imported ${count} items.`)).toBeVisible();
}

/** Asserts that the page does not scroll sideways. */
export async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Asserts that `locator`'s box lies inside the viewport, horizontally (and vertically if asked). */
export async function insideViewport(page: Page, locator: import('@playwright/test').Locator, vertically = false) {
  const box = await locator.boundingBox();
  const size = page.viewportSize()!;
  expect(box, 'drawn').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(size.width + 0.5);
  if (vertically) {
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(size.height + 0.5);
  }
}
