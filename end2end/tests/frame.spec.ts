import { test, expect, Page } from '@playwright/test';
import {
  choosePreference, expectAccessible, importCsv, insideViewport, list, newItem, noSidewaysScroll, openAccountMenu,
  openMenu, openTool, register, save, uniqueEmail, visit,
} from './helpers';

// The responsive frame, menus, dialogs, the unsaved-edits guard, the keyboard model and tabs
// that keep each other up to date (issue 11).

const CSV = `folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp
Work,1,login,Alpha mail,,,0,https://mail.example,alpha@example.org,Alpha-pass-1,
Work,,login,Bravo bank,,,0,https://bank.example,bravo,Bravo-pass-2,
,,login,Charlie shop,,,0,https://shop.example,charlie,Charlie-pass-3,
,,note,Delta note,the delta notes,,0,,,,
`;

const WORDS = {
  en: { vault: 'My vault', back: 'Back', filters: 'Vault filters', account: 'Account menu', prefs: 'Preferences' },
  nl: { vault: 'Mijn kluis', back: 'Terug', filters: 'Kluisfilters', account: 'Accountmenu', prefs: 'Voorkeuren' },
  fr: { vault: 'Mon coffre', back: 'Retour', filters: 'Filtres du coffre', account: 'Menu du compte', prefs: 'Préférences' },
} as const;

/** Whether the vault search's placeholder shows whole. */
async function placeholderFits(page: Page) {
  return page.locator('#vault-search').evaluate((input: HTMLInputElement) => {
    const style = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return ctx.measureText(input.placeholder).width <= room;
  });
}

test('at desktop size the toolbar keeps its search whole and its buttons on one row, in every language', async ({ page }) => {
  await register(page, uniqueEmail('toolbar'), 'Tobias Toolbar', 'Toolbar words 38 fit');
  for (const lang of ['fr', 'nl', 'en']) {
    await choosePreference(page, /Language|Taal|Langue/, lang);
    await page.keyboard.press('Escape');
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    expect(await placeholderFits(page)).toBe(true);
    const newBox = await page.locator('#new-menu').boundingBox();
    const toolsBox = await page.locator('#tools-menu').boundingBox();
    expect(Math.abs(newBox!.y - toolsBox!.y)).toBeLessThan(8);
  }
});

