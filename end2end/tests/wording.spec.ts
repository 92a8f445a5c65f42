import { test, expect, Page } from '@playwright/test';
import { expectAccessible, list, newItem, register, rememberSecret, save, uniqueEmail } from './helpers';

// The item view's copy, show and open buttons are icons: each has a tooltip (title) and the same
// text as its accessible name, and that text names the field as it is called on screen.

/** A compact icon button: found by its accessible name, with the same text as its tooltip. */
async function iconButton(page: Page, name: string) {
  const button = page.getByRole('article').getByRole('button', { name, exact: true });
  await expect(button).toBeVisible();
  await expect(button).toHaveAttribute('title', name);
  await expect(button).toHaveText('');
  return button;
}

/** Picks a language in the header (inside the preferences menu where there is one). */
async function chooseLanguage(page: Page, code: string) {
  const select = page.locator('#language-select');
  if (!(await select.isVisible())) {
    await page.getByRole('navigation', { name: /^(Preferences|Voorkeuren|Préférences)$/ }).locator('summary').click();
  }
  await select.selectOption(code);
  await expect(page.locator('html')).toHaveAttribute('lang', code);
}

test('item buttons name their field: custom fields as written, card fields, old passwords by day; French reads naturally', async ({ page }) => {
  await register(page, uniqueEmail('wording'), 'Wren Wording', 'Careful words 47 matter!');

  // A login with a hidden custom field named "PIN", and one earlier password.
  await newItem(page, 'login', 'Wording bank');
  await page.getByLabel('Username').fill('wren');
  await page.getByLabel('Password', { exact: true }).fill('old-Wording-1');
  rememberSecret('old-Wording-1');
  await page.getByLabel('Website (URI)', { exact: true }).fill('https://bank.example');
  await page.getByRole('button', { name: 'Add a field' }).click();
  await page.getByLabel('Name of field 1').fill('PIN');
  await page.getByLabel('Type of field 1').selectOption('hidden');
  await page.getByLabel('Value of field 1').fill('482913');
  rememberSecret('482913');
  await save(page, 'Wording bank');

  await iconButton(page, 'Copy username');
  await iconButton(page, 'Copy password');
  await iconButton(page, 'Copy website');
  await expect(page.getByRole('article').getByRole('link', { name: 'Open website', exact: true })).toHaveAttribute('title', 'Open website');
  // "PIN" as its owner wrote it, never "pin".
  await iconButton(page, 'Copy PIN');
  const showPin = await iconButton(page, 'Show PIN');
  await showPin.click();
  await expect(page.getByRole('article').getByText('482913')).toBeVisible();
  await iconButton(page, 'Hide PIN');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Password', { exact: true }).fill('new-Wording-2');
  rememberSecret('new-Wording-2');
  await save(page, 'Wording bank');
  const today = await page.evaluate(() => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const d = new Date();
    return `${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()}`;
  });
  await page.getByText('Password history (1)').click();
  const history = page.locator('details.history');
  const showOld = history.getByRole('button', { name: `Show password from ${today}`, exact: true });
  await expect(showOld).toHaveAttribute('title', `Show password from ${today}`);
  await showOld.click();
  await expect(history.getByText('old-Wording-1')).toBeVisible();
  await expect(history.getByRole('button', { name: `Copy password from ${today}`, exact: true })).toBeVisible();

  // A card: its secrets say which they are, not "Show password".
  await newItem(page, 'card', 'Wording card');
  await page.getByLabel('Card number').fill('4111111111111111');
  rememberSecret('4111111111111111');
  await page.getByLabel('Security code').fill('737');
  await save(page, 'Wording card');
  await iconButton(page, 'Show card number');
  await iconButton(page, 'Copy card number');
  const showCode = await iconButton(page, 'Show security code');
  await iconButton(page, 'Copy security code');
  await expect(page.getByRole('article').getByRole('button', { name: /password/i })).toHaveCount(0);
  await showCode.click();
  await expect(page.getByRole('article').getByText('737', { exact: true })).toBeVisible();
  await iconButton(page, 'Hide security code');
  await expectAccessible(page);

  // French: a phrase of its own per field ("Copier le nom d'utilisateur", not "Copier : nom
  // d'utilisateur"), and a custom field's name in « » with non-breaking spaces inside.
  await chooseLanguage(page, 'fr');
  await expect(page.getByRole('heading', { name: 'Mon coffre' })).toBeVisible();
  await page.locator('.item-row', { hasText: 'Wording bank' }).click();
  await iconButton(page, "Copier le nom d'utilisateur");
  await iconButton(page, 'Copier le mot de passe');
  await iconButton(page, 'Copier «\u00a0PIN\u00a0»');
  await expect(page.getByRole('article').getByRole('button', { name: /^Copier :/ })).toHaveCount(0);
  await page.locator('.item-row', { hasText: 'Wording card' }).click();
  await iconButton(page, 'Afficher le numéro de carte');
  await iconButton(page, 'Afficher le code de sécurité');
});
