import { test, expect } from '@playwright/test';
import { list, openTool, register, rememberSecret, uniqueEmail } from './helpers';

// Search that ignores case and accents and covers what the list shows; imports that name
// nameless items and never duplicate a folder (issue 11).

const BITWARDEN_JSON = JSON.stringify({
  encrypted: false,
  folders: [{ id: 'f1', name: 'work' }, { id: 'f2', name: 'Trips' }],
  items: [
    { type: 2, name: 'Familie Österberg', notes: 'birthdays', secureNote: { type: 0 }, folderId: 'f1' },
    {
      type: 3, name: 'Travel card', folderId: 'f2',
      card: { cardholderName: 'Zoë Dupré', brand: 'Visa', number: '4111111111119876', expMonth: '4', expYear: '2031', code: '737' },
    },
    { type: 4, name: 'Passport', identity: { firstName: 'Ann', lastName: 'Lindqvist', email: 'ann.l@example.org', passportNumber: 'X1234567' } },
    { type: 1, name: null, login: { username: 'shopper', uris: [{ uri: 'https://www.Shop.example/basket' }] } },
    { type: 1, name: '', login: { username: 'nobody' } },
  ],
});

test('import names nameless items and reuses folders by name; search ignores accents and covers what rows show', async ({ page }) => {
  rememberSecret('4111111111119876');
  rememberSecret('X1234567');
  await register(page, uniqueEmail('search'), 'Sören Search', 'Accents ignored 29 times');

  // A folder the vault already has; one of the same name differing only in case is refused.
  const filters = page.getByRole('navigation', { name: 'Vault filters' });
  await filters.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill('Work');
  await page.getByRole('button', { name: 'Save folder' }).click();
  await expect(filters.getByRole('button', { name: 'Work', exact: true })).toBeVisible();
  await filters.getByRole('button', { name: 'All items' }).click();
  await filters.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill(' WORK ');
  await page.getByRole('button', { name: 'Save folder' }).click();
  await expect(page.getByText('You already have a folder with this name.')).toBeVisible();
  await expect(page.getByLabel('Folder name')).toHaveAttribute('aria-invalid', 'true');
  // The error goes as soon as the name is fixed.
  await page.getByLabel('Folder name').fill('Home');
  await expect(page.getByText('You already have a folder with this name.')).toBeHidden();
  await page.getByRole('button', { name: 'Cancel' }).click();

  await openTool(page, 'Import items');
  await page.getByLabel('File to import').setInputFiles({ name: 'bitwarden.json', mimeType: 'application/json', buffer: Buffer.from(BITWARDEN_JSON) });
  await page.locator('form.transfer').getByRole('button', { name: 'Import items' }).click();
  await expect(page.getByText('Imported 5 items.')).toBeVisible();

  // Nameless rows: the host of their URI, else "Untitled".
  await expect(list(page).getByRole('button', { name: /shop\.example.*shopper/ })).toBeVisible();
  await expect(list(page).getByRole('button', { name: /Untitled.*nobody/ })).toBeVisible();

  // "work" went into the existing "Work": still one folder of that name, holding the note.
  await expect(filters.getByRole('button', { name: /^work$/i })).toHaveCount(1);
  await expect(filters.getByRole('button', { name: 'Trips', exact: true })).toBeVisible();
  await filters.getByRole('button', { name: 'Work', exact: true }).click();
  await expect(list(page).getByRole('button')).toHaveText([/Familie Österberg/]);
  await filters.getByRole('button', { name: 'All items' }).click();

  const search = page.getByLabel('Search the vault');
  const found = async (query: string, names: RegExp[]) => {
    await search.fill(query);
    await expect(list(page).getByRole('button')).toHaveText(names);
  };
  await found('osterberg', [/Familie Österberg/]);
  await found('ÖSTERBERG familie', [/Familie Österberg/]);
  await found('zoe dupre', [/Travel card/]);
  await found('9876', [/Travel card/]);
  await found('lindqvist ann', [/Passport/]);
  await found('ann.l@example', [/Passport/]);
  // Not what the row hides: the rest of the card number, the code, the passport number.
  await search.fill('41111111');
  await expect(page.getByText('No items match.')).toBeVisible();
  await search.fill('X1234567');
  await expect(page.getByText('No items match.')).toBeVisible();
  await search.fill('');
  await expect(list(page).getByRole('button')).toHaveCount(5);
});