test.describe('on a phone (375×812)', () => {
  test.use({ viewport: { width: 375, height: 812 } });

  for (const lang of ['en', 'nl', 'fr'] as const) {
    test(`in ${lang}: one-row header, list first, filters in a drawer, item and tool as full-screen panes`, async ({ page }) => {
      const w = WORDS[lang];
      await register(page, uniqueEmail(`phone-${lang}`), 'Phoebe Phone', 'Pocket lighthouse 73 waves');
      await importCsv(page, CSV, 4);
      if (lang !== 'en') await choosePreference(page, 'Language', lang);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('heading', { name: w.vault })).toBeVisible();
      await noSidewaysScroll(page);

      // Nothing in the toolbar is cut short: the search's placeholder and the filter's name fit.
      expect(await placeholderFits(page)).toBe(true);
      expect(await page.locator('.filters-label').evaluate((label) => label.scrollWidth <= label.clientWidth)).toBe(true);

      // The header is one compact row.
      const header = await page.locator('header').first().boundingBox();
      expect(header!.height).toBeLessThanOrEqual(72);

      // The list comes first: its first entry is on the first screen; the filters wait in a drawer.
      const first = page.locator('.item-row').first();
      await expect(first).toBeVisible();
      await insideViewport(page, first, true);
      await expect(page.getByRole('navigation', { name: w.filters })).toBeHidden();
      await page.locator('#filters-button').click();
      const drawer = page.getByRole('navigation', { name: w.filters });
      await expect(drawer).toBeVisible();
      await insideViewport(page, drawer);
      await noSidewaysScroll(page);
      await page.keyboard.press('Escape');
      await expect(drawer).toBeHidden();
      await expect(page.locator('#filters-button')).toBeFocused();

      // Every menu opens inside the screen.
      for (const id of ['new-menu', 'tools-menu', 'preferences-menu']) {
        const menu = await openMenu(page, id);
        await expect(menu).toBeVisible();
        await insideViewport(page, menu);
        await noSidewaysScroll(page);
        await page.keyboard.press('Escape');
        await expect(menu).toBeHidden();
      }
      await page.getByRole('navigation', { name: w.account }).locator('summary').click();
      const accountList = page.getByRole('navigation', { name: w.account }).locator('.menu-list');
      await expect(accountList).toBeVisible();
      await insideViewport(page, accountList);
      await page.keyboard.press('Escape');
      await expect(accountList).toBeHidden();

      // Opening an item shows it, over the list, with Back.
      await first.click();
      const article = page.getByRole('article');
      await expect(article).toBeVisible();
      await insideViewport(page, article.getByRole('heading').first(), true);
      await expect(first).toBeHidden();
      await noSidewaysScroll(page);
      await expect(page.getByRole('button', { name: w.back })).toBeFocused();
      await page.getByRole('button', { name: w.back }).click();
      await expect(first).toBeVisible();
      await expect(article).toHaveCount(0);
      await expect(first).toBeFocused();

      // A tool too: the generator's output is on the first screen.
      const tools = await openMenu(page, 'tools-menu');
      await tools.getByRole('button').first().click();
      await expect(page.locator('#generated')).toBeVisible();
      await insideViewport(page, page.locator('#generated'), true);
      await noSidewaysScroll(page);
      await page.getByRole('button', { name: w.back }).click();
      await expect(first).toBeVisible();
      await expectAccessible(page);
    });
  }

  test('the item form is a full-screen pane and Back asks before dropping edits', async ({ page }) => {
    await register(page, uniqueEmail('phone-form'), 'Finn Form', 'Folding table 58 chairs');
    await newItem(page, 'login', 'Phone login');
    await insideViewport(page, page.getByLabel('Name', { exact: true }), true);
    await noSidewaysScroll(page);
    await page.getByRole('button', { name: 'Back' }).click();
    const ask = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await expect(ask).toBeVisible();
    await insideViewport(page, ask);
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Phone login');
    await save(page, 'Phone login');
    await expect(page.getByRole('article').getByRole('heading', { name: 'Phone login' })).toBeVisible();
  });

  test("the phone's back gesture closes the open item, not the vault", async ({ page }) => {
    await register(page, uniqueEmail('phone-back'), 'Bea Back', 'Backwards walk 29 steps');
    await importCsv(page, CSV, 4);
    const first = page.locator('.item-row').first();
    await first.click();
    await expect(page.getByRole('article')).toBeVisible();
    await page.goBack();
    await expect(first).toBeVisible();
    await expect(page.getByRole('article')).toHaveCount(0);
    await expect(page).toHaveURL(/\/vault$/);
    await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible();
    // Back in the page takes its history step out again: the browser's Back then leaves the
    // vault as it would have without the item.
    await first.click();
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(first).toBeVisible();
    await first.click();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Changed on the phone');
    await page.goBack();
    const ask = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await expect(ask).toBeVisible();
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Changed on the phone');
    await page.goBack();
    await ask.getByRole('button', { name: 'Discard changes' }).click();
    await expect(first).toBeVisible();
    await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible();
  });
});

