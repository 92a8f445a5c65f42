import { test, expect } from '@playwright/test';
import { expectAccessible, hydrated, list, newItem, register, rememberSecret, save, uniqueEmail } from './helpers';

test('personal vault: each type created, viewed, edited, searched, filtered, trashed, restored, deleted', async ({ page }) => {
  const password = 'Orchard lantern 31 ravens!';
  await register(page, uniqueEmail('vault'), 'Vera', password);
  await expect(page.getByText('There are no items in your vault yet.')).toBeVisible();
  await expectAccessible(page);

  // A login.
  await newItem(page, 'login', 'Bank of Examples');
  await page.getByLabel('Username').fill('vera.k');
  const loginPassword = 'Zq8!mountain-Harbor-42';
  rememberSecret(loginPassword);
  await page.getByLabel('Password', { exact: true }).fill(loginPassword);
  await page.getByLabel('Website (URI)').fill('https://bank.example');
  await page.getByLabel('Notes').fill('Branch on Juniper Street');
  rememberSecret('Branch on Juniper Street');
  await expectAccessible(page);
  await save(page, 'Bank of Examples');
  await expect(page.getByText('••••••••')).toBeVisible();
  await expect(page.getByText(loginPassword)).toHaveCount(0);
  await page.getByRole('button', { name: 'Show password' }).click();
  await expect(page.getByText(loginPassword)).toBeVisible();
  await expectAccessible(page);

  // A card, an identity, a secure note.
  await newItem(page, 'card', 'Travel card');
  await page.getByLabel('Cardholder name').fill('Vera K');
  rememberSecret('4111111111111111');
  await page.getByLabel('Card number').fill('4111111111111111');
  await expect(page.getByText('Visa')).toBeVisible();
  await page.getByLabel('Expiration month').fill('09');
  await page.getByLabel('Expiration year').fill('2030');
  await page.getByLabel('Security code').fill('737');
  await save(page, 'Travel card');

  await newItem(page, 'identity', 'Passport details');
  await page.getByLabel('First name').fill('Vera');
  await page.getByLabel('Last name').fill('Kowalski');
  await save(page, 'Passport details');

  await newItem(page, 'secure_note', 'Door codes');
  await page.getByLabel('Notes').fill('Back door 7731');
  rememberSecret('Back door 7731');
  await save(page, 'Door codes');

  // The list shows subtitles, sorted by name.
  await expect(list(page).getByRole('button')).toHaveText([
    /Bank of Examples.*vera\.k/, /Door codes/, /Passport details.*Vera Kowalski/, /Travel card.*Visa, \*1111/,
  ]);

  // Search runs over names, usernames, URIs and notes.
  await page.getByLabel('Search the vault').fill('juniper');
  await expect(list(page).getByRole('button')).toHaveText([/Bank of Examples/]);
  await page.getByLabel('Search the vault').fill('7731');
  await expect(list(page).getByRole('button')).toHaveText([/Door codes/]);
  await page.getByLabel('Search the vault').fill('nothing like this');
  await expect(page.getByText('No items match.')).toBeVisible();
  await page.getByLabel('Search the vault').fill('');

  // Filters.
  await page.getByRole('button', { name: 'Cards' }).click();
  await expect(list(page).getByRole('button')).toHaveText([/Travel card/]);
  await page.getByRole('button', { name: 'Identities' }).click();
  await expect(list(page).getByRole('button')).toHaveText([/Passport details/]);
  await page.getByRole('button', { name: 'All items' }).click();
  await expect(list(page).getByRole('button')).toHaveCount(4);

  // Edit, and favorite.
  await list(page).getByRole('button', { name: /Bank of Examples/ }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Username').fill('vera.kowalski');
  await page.getByLabel('Favorite').check();
  await save(page, 'Bank of Examples');
  await page.getByRole('button', { name: 'Favorites' }).click();
  await expect(list(page).getByRole('button')).toHaveText([/Bank of Examples.*vera\.kowalski/]);
  await page.getByRole('button', { name: 'All items' }).click();

  // Every other type edits too.
  await list(page).getByRole('button', { name: /Travel card/ }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Card number').fill('5500000000000004');
  rememberSecret('5500000000000004');
  await save(page, 'Travel card');
  await list(page).getByRole('button', { name: /Passport details/ }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Last name').fill('Nowak');
  await save(page, 'Passport details');
  await list(page).getByRole('button', { name: /Door codes/ }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Notes').fill('Back door 7731, garage 1200');
  rememberSecret('Back door 7731, garage 1200');
  await save(page, 'Door codes');
  await expect(list(page).getByRole('button')).toHaveText([
    /Bank of Examples/, /Door codes/, /Passport details.*Vera Nowak/, /Travel card.*Mastercard, \*0004/,
  ]);

  // Trash, restore, trash again, delete permanently.
  await list(page).getByRole('button', { name: /Door codes/ }).click();
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await expect(page.getByText('Item moved to the trash.').last()).toBeVisible();
  await expect(list(page).getByRole('button')).toHaveCount(3);
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await expect(list(page).getByRole('button')).toHaveText([/Door codes/]);
  await list(page).getByRole('button', { name: /Door codes/ }).click();
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('Item restored.')).toBeVisible();
  await page.getByRole('button', { name: 'All items' }).click();
  await expect(list(page).getByRole('button')).toHaveCount(4);

  await list(page).getByRole('button', { name: /Door codes/ }).click();
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await list(page).getByRole('button', { name: /Door codes/ }).click();
  await page.getByRole('button', { name: 'Delete permanently' }).click();
  await expect(page.getByText('Delete this item permanently? This cannot be undone.')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('group', { name: 'Delete permanently' }).getByRole('button', { name: 'Delete permanently' }).click();
  await expect(page.getByText('Item deleted permanently.')).toBeVisible();
  await expect(page.getByText('The trash is empty.')).toBeVisible();

  // Everything survives a reload (which locks the vault) and decrypts again after unlock.
  await page.reload();
  await hydrated(page);
  await page.getByLabel('Master password').fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(list(page).getByRole('button')).toHaveText([
    /Bank of Examples.*vera\.kowalski/, /Passport details/, /Travel card/,
  ], { timeout: 30_000 });
});

test('a save that lost a race keeps what was typed; a folder deleted meanwhile is said, and saving again works', async ({ browser }) => {
  const password = 'Saffron ledger 83 kites';
  const context = await browser.newContext();
  const one = await context.newPage();
  await register(one, uniqueEmail('conflict'), 'Cora', password);
  await newItem(one, 'secure_note', 'Shared note');
  await save(one, 'Shared note');

  // The first tab starts editing; a second tab of the same browser saves the note meanwhile.
  const careful = 'careful text typed in the first tab';
  rememberSecret(careful);
  await one.getByRole('button', { name: 'Edit' }).click();
  await one.getByLabel('Notes').fill(careful);
  const two = await context.newPage();
  await two.goto('/vault');
  await hydrated(two);
  await two.getByLabel('Master password').fill(password);
  await two.getByRole('button', { name: 'Unlock' }).click();
  await list(two).getByRole('button', { name: /Shared note/ }).click();
  await two.getByRole('button', { name: 'Edit' }).click();
  rememberSecret('from the second tab');
  await two.getByLabel('Notes').fill('from the second tab');
  await save(two, 'Shared note');

  // The first tab's list follows the other tab, but its open form keeps the version it opened:
  // saving is refused, and its text stays in the form.
  await expect(one.getByLabel('Notes')).toHaveValue(careful);
  await one.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(one.getByText('so it was not saved').last()).toBeVisible();
  await expect(one.getByLabel('Notes')).toHaveValue(careful);
  await expect(one.getByLabel('Name', { exact: true })).toHaveValue('Shared note');
  // Cancel asks before dropping the typed text; discarding shows the other tab's version.
  await one.getByRole('button', { name: 'Cancel' }).click();
  await one.getByRole('dialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard changes' }).click();
  await expect(one.getByRole('article')).toContainText('from the second tab');

  // A new item starts in the folder being viewed; the folder is deleted before it is saved.
  await one.getByRole('button', { name: 'New folder' }).click();
  await one.getByLabel('Folder name').fill('Doomed');
  rememberSecret('Doomed');
  await one.getByRole('button', { name: 'Save folder' }).click();
  await one.getByRole('button', { name: /Doomed/ }).click();
  await newItem(one, 'secure_note', 'Orphan note');
  await one.getByRole('button', { name: 'Delete folder' }).click();
  await one.getByRole('dialog', { name: 'Delete folder' }).getByRole('button', { name: 'Delete folder' }).click();
  await expect(one.getByText('Folder deleted. Its items are now without a folder.')).toBeVisible();
  await one.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(one.getByText('That folder no longer exists').last()).toBeVisible();
  await save(one, 'Orphan note');
});
