import { test, expect } from '@playwright/test';
import {
  changeMasterPassword, choosePreference, expectAccessible, hydrated, list, logIn, newItem, openAccountMenu, openSettings, register, save, uniqueEmail, visit,
} from './helpers';

test('a session ended on another device sends this tab to the login page, vault cleared', async ({ browser }) => {
  const email = uniqueEmail('elsewhere');
  const first = 'Harbour lights 38 over dunes';
  const second = 'Granite willow 71 at dusk!';
  const here = await (await browser.newContext()).newPage();
  await register(here, email, 'Kim Elsewhere', first);

  const there = await (await browser.newContext()).newPage();
  await logIn(there, email, first);
  await expect(there.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
  await newItem(there, 'secure_note', 'Typed on the other device');

  await changeMasterPassword(here, first, second);

  // The other device's next call is refused: it says so and leaves the vault for the login page.
  await there.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(there.getByText('your session has ended')).toBeVisible();
  await expect(there.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
  await expect(list(there)).toHaveCount(0);
  await expect(there.getByRole('navigation', { name: 'Account menu' })).toHaveCount(0);

  // This device goes on: still signed in, and the new password opens the vault.
  await visit(here, '/vault');
  await here.getByLabel('Master password').fill(second);
  await here.getByRole('button', { name: 'Unlock' }).click();
  await expect(here.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
});

test('logging out in one tab signs the other tabs of this browser out too', async ({ browser }) => {
  const password = 'Meadow cipher 45 larks!';
  const context = await browser.newContext();
  const one = await context.newPage();
  await register(one, uniqueEmail('tabs'), 'Tab Two', password);
  const two = await context.newPage();
  await two.goto('/vault');
  await hydrated(two);
  await two.getByLabel('Master password').fill(password);
  await two.getByRole('button', { name: 'Unlock' }).click();
  await expect(two.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });

  await openAccountMenu(one);
  await one.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(one.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
  // The other tab follows without being touched.
  await expect(two.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
  await expect(list(two)).toHaveCount(0);
});

test('header menus close on Escape, on a choice and on a click elsewhere', async ({ page }) => {
  await register(page, uniqueEmail('menus'), 'Menu Tester', 'Lantern meadow 52 foxes');
  const menu = page.getByRole('navigation', { name: 'Account menu' });
  const details = menu.locator('details');

  await menu.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(details).toHaveAttribute('open', '');
  await page.keyboard.press('Escape');
  await expect(details).not.toHaveAttribute('open', '');
  await expect(menu.locator('summary')).toBeFocused();

  await openAccountMenu(page);
  await page.getByRole('heading', { name: 'My vault' }).click();
  await expect(details).not.toHaveAttribute('open', '');

  await openAccountMenu(page);
  await page.getByRole('link', { name: 'Account settings' }).click();
  await expect(page.getByRole('heading', { name: 'Account settings' })).toBeVisible();
  await expect(details).not.toHaveAttribute('open', '');

  const products = page.getByRole('navigation', { name: 'Switch product' });
  await products.locator('summary').click();
  await expect(products.locator('details')).toHaveAttribute('open', '');
  await page.keyboard.press('Escape');
  await expect(products.locator('details')).not.toHaveAttribute('open', '');
});

test('the skip link moves focus to the content; a refused form focuses its first wrong field', async ({ page }) => {
  await visit(page, '/register');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email address')).toBeFocused();

  await page.getByLabel('Email address').fill('someone@example.org');
  await page.getByLabel('Your name').fill('');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Your name')).toBeFocused();
  await expect(page.getByLabel('Your name')).toHaveAttribute('aria-invalid', 'true');
});

test('signed in, "not found" and trailing-slash pages keep the account in the header', async ({ page }) => {
  await register(page, uniqueEmail('notfound'), 'Nia Found', 'Orchard signal 19 at noon');
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account menu' })).toContainText('Nia Found');
  await expect(page.getByRole('link', { name: 'Log in' })).toHaveCount(0);

  // Settings after a page load: the vault is locked, so they ask for the master password first.
  const slash = await page.goto('/settings/');
  expect(slash?.status()).toBeLessThan(500);
  await hydrated(page);
  await expect(page.getByText('Unlock your vault to change your account settings.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Account settings' })).toHaveCount(0);
  await expectAccessible(page);
  await page.locator('#unlock-password').fill('Orchard signal 19 at noon');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Account settings' })).toBeVisible({ timeout: 30_000 });
});

test('the profile shows the language in use, and saving the name keeps it', async ({ page }) => {
  await register(page, uniqueEmail('profile-lang'), 'Lou', 'Copper lantern 64 rivers');
  await choosePreference(page, 'Language', 'nl');
  await expect(page.getByRole('heading', { name: 'Mijn kluis' })).toBeVisible();
  await openSettings(page, 'Copper lantern 64 rivers');
  await page.getByLabel('Je naam').fill('Lou Peeters');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Je wijzigingen zijn opgeslagen.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Accountinstellingen' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 740 } });

  test('long values wrap instead of widening the page; one item is "1 item"', async ({ page }) => {
    await register(page, uniqueEmail('phone'), 'Pat Phone', 'Pocket compass 27 north');
    await newItem(page, 'login', 'A login with a fairly long name to see how rows cope on phones');
    await page.getByLabel('Username').fill('someone.with.a.really.long.username.without.breaks@example.org');
    await save(page, 'A login with a fairly long name to see how rows cope on phones');
    let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const edit = await page.getByRole('button', { name: 'Edit' }).boundingBox();
    expect((edit?.x ?? 999) + (edit?.width ?? 0)).toBeLessThanOrEqual(375);
    // The saved item covers the list on a phone; Back shows the list again.
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByText('1 item', { exact: true })).toBeVisible();
    overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test('in French the master password box keeps a usable width', async ({ page }) => {
    await visit(page, '/register');
    await choosePreference(page, 'Language', 'fr');
    const box = await page.getByLabel('Mot de passe principal', { exact: true }).boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