test('unsaved edits are never lost silently', async ({ page }) => {
  await register(page, uniqueEmail('guard'), 'Gus Guard', 'Guarded words 61 stay');
  await importCsv(page, CSV, 4);
  await list(page).getByRole('button', { name: /Alpha mail/ }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Alpha mail (edited)');
  const ask = page.getByRole('dialog', { name: 'Discard unsaved changes?' });

  // Another item: asks; Keep editing keeps the edit and the form.
  await list(page).getByRole('button', { name: /Bravo bank/ }).click();
  await expect(ask).toBeVisible();
  await expect(ask.getByRole('button', { name: 'Keep editing' })).toBeFocused();
  await expectAccessible(page);
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(ask).toBeHidden();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Alpha mail (edited)');

  // Escape and Cancel in the form ask too, and a form closed that way leaves nothing pending.
  await page.getByLabel('Name', { exact: true }).press('Escape');
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Alpha mail (edited)');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();

  // Escape in the dialog is "keep editing" too.
  await startNewViaMenu(page);
  await expect(ask).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(ask).toBeHidden();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Alpha mail (edited)');

  // Discarding by Escape closes the form for good: the next item opens without a question.
  await page.getByLabel('Name', { exact: true }).press('Escape');
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('article').getByRole('heading', { name: 'Alpha mail' })).toBeVisible();
  await list(page).getByRole('button', { name: /Bravo bank/ }).click();
  await expect(page.getByRole('article').getByRole('heading', { name: 'Bravo bank' })).toBeVisible();
  await expect(ask).toBeHidden();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Bravo bank (edited)');

  // A link elsewhere in the app asks as well.
  await openAccountMenu(page);
  await page.getByRole('link', { name: 'Account settings' }).click();
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page).toHaveURL(/\/vault/);

  // Leaving the page: the browser's own question (beforeunload).
  const asked = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.type()); void d.accept(); }));
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');
});

async function startNewViaMenu(page: Page) {
  const menu = await openMenu(page, 'new-menu');
  await menu.getByRole('button', { name: 'Login', exact: true }).click();
}

