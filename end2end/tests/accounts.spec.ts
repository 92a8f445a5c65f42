import { test, expect } from '@playwright/test';
import { changeMasterPassword, expectAccessible, hydrated, logIn, openAccountMenu, register, rememberSecret, uniqueEmail, visit } from './helpers';

test('create account, log out, log in, lock, unlock, change master password', async ({ page }) => {
  const email = uniqueEmail('story');
  const first = 'Tangerine orbit 47 lanterns!';
  const second = 'Velvet hammock 93 glaciers?';
  rememberSecret(second);

  await register(page, email, 'Riley Story', first);
  await expect(page.getByText('There are no items in your vault yet.')).toBeVisible();
  await expectAccessible(page);

  // Log out, log back in.
  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
  await logIn(page, email, first);
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });

  // Lock, then unlock with the master password (a wrong one is refused at the field).
  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Lock now' }).click();
  await expect(page.getByRole('heading', { name: 'Your vault is locked' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Master password').fill('not my password at all');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('That master password is not right.')).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Master password').fill(first);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });

  // A reload drops the key from memory: the vault is locked again, the session is not.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Your vault is locked' })).toBeVisible();

  // Change the master password.
  await changeMasterPassword(page, first, second);

  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();

  // The old password is refused, the new one accepted.
  await logIn(page, email, first);
  await expect(page.locator('#login-error')).toHaveText('The email address or master password is wrong.', { timeout: 30_000 });
  await expect(page.locator('#login-error')).toHaveRole('alert');
  await logIn(page, email, second);
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
});

test('registration explains problems next to the fields', async ({ page }) => {
  await visit(page, '/register');
  await expect(page.getByText('Your master password cannot be recovered')).toBeVisible();
  await page.getByLabel('Email address').fill('not-an-email');
  await page.getByLabel('Your name').fill('Sam');
  await page.getByLabel('Master password', { exact: true }).fill('short');
  await page.getByLabel('Confirm master password').fill('different');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Enter an email address such as name@example.com.')).toBeVisible();
  await expect(page.getByText('Use at least 12 characters.')).toBeVisible();
  await expect(page.getByText('The passwords do not match.')).toBeVisible();
  await expect(page.getByLabel('Email address')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);

  // The strength meter reacts to what is typed.
  await page.getByLabel('Master password', { exact: true }).fill('aaaaaaaaaaaa');
  await expect(page.locator('.strength-word')).toHaveText('Very weak');
  await page.getByLabel('Master password', { exact: true }).fill('Quiet meadow 58 anchors & kites');
  await expect(page.locator('.strength-word')).toHaveText('Strong');

  // A taken email is reported by the server, at the email field.
  const email = uniqueEmail('taken');
  await register(page, email, 'First Owner', 'Copper kettle 12 sunrise!');
  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
  await visit(page, '/register');
  await page.getByLabel('Email address').fill(email.toUpperCase());
  await page.getByLabel('Your name').fill('Second Owner');
  const pw = 'Another strong one 77 yes';
  rememberSecret(pw);
  await page.getByLabel('Master password', { exact: true }).fill(pw);
  await page.getByLabel('Confirm master password').fill(pw);
  await page.getByLabel('I understand that my master password cannot be recovered').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('An account with this email address already exists.')).toBeVisible({ timeout: 30_000 });
});

test('unknown pages say so', async ({ page }) => {
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expectAccessible(page);
});
