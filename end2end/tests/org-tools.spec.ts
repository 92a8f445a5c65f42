import { test, expect, Page } from '@playwright/test';
import {
  expectAccessible, hydrated, list, openMenu, openSettings, register, rememberSecret, save,
  startNew, uniqueEmail, visit,
} from './helpers';

// What an owner does with an organization's items beyond sharing them: the password health
// report (computed in the browser from every item's secrets, the read recorded in the event
// log), changing items' collections one at a time and in bulk, bulk trash and restore, and the
// account's own list of organizations in its settings.

const PASSWORD = 'correct horse battery staple tools';

async function unlock(page: Page) {
  const field = page.locator('#unlock-password');
  if (await field.isVisible().catch(() => false)) {
    await field.fill(PASSWORD);
    await field.press('Enter');
    await expect(field).toHaveCount(0, { timeout: 30_000 });
  }
}

/** A login in the organization, in the Default collection. */
async function sharedLogin(page: Page, org: string, name: string, password: string, uri: string) {
  rememberSecret(name);
  rememberSecret(password);
  await startNew(page, 'login');
  await page.getByLabel('Owner').selectOption({ label: org });
  await page.getByLabel('Default collection').check();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Website (URI)').fill(uri);
  await save(page, name);
}

test('password health, collections and bulk actions on shared items', async ({ browser }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const email = uniqueEmail('org-tools');
  const org = `Tools ${Date.now()}`;
  await register(page, email, 'Tess Tools', PASSWORD);
  await visit(page, '/org');
  await unlock(page);
  await page.getByLabel('Organization name').fill(org);
  await page.getByLabel('Billing email address').fill(email);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByRole('table', { name: 'Members' })).toContainText(email, { timeout: 30_000 });
  await page.getByRole('link', { name: 'Collections' }).click();
  await page.getByRole('button', { name: 'New collection' }).click();
  await page.getByLabel('Collection name').fill('Web');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('table', { name: 'Collections' })).toContainText('Web');

  // Two logins share a weak password, one over plain HTTP; a third is strong and unique.
  const weak = `summer${Date.now() % 1000}`;
  const strong = `Gx7!rT9#pLq2$wZ8vN4m-${Date.now()}`;
  await visit(page, '/vault');
  await unlock(page);
  await sharedLogin(page, org, 'Mail server', weak, 'http://mail.example.test');
  await sharedLogin(page, org, 'Wiki', weak, 'https://wiki.example.test');
  await sharedLogin(page, org, 'Bank portal', strong, 'https://bank.example.test');

  // One item's collections: Mail server moves from Default to Web.
  await list(page).getByRole('button', { name: /Mail server/ }).click();
  await page.getByRole('button', { name: 'Change collections' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change collections' });
  await expect(dialog.getByLabel('Default collection')).toBeChecked();
  await dialog.getByLabel('Default collection').uncheck();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Choose at least one collection.');
  await dialog.getByLabel('Web').check();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('1 item changed.')).toBeVisible();
  await page.getByRole('button', { name: 'Web', exact: true }).click();
  await expect(list(page).getByRole('button')).toHaveCount(1);

  // Many at once: Wiki and Bank portal join Web too, then go to the trash and come back.
  await page.getByRole('button', { name: org, exact: true }).click();
  await openMenu(page, 'tools-menu');
  await page.getByRole('button', { name: 'Select items' }).click();
  await page.getByRole('checkbox', { name: 'Select Wiki' }).check();
  await page.getByRole('checkbox', { name: 'Select Bank portal' }).check();
  await expect(page.locator('#selected-count')).toHaveText('2 selected');
  await expectAccessible(page);
  await page.locator('#bulk-collections').click();
  const bulk = page.getByRole('dialog', { name: 'Change collections' });
  await expect(bulk.getByLabel('Default collection')).toBeChecked();
  await bulk.getByLabel('Web').check();
  await bulk.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('2 items changed.')).toBeVisible();
  await page.getByRole('button', { name: 'Web', exact: true }).click();
  await expect(list(page).getByRole('button')).toHaveCount(3);
  await page.getByRole('button', { name: 'Select all shown' }).click();
  await expect(page.locator('#selected-count')).toHaveText('3 selected');
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await expect(page.getByText('3 items moved to the trash.')).toBeVisible();
  await expect(list(page).getByRole('button')).toHaveCount(0);
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await page.getByRole('button', { name: 'Select all shown' }).click();
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('3 items restored.')).toBeVisible();
  await page.locator('#done-selecting').click();
  await page.getByRole('button', { name: 'Web', exact: true }).click();
  await expect(list(page).getByRole('button')).toHaveCount(3);

  // The password health report, from the console's Reports.
  await openMenu(page, 'product-switcher');
  await page.getByRole('link', { name: `Admin Console · ${org}` }).click();
  await hydrated(page);
  await unlock(page);
  await page.getByRole('link', { name: 'Reports' }).click();
  const read = page.waitForResponse((r) => r.url().endsWith('/api/org_health_items'));
  await page.getByRole('button', { name: 'Check passwords' }).click();
  expect((await read).status()).toBe(200);
  await expect(page.locator('#health-summary')).toHaveText(
    'Items with a weak password: 2. Items with a reused password: 2. Unsecured websites: 1.', { timeout: 60_000 });
  const report = page.getByRole('table', { name: 'Password health' });
  await expect(report.getByRole('row').filter({ hasText: 'Mail server' })).toHaveCount(3);
  await expect(report).toContainText('Unsecured website: http://mail.example.test');
  await expect(report).toContainText('Password used by 2 items');
  await expect(report).not.toContainText('Bank portal');
  await expectAccessible(page);
  await page.getByLabel('Show').selectOption('unsecured');
  await expect(report.getByRole('row')).toHaveCount(2);
  // A finding links to its item in the console's vault.
  await report.getByRole('link', { name: 'Mail server' }).click();
  await expect(page.getByRole('dialog', { name: 'Mail server' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('dialog', { name: 'Mail server' }).getByRole('button', { name: 'Close' }).click();
  // The read is in the event log.
  await page.getByRole('link', { name: 'Event log' }).click();
  await expect(page.getByRole('table', { name: 'Event log' })).toContainText(
    "Items' secrets read for the password health report");

  // The account's settings list its organizations.
  await openSettings(page, PASSWORD);
  const section = page.getByRole('region', { name: 'Organizations' });
  await expect(section.getByRole('listitem').filter({ hasText: org })).toContainText('Owner · Confirmed');
  await expect(section.getByRole('link', { name: `Admin Console · ${org}` })).toBeVisible();
  await expectAccessible(page);
  // The last owner may not leave: the server refuses, and says why.
  await section.getByRole('button', { name: `Leave organization · ${org}` }).click();
  await page.getByRole('dialog', { name: `Leave ${org}` }).getByRole('button', { name: 'Leave organization' }).click();
  await expect(page.getByText('The organization must keep at least one confirmed owner.')).toBeVisible();
  await expect(section.getByRole('listitem').filter({ hasText: org })).toBeVisible();
  await context.close();
});

test('the members table pages through a large organization on the server', async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const email = uniqueEmail('org-pages');
  await register(page, email, 'Paula Pages', PASSWORD);
  await visit(page, '/org');
  await unlock(page);
  await page.getByLabel('Organization name').fill(`Pages ${Date.now()}`);
  await page.getByLabel('Billing email address').fill(email);
  await page.getByLabel('Seats').fill('100');
  await page.getByRole('button', { name: 'Create organization' }).click();
  const members = page.getByRole('table', { name: 'Members' });
  await expect(members).toContainText(email, { timeout: 30_000 });
  const stamp = Date.now();
  const invitees = Array.from({ length: 60 }, (_, i) => `pages-${stamp}-${String(i).padStart(2, '0')}@example.test`);
  await page.getByRole('button', { name: 'Invite members' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite members' });
  await dialog.getByLabel('Email addresses').fill(invitees.join('\n'));
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expect(page.getByText('60 invitations sent')).toBeVisible({ timeout: 30_000 });

  // 61 members: two pages of up to 50, in order of address.
  const pager = page.getByRole('navigation', { name: 'Pages of Members' });
  await expect(pager).toContainText('Page 1 of 2');
  await expect(page.getByText('61 rows', { exact: true })).toBeVisible();
  await expect(members.getByRole('row')).toHaveCount(51);
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager).toContainText('Page 2 of 2');
  await expect(members.getByRole('row')).toHaveCount(12);
  await expect(members).toContainText(invitees[59]);
  await expect(pager.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect(pager).toContainText('Page 1 of 2');
  await expect(members).toContainText(invitees[0]);
  // A search goes back to the first page of what it finds.
  await pager.getByRole('button', { name: 'Next page' }).click();
  await page.getByLabel('Search Members').fill(invitees[7]);
  await expect(members.getByRole('row')).toHaveCount(2);
  await expect(members).toContainText(invitees[7]);
  await context.close();
});
