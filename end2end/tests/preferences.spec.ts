import { test, expect } from '@playwright/test';
import { choosePreference, hydrated, logIn, openSettings, register, uniqueEmail, visit } from './helpers';

test('language switches to Dutch and French and is remembered', async ({ page }) => {
  await visit(page, '/login');
  await expect(page.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();

  await choosePreference(page, 'Language', 'nl');
  await expect(page.getByRole('heading', { name: 'Inloggen bij Keyhaven' })).toBeVisible();
  await expect(page.getByLabel('E-mailadres')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Inloggen' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Inloggen bij Keyhaven' })).toBeVisible();

  await choosePreference(page, 'Taal', 'fr');
  await expect(page.getByRole('heading', { name: 'Connexion à Keyhaven' })).toBeVisible();
  await expect(page.getByLabel('Mot de passe principal')).toBeVisible();
  await page.getByRole('link', { name: 'Créer un compte' }).click();
  await expect(page.getByRole('heading', { name: 'Créez votre compte Keyhaven' })).toBeVisible();
  await expect(page.getByText('Votre mot de passe principal ne peut pas être récupéré')).toBeVisible();
  await choosePreference(page, 'Langue', 'en');
  await expect(page.getByRole('heading', { name: 'Create your Keyhaven account' })).toBeVisible();
});

test('the last of two quick language choices wins, on screen and after a reload', async ({ page }) => {
  await visit(page, '/login');
  // Neither part is here yet: both may be on their way at once, and Dutch may arrive last. (By id:
  // the label itself turns Dutch as soon as Dutch arrives.)
  await choosePreference(page, /Language/, 'nl');
  const select = page.locator('#language-select');
  await select.selectOption('fr');
  await expect(page.getByRole('heading', { name: 'Connexion à Keyhaven' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await page.waitForTimeout(500);
  await expect(page.getByRole('heading', { name: 'Connexion à Keyhaven' })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Connexion à Keyhaven' })).toBeVisible();
});

test.describe('a browser that prefers French', () => {
  test.use({ locale: 'fr-FR' });
  test('gets French without choosing', async ({ page }) => {
    await visit(page, '/login');
    await expect(page.getByRole('heading', { name: 'Connexion à Keyhaven' })).toBeVisible();
  });
});

test('theme is remembered across reloads and sessions', async ({ page }) => {
  await visit(page, '/login');
  await choosePreference(page, 'Theme', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(dark);
  await expect(page.locator('#theme-select')).toHaveValue('dark');
  await choosePreference(page, 'Theme', 'light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(dark);
});

test('the one language selector, in the header, follows the account to another browser', async ({ page, browser }) => {
  const email = uniqueEmail('profile');
  const password = 'Lantern harbour 64 pebbles';
  await register(page, email, 'Noor', password);
  await openSettings(page, password);
  // Settings have no second language selector.
  await expect(page.locator('main select#profile-language')).toHaveCount(0);
  await expect(page.locator('select#language-select')).toHaveCount(1);
  await choosePreference(page, 'Language', 'nl');
  await expect(page.getByRole('heading', { name: 'Accountinstellingen' })).toBeVisible();
  await page.getByLabel('Je naam').fill('Noor Jansen');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Je wijzigingen zijn opgeslagen.')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Accountmenu' })).toContainText('Noor Jansen');
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');

  // A fresh browser that asks for English gets Dutch once this account logs in.
  const other = await browser.newContext({ locale: 'en-US' });
  const elsewhere = await other.newPage();
  await logIn(elsewhere, email, password);
  await expect(elsewhere.getByRole('heading', { name: 'Mijn kluis' })).toBeVisible({ timeout: 30_000 });
  await other.close();
});
