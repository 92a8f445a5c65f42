import { test, expect } from '@playwright/test';
import {
  expectAccessible, hydrated, logIn, openAccountMenu, openSettings, openTool, register, rememberSecret, save, startNew, uniqueEmail, visit,
} from './helpers';

// Forms that check what they can, say it at the field, and forget it once fixed (issue 11).

test('sign-up: a real strength meter, silent before typing; weak needs "Use it anyway"; the key derivation waits under Advanced', async ({ page }) => {
  await visit(page, '/register');
  // Nothing is said before typing.
  await expect(page.locator('#strength-word')).toHaveText('');
  await expect(page.getByLabel('Key derivation')).toBeHidden();
  await page.getByText('Advanced', { exact: true }).click();
  await expect(page.getByLabel('Key derivation')).toBeVisible();
  await expect(page.getByLabel('Key derivation')).toHaveValue(/pbkdf2/i);

  const email = uniqueEmail('weak');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Your name').fill('Wes Weak');
  const master = page.getByLabel('Master password', { exact: true });
  await master.fill('password1234');
  rememberSecret('password1234');
  await expect(page.locator('#strength-word')).toHaveText(/^(Very weak|Weak)$/);
  await page.getByLabel('Confirm master password').fill('password1234');
  await page.getByLabel('I understand that my master password cannot be recovered').check();
  const anyway = page.getByLabel('Use it anyway');
  await expect(anyway).toBeVisible();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#accept-weak-password-error')).toContainText('Choose a stronger master password');
  await expect(page.getByRole('heading', { name: 'My vault' })).toHaveCount(0);

  // A strong one: the meter says so and the checkbox goes.
  await master.fill('Copper kettle 12 sunrise!');
  await expect(page.locator('#strength-word')).toHaveText(/^(Good|Strong)$/);
  await expect(anyway).toHaveCount(0);
  await master.fill('password1234');
  await expect(anyway).toBeVisible();
  await anyway.check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
});

test('login errors are said at the form; the same master password is refused as a new one', async ({ page }) => {
  const email = uniqueEmail('same');
  const password = 'Quiet meadow 58 anchors & kites';
  await register(page, email, 'Sam Same', password);
  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await logIn(page, email, 'not my password at all');
  const error = page.locator('#login-error');
  await expect(error).toHaveText('The email address or master password is wrong.', { timeout: 30_000 });
  await expect(page.locator('form').filter({ has: error })).toHaveCount(1);
  await logIn(page, email, password);
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });

  await openSettings(page, password);
  await expect(page.getByText('only the key that protects it changes')).toBeVisible();
  await page.getByLabel('Current master password').fill(password);
  await page.getByLabel('New master password', { exact: true }).fill(password);
  await page.getByLabel('Confirm new master password').fill(password);
  await page.getByRole('button', { name: 'Change master password' }).click();
  await expect(page.getByText('Choose a master password that differs from the current one.')).toBeVisible();
  await expect(page.getByLabel('New master password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
});

test('card fields are checked: month, year, security code of the brand; a mistyped number is only a warning', async ({ page }) => {
  await register(page, uniqueEmail('card'), 'Cara Card', 'Plastic money 81 rules');
  await startNew(page, 'card');
  await page.getByLabel('Name', { exact: true }).fill('Checked card');
  await page.getByLabel('Card number').fill('4111 1111 1111 1112');
  rememberSecret('4111 1111 1111 1112');
  // The reveal buttons name what they reveal.
  await page.getByRole('button', { name: 'Show card number' }).click();
  await expect(page.getByLabel('Card number')).toHaveAttribute('type', 'text');
  await expect(page.getByRole('button', { name: 'Hide card number' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show security code' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show password' })).toHaveCount(0);
  await page.getByLabel('Expiration month').fill('13');
  await page.getByLabel('Expiration year').fill('31');
  await page.getByLabel('Security code').fill('12a');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#item-exp-month-error')).toHaveText('Enter the month as a number from 1 to 12.');
  await expect(page.locator('#item-exp-year-error')).toHaveText('Enter the year in four digits, such as 2031.');
  await expect(page.locator('#item-card-code-error')).toHaveText('The security code of this card has 3 digits.');
  await expect(page.getByLabel('Expiration month')).toBeFocused();
  // Luhn: a warning, not an error.
  const warning = page.locator('#item-card-number-warning');
  await expect(warning).toContainText('looks mistyped');
  await expect(page.getByLabel('Card number')).not.toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);

  // Each error goes as soon as its field is right.
  await page.getByLabel('Expiration month').fill('4');
  await expect(page.locator('#item-exp-month-error')).toBeHidden();
  await expect(page.locator('#item-exp-year-error')).toBeVisible();
  await page.getByLabel('Expiration year').fill('2031');
  await expect(page.locator('#item-exp-year-error')).toBeHidden();
  await page.getByLabel('Security code').fill('123');
  await expect(page.locator('#item-card-code-error')).toBeHidden();
  // The unusual number still saves.
  await save(page, 'Checked card');
  await expect(page.getByRole('article').getByRole('heading', { name: 'Checked card' })).toBeVisible();
});

test('a custom field needs a name', async ({ page }) => {
  await register(page, uniqueEmail('field-name'), 'Fiona Field', 'Named fields 47 only');
  await startNew(page, 'login');
  await page.getByLabel('Name', { exact: true }).fill('Router');
  await page.getByRole('button', { name: 'Add a field' }).click();
  await page.getByLabel('Value of field 1').fill('router-admin-pass');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Give each custom field a name.')).toBeVisible();
  await page.getByLabel('Name of field 1').fill('Admin password');
  await expect(page.getByText('Give each custom field a name.')).toBeHidden();
  await save(page, 'Router');
  await expect(page.getByRole('article')).toContainText('Admin password');
});

test('the generator refuses to ignore its settings and remembers them', async ({ page }) => {
  await register(page, uniqueEmail('gen-mem'), 'Gemma Gen', 'Remembered options 63 ok');
  await openTool(page, 'Password generator');
  const output = page.locator('#generated');
  await expect(output).toHaveText(/^.{20}$/);
  for (const id of ['#gen-upper', '#gen-lower', '#gen-digits', '#gen-symbols']) {
    await page.locator(id).uncheck();
  }
  await expect(page.locator('#generator-error')).toHaveText('Choose at least one kind of character to generate a password.');
  await expect(output).toHaveText('');
  await page.locator('#gen-digits').check();
  await expect(page.locator('#generator-error')).toBeHidden();
  await page.getByLabel('Length').fill('12');
  await page.getByLabel('Length').press('Tab');
  await expect(output).toHaveText(/^[0-9]{12}$/);

  // Remembered: after a reload, in the tool and in the item form's generator alike.
  await page.reload();
  await hydrated(page);
  await page.locator('#unlock-password').fill('Remembered options 63 ok');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await openTool(page, 'Password generator');
  await expect(page.locator('#gen-upper')).not.toBeChecked();
  await expect(page.locator('#gen-digits')).toBeChecked();
  await expect(page.getByLabel('Length')).toHaveValue('12');
  await expect(output).toHaveText(/^[0-9]{12}$/);

  // The tool closes with its button, or with Escape.
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(output).toHaveCount(0);
  await openTool(page, 'Password generator');
  await page.getByLabel('Length').press('Escape');
  await expect(output).toHaveCount(0);
  await expect(page.locator('#tools-menu')).toBeFocused();
});