test('discarding goes where the user asked; saved edits never ask', async ({ page }) => {
  await register(page, uniqueEmail('guard-2'), 'Gil Guard', 'Guarded words 62 leave');
  await importCsv(page, CSV, 4);
  await list(page).getByRole('button', { name: /Alpha mail/ }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Username').fill('changed@example.org');
  await list(page).getByRole('button', { name: /Charlie shop/ }).click();
  await page.getByRole('dialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('article').getByRole('heading', { name: 'Charlie shop' })).toBeVisible();
  await list(page).getByRole('button', { name: /Alpha mail/ }).click();
  await expect(page.getByRole('article')).toContainText('alpha@example.org');

  // After Save nothing is pending: switching does not ask.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Username').fill('saved@example.org');
  await save(page, 'Alpha mail');
  await list(page).getByRole('button', { name: /Bravo bank/ }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('article').getByRole('heading', { name: 'Bravo bank' })).toBeVisible();
});

test('keyboard: the list is one tab stop with arrows, Home, End and Enter; focus always lands somewhere sensible', async ({ page }) => {
  await register(page, uniqueEmail('keys'), 'Kay Keys', 'Keyboard only 44 please');
  await importCsv(page, CSV, 4);
  const rows = page.locator('.item-row');
  await expect(rows).toHaveCount(4);
  await expect(page.locator('.item-row[tabindex="0"]')).toHaveCount(1);

  // From the toolbar, Tab reaches the list at its one stop: the first row.
  await page.locator('#tools-menu').focus();
  for (let i = 0; i < 3 && !(await rows.nth(0).evaluate((r) => r === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(rows.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(rows.nth(3)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(rows.nth(2)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(rows.nth(0)).toBeFocused();
  // Arrows only move: nothing opened yet.
  await expect(page.getByRole('article')).toHaveCount(0);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('article').getByRole('heading', { name: 'Bravo bank' })).toBeVisible();
  // Tab leaves the list at once (one stop), and Shift+Tab comes back to the same row.
  await rows.nth(1).focus();
  await page.keyboard.press('Tab');
  await expect(rows.nth(2)).not.toBeFocused();
  await expect(rows.nth(0)).not.toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(rows.nth(1)).toBeFocused();

  // Edit → the form; Escape cancels and focus returns to Edit.
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Edit' })).toBeFocused();
  // Cancel too.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Edit' })).toBeFocused();
  // Save → focus on Edit of the saved item.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Edit' })).toBeFocused();

  // New folder: Escape cancels back to its button; saving focuses the new folder.
  await page.getByRole('button', { name: 'New folder' }).click();
  await expect(page.getByLabel('Folder name')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Folder name')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New folder' })).toBeFocused();
  await page.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill('Travel');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Travel' })).toBeFocused();

  // Moving an item to the trash puts focus back on the list, never on <body>.
  await list(page).getByRole('button', { name: /Charlie shop/ }).click();
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await expect(list(page).getByRole('button', { name: /Charlie shop/ })).toHaveCount(0);
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
  expect(await page.evaluate(() => document.activeElement?.closest('.vault-list') !== null)).toBe(true);

  // Dialogs: Cancel first, Escape closes, focus returns to the button that opened it.
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await page.getByRole('button', { name: 'Empty trash' }).click();
  const dialog = page.getByRole('dialog', { name: 'Empty trash' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Empty trash' })).toBeFocused();
  await page.getByRole('button', { name: 'Empty trash' }).click();
  await dialog.getByRole('button', { name: 'Empty trash' }).click();
  await expect(page.getByText('The trash is empty.')).toBeVisible();
});

test('one selected entry in the sidebar at a time; empty states say what to do', async ({ page }) => {
  await register(page, uniqueEmail('empty'), 'Emmy Empty', 'Empty rooms 35 echo');
  // An empty vault offers New and Import.
  await expect(page.getByText('There are no items in your vault yet.')).toBeVisible();
  const empty = page.locator('.vault-list .empty');
  await expect(empty.getByRole('button', { name: 'New item' })).toBeVisible();
  await expect(empty.getByRole('button', { name: 'Import items' })).toBeVisible();
  await empty.getByRole('button', { name: 'Import items' }).click();
  await expect(page.getByLabel('File to import')).toBeVisible();
  // "Choose a file" is forgotten as soon as one is chosen.
  await page.locator('form.transfer').getByRole('button', { name: 'Import items' }).click();
  const chooseFile = page.locator('#import-file-error');
  await expect(chooseFile).toBeVisible();
  await page.getByLabel('File to import').setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await expect(chooseFile).toBeHidden();
  await page.locator('form.transfer').getByRole('button', { name: 'Import items' }).click();
  await expect(page.getByText('Imported 4 items.')).toBeVisible();

  const filters = page.getByRole('navigation', { name: 'Vault filters' });
  const pressed = filters.locator('button[aria-pressed="true"]');
  await expect(pressed).toHaveCount(1);
  await filters.getByRole('button', { name: 'Work' }).click();
  await expect(pressed).toHaveCount(1);
  await expect(pressed).toHaveText(/Work/);
  await filters.getByRole('button', { name: 'Cards' }).click();
  await expect(pressed).toHaveCount(1);
  await expect(page.getByText('There are no items of this type.')).toBeVisible();
  await filters.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill('Empty one');
  await page.getByRole('button', { name: 'Save folder' }).click();
  await filters.getByRole('button', { name: 'Empty one' }).click();
  await expect(page.getByText('This folder is empty.')).toBeVisible();
  await expect(page.getByText(/no items match/i)).toHaveCount(0);
  await filters.getByRole('button', { name: 'All items' }).click();
  await page.getByLabel('Search the vault').fill('zzz-nothing');
  await expect(page.locator('.vault-list .empty')).toBeVisible();
  await expect(pressed).toHaveCount(1);
});

test('tabs of one browser: an item saved in one appears in the other; Lock now locks both; settings need an unlocked vault', async ({ page, context }) => {
  const password = 'Twin tabs 82 agree';
  await register(page, uniqueEmail('tabs'), 'Tabitha Tabs', password);
  const other = await context.newPage();
  await visit(other, '/vault');
  await other.getByLabel('Master password').fill(password);
  await other.getByRole('button', { name: 'Unlock' }).click();
  await expect(other.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });

  await newItem(page, 'login', 'Made in tab one');
  await save(page, 'Made in tab one');
  await expect(list(other).getByRole('button', { name: /Made in tab one/ })).toBeVisible();

  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Lock now' }).click();
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeVisible();
  await expect(other.getByRole('button', { name: 'Unlock' })).toBeVisible();
  await expect(list(other)).toHaveCount(0);

  // Account settings wait for the master password too.
  await visit(other, '/settings');
  await expect(other.getByLabel('Current master password')).toHaveCount(0);
  await other.getByLabel('Master password').fill(password);
  await other.getByRole('button', { name: 'Unlock' }).click();
  await expect(other.getByLabel('Current master password')).toBeVisible({ timeout: 30_000 });
});
