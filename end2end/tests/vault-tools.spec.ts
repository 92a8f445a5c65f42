import { test, expect, Page } from '@playwright/test';
import fs from 'node:fs';
import { expectAccessible, list, newItem, openTool, register, rememberSecret, save, uniqueEmail } from './helpers';

test('logins: several URIs with match rules, TOTP code per RFC 6238, custom fields, password history, clone, folders', async ({ page }) => {
  await register(page, uniqueEmail('tools'), 'Tomas', 'Granite kettle 58 owls!');

  // A folder first, so the new login can go in it.
  await page.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill('Work stuff');
  rememberSecret('Work stuff');
  await page.getByRole('button', { name: 'Save folder' }).click();
  await expect(page.getByRole('button', { name: /Work stuff/ })).toBeVisible();

  await newItem(page, 'login', 'Payroll portal');
  await page.getByLabel('Username').fill('tomas');
  await page.getByLabel('Password', { exact: true }).fill('first-Secret-1');
  rememberSecret('first-Secret-1');
  // RFC 6238 appendix B's SHA-1 seed, in base32.
  await page.getByLabel('Authenticator key (TOTP)').fill('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  await page.getByLabel('Website (URI)', { exact: true }).fill('https://payroll.example');
  await page.getByRole('button', { name: 'Add a URI' }).click();
  await page.getByLabel('Website (URI) 2', { exact: true }).fill('https://sso.example/login');
  await page.getByLabel('Match rule for URI 2').selectOption('exact');
  await page.getByRole('button', { name: 'Add a field' }).click();
  await page.getByLabel('Name of field 1').fill('Employee number');
  await page.getByLabel('Value of field 1').fill('E-5521');
  await page.getByRole('button', { name: 'Add a field' }).click();
  await page.getByLabel('Name of field 2').fill('Recovery PIN');
  await page.getByLabel('Type of field 2').selectOption('hidden');
  await page.getByLabel('Value of field 2').fill('880011');
  rememberSecret('880011');
  await page.getByRole('button', { name: 'Add a field' }).click();
  await page.getByLabel('Name of field 3').fill('Shared account');
  await page.getByLabel('Type of field 3').selectOption('boolean');
  await page.getByLabel('Value of field 3').check();
  await page.getByLabel('Folder', { exact: true }).selectOption({ label: 'Work stuff' });
  await expectAccessible(page);
  await save(page, 'Payroll portal');

  // The view: both URIs, fields (hidden one masked), folder.
  const view = page.getByRole('article');
  await expect(view.getByText('https://sso.example/login', { exact: true })).toBeVisible();
  await expect(view.getByText('E-5521')).toBeVisible();
  await expect(view.getByText('880011')).toHaveCount(0);
  await view.getByRole('button', { name: 'Show Recovery PIN' }).click();
  await expect(view.getByText('880011')).toBeVisible();
  await expect(view.getByText('Shared account')).toBeVisible();
  await expect(view.getByText('Yes', { exact: true })).toBeVisible();
  await expect(view.getByText(/Work stuff/)).toBeVisible();

  // The TOTP code at RFC 6238's test time 1111111109 s is 07081804 with 8 digits: 081804 with 6.
  await page.clock.setFixedTime(new Date(1111111109 * 1000));
  await expect(page.getByTestId('totp-code')).toHaveText('081 804');
  await page.clock.setFixedTime(new Date(1234567890 * 1000));
  await expect(page.getByTestId('totp-code')).toHaveText('005 924');
  await expectAccessible(page);

  // Two password changes leave two entries in the history, newest first.
  for (const next of ['second-Secret-2', 'third-Secret-3']) {
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Password', { exact: true }).fill(next);
    rememberSecret(next);
    await save(page, 'Payroll portal');
  }
  await page.getByText('Password history (2)').click();
  const history = page.locator('details.history');
  await history.getByRole('button', { name: /^Show / }).first().click();
  await expect(history.getByText('second-Secret-2')).toBeVisible();
  await expect(history.getByText('first-Secret-1')).toHaveCount(0);

  // Clone: a new item with the same content and no history.
  await page.getByRole('button', { name: 'Clone' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Payroll portal (copy)');
  await save(page, 'Payroll portal (copy)');
  await expect(page.getByText(/Password history/)).toHaveCount(0);
  await expect(list(page).getByRole('button')).toHaveText([/Payroll portal/, /Payroll portal \(copy\)/]);

  // Folder filter, rename, delete (items stay, without a folder).
  await page.getByRole('button', { name: 'No folder' }).click();
  await expect(page.getByText('Every item is in a folder.')).toBeVisible();
  await page.getByRole('button', { name: /Work stuff/ }).click();
  await expect(list(page).getByRole('button')).toHaveCount(2);
  await page.getByRole('button', { name: 'Rename folder' }).click();
  await page.getByLabel('Folder name').fill('Office');
  await page.getByRole('button', { name: 'Save folder' }).click();
  await expect(page.getByRole('button', { name: /Office/ })).toBeVisible();
  await page.getByRole('button', { name: /Office/ }).click();
  await page.getByRole('button', { name: 'Delete folder' }).click();
  await page.getByRole('dialog', { name: 'Delete folder' }).getByRole('button', { name: 'Delete folder' }).click();
  await expect(page.getByText('Folder deleted. Its items are now without a folder.')).toBeVisible();
  await page.getByRole('button', { name: 'No folder' }).click();
  await expect(list(page).getByRole('button')).toHaveCount(2);

  // Keyboard: arrows move through the list, Enter opens.
  await page.getByRole('button', { name: 'All items' }).click();
  await list(page).getByRole('button').first().click();
  await expect(page.getByRole('heading', { level: 2, name: 'Payroll portal', exact: true })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(list(page).getByRole('button', { name: /\(copy\)/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Payroll portal (copy)' })).toBeVisible();
  // Opening an item leaves the focus on its row, so the arrows go on from there.
  await expect(list(page).getByRole('button', { name: /\(copy\)/ })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(list(page).getByRole('button').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Payroll portal', exact: true })).toBeVisible();
});

test('identities keep every field', async ({ page }) => {
  await register(page, uniqueEmail('identity'), 'Ines', 'Maple ferry 73 comets!');
  await newItem(page, 'identity', 'Ines abroad');
  for (const [label, value] of [
    ['First name', 'Ines'], ['Middle name', 'Maria'], ['Last name', 'Duarte'], ['Address line 1', 'Rua Nova 5'],
    ['City or town', 'Porto'], ['Postal code', '4000-001'], ['Country', 'Portugal'], ['Passport number', 'PX998877'],
  ]) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  rememberSecret('PX998877');
  await save(page, 'Ines abroad');
  await expect(list(page).getByRole('button')).toHaveText([/Ines abroad.*Ines Maria Duarte/]);
  const view = page.getByRole('article');
  await expect(view.getByText('Porto')).toBeVisible();
  await expect(view.getByText('4000-001')).toBeVisible();
  await view.getByRole('button', { name: 'Show passport number' }).click();
  await expect(view.getByText('PX998877')).toBeVisible();
});

test('the generator respects its options', async ({ page }) => {
  await register(page, uniqueEmail('gen'), 'Gina', 'Copper whistle 19 tides!');
  await openTool(page, 'Password generator');
  const output = page.locator('#generated');
  await expect(output).toHaveText(/^.{20}$/);
  await page.getByLabel('Length').fill('12');
  await page.getByLabel('Length').press('Tab');
  await page.getByLabel(/^Symbols/).uncheck();
  await page.getByLabel(/^Lowercase/).uncheck();
  await page.getByLabel(/^Avoid look-alike/).check();
  await expectAccessible(page);
  for (let i = 0; i < 5; i++) {
    await expect(output).toHaveText(/^[A-Z2-9]{12}$/);
    const text = await output.textContent();
    expect(text).not.toMatch(/[0O1lI|]/);
    expect(text).toMatch(/[0-9]/);
    await page.getByRole('button', { name: 'Generate another' }).click();
  }
  await page.getByLabel('Passphrase').check();
  await page.getByLabel('Number of words').fill('4');
  await page.getByLabel('Number of words').press('Tab');
  await page.getByLabel('Word separator').fill('_');
  await page.getByLabel('Capitalize each word').check();
  await page.getByLabel('Include a number').check();
  await expect(output).toHaveText(/^[A-Z][a-z-]*\d?(_[A-Z][a-z-]*\d?){3}$/);
  const phrase = (await output.textContent()) ?? '';
  expect(phrase.replace(/[^0-9]/g, '')).toHaveLength(1);

  // Inside the item form: the options chosen above are remembered, and the generated password
  // goes into the field.
  await newItem(page, 'login', 'Generated login');
  await page.getByRole('button', { name: 'Generate a password' }).click();
  await expect(page.locator('#generated')).toHaveText(/^[A-Z][a-z-]*\d?(_[A-Z][a-z-]*\d?){3}$/);
  const generated = (await page.locator('#generated').textContent()) ?? '';
  await page.getByRole('button', { name: 'Use this password' }).click();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue(generated);
});

const BITWARDEN_CSV = `folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp
Banking,1,login,Harbor Credit Union,"Branch: Quay St, desk 4",PIN: 4410,0,https://harbor.example,hc-member-77,Tide!Pool-8821,
,,note,Alarm code,Front panel 9937,,0,,,,
Banking,,login,Stock broker,,,0,"https://broker.example,https://app.broker.example",trader_x,Bull&Bear-5510,
`;

test('import a Bitwarden CSV; bad files are refused whole, naming the line', async ({ page }) => {
  rememberSecret('Tide!Pool-8821');
  rememberSecret('Bull&Bear-5510');
  rememberSecret('Front panel 9937');
  await register(page, uniqueEmail('import'), 'Ivo', 'Lilac harbor 64 drums!');
  await openTool(page, 'Import items');
  await expectAccessible(page);

  const bad = BITWARDEN_CSV + 'Banking,,spaceship,Broken row,,,0,,,,\n';
  await page.getByLabel('File to import').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Import items' }).last().click();
  await expect(page.getByText('Line 5: the value of “type” cannot be read.')).toBeVisible();
  await expect(page.getByText('There are no items in your vault yet.')).toBeVisible();

  await page.getByLabel('File to import').setInputFiles({ name: 'bitwarden.csv', mimeType: 'text/csv', buffer: Buffer.from(BITWARDEN_CSV) });
  await page.getByRole('button', { name: 'Import items' }).last().click();
  await expect(page.getByText('Imported 3 items.')).toBeVisible();
  await expect(list(page).getByRole('button')).toHaveText([/Alarm code/, /Harbor Credit Union.*hc-member-77/, /Stock broker.*trader_x/]);
  await page.getByRole('button', { name: /Banking/ }).click();
  await expect(list(page).getByRole('button')).toHaveCount(2);
  await list(page).getByRole('button', { name: /Stock broker/ }).click();
  await expect(page.getByRole('article').getByText('https://app.broker.example', { exact: true })).toBeVisible();
});

async function download(page: Page, submit: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), submit()]);
  return fs.readFileSync(await file.path(), 'utf8');
}

test('export → import round trip is lossless, protected and plain', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const master = 'Velvet anchor 27 finches!';
  await register(page, uniqueEmail('export'), 'Elsa', master);
  await openTool(page, 'Import items');
  await page.getByLabel('File to import').setInputFiles({ name: 'bw.csv', mimeType: 'text/csv', buffer: Buffer.from(BITWARDEN_CSV) });
  await page.getByRole('button', { name: 'Import items' }).last().click();
  await expect(page.getByText('Imported 3 items.')).toBeVisible();
  await newItem(page, 'card', 'Spare card');
  await page.getByLabel('Card number').fill('5500000000000004');
  rememberSecret('5500000000000004');
  await save(page, 'Spare card');
  const before = await list(page).getByRole('button').allTextContents();

  // Protected export: refuses a short or unconfirmed password, then downloads ciphertext.
  await openTool(page, 'Export vault');
  await expectAccessible(page);
  await page.getByLabel('File password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Export vault' }).last().click();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  const filePassword = 'export file pass 42';
  rememberSecret(filePassword);
  await page.getByLabel('File password', { exact: true }).fill(filePassword);
  await page.getByLabel('Confirm file password').fill(filePassword);
  const protectedJson = await download(page, () => page.getByRole('button', { name: 'Export vault' }).last().click());
  expect(protectedJson).toContain('"encrypted": true');
  expect(protectedJson).not.toContain('Tide!Pool-8821');

  // Plain export needs the master password again.
  await page.getByLabel('JSON, not encrypted').check();
  await expect(page.getByText(/in plain text/)).toBeVisible();
  await page.getByLabel('Master password').fill('not my password at all');
  await page.getByRole('button', { name: 'Export vault' }).last().click();
  await expect(page.getByText('That master password is not right.')).toBeVisible();
  await page.getByLabel('Master password').fill(master);
  const plainJson = await download(page, () => page.getByRole('button', { name: 'Export vault' }).last().click());
  const plain = JSON.parse(plainJson);
  expect(plain.items).toHaveLength(4);

  // A second account imports the protected file: same items, same content.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await register(other, uniqueEmail('export-2'), 'Emil', 'Saffron bridge 85 kites!');
  await openTool(other, 'Import items');
  const file = { name: 'vault.json', mimeType: 'application/json', buffer: Buffer.from(protectedJson) };
  await other.getByLabel('File to import').setInputFiles(file);
  await other.getByRole('button', { name: 'Import items' }).last().click();
  await expect(other.getByText('This export is protected with a password. Enter the file password.')).toBeVisible();
  await other.getByLabel('File password (only for a password-protected export)').fill(filePassword);
  await other.getByLabel('File to import').setInputFiles(file);
  await other.getByRole('button', { name: 'Import items' }).last().click();
  await expect(other.getByText('Imported 4 items.')).toBeVisible();
  await expect(list(other).getByRole('button')).toHaveText(before);

  // …and its own plain export holds exactly what the first one did.
  await openTool(other, 'Export vault');
  await other.getByLabel('JSON, not encrypted').check();
  await other.getByLabel('Master password').fill('Saffron bridge 85 kites!');
  const again = JSON.parse(await download(other, () => other.getByRole('button', { name: 'Export vault' }).last().click()));
  const content = (e: { items: { type: string; favorite: boolean; data: unknown }[]; folders: { name: string }[] }) => ({
    folders: e.folders.map((f) => f.name).sort(),
    items: e.items.map((i) => JSON.stringify([i.type, i.favorite, i.data])).sort(),
  });
  expect(content(again)).toEqual(content(plain));
  await otherContext.close();
});
