import { test, expect, Page, Browser } from '@playwright/test';
import {
  expectAccessible, hydrated, insideViewport, list, noSidewaysScroll, openMenu, openSettings,
  register, rememberSecret, save, startNew, uniqueEmail, visit, waitForMail,
} from './helpers';

// One organization's life, as its owner and two invited people live it in real browsers: the
// owner creates it, invites by mail (read from the suite's SMTP server), the invitees open the
// links, make their accounts and accept; the owner compares fingerprint phrases and confirms;
// shared items reach each member exactly as their access says, the secret part never reaching
// the one whose access hides passwords (the network answer is read, not only the screen).

const PASSWORD = 'correct horse battery staple org';

async function person(browser: Browser) {
  const context = await browser.newContext({ locale: 'en-US' });
  return context.newPage();
}

/** Unlocks the vault on `page` if it asks. */
async function unlock(page: Page, password: string) {
  const field = page.locator('#unlock-password');
  if (await field.isVisible().catch(() => false)) {
    await field.fill(password);
    await field.press('Enter');
    await expect(field).toHaveCount(0, { timeout: 30_000 });
  }
}

/** The invitation link in the newest invitation mail to `email`. */
async function invitationLink(email: string, org: string) {
  const mail = await waitForMail(email, (m) => m.subject.includes(org));
  const link = mail.text.match(/https?:\/\/\S+\/org\?invite=[0-9a-f]{64}/);
  expect(link, mail.text).not.toBeNull();
  const url = new URL(link![0]);
  return url.pathname + url.search;
}

/** An invited person opens their link, creates the account it names, and accepts. */
async function joinByLink(page: Page, path: string, email: string, name: string) {
  await visit(page, path);
  await expect(page.getByText(`as ${email}`)).toBeVisible();
  await page.getByRole('link', { name: 'Create account' }).click();
  await hydrated(page);
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  rememberSecret(PASSWORD);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Master password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm master password').fill(PASSWORD);
  await page.getByLabel('I understand that my master password cannot be recovered').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  // Back on the invitation, signed in as the invited address.
  await expect(page.getByRole('button', { name: 'Accept invitation' })).toBeVisible({ timeout: 30_000 });
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(page.getByText('Invitation accepted')).toBeVisible();
}

async function fingerprintOf(page: Page) {
  await openSettings(page, PASSWORD);
  const phrase = page.locator('#my-fingerprint');
  await expect(phrase).toHaveText(/^[a-z]+(-[a-z]+){4}$/);
  return (await phrase.textContent())!.trim();
}

/** Opens a row's action menu in the members table and picks `action`. */
async function memberAction(page: Page, email: string, action: string) {
  const menu = page.getByRole('row').filter({ hasText: email }).locator('details.menu-box');
  await menu.locator('summary').click();
  await menu.getByRole('button', { name: action }).click();
}

test('an organization shares items with exactly the access each member has', async ({ browser }) => {
  test.setTimeout(240_000);
  const owner = await person(browser);
  const ownerEmail = uniqueEmail('org-owner');
  const aliceEmail = uniqueEmail('org-alice');
  const bobEmail = uniqueEmail('org-bob');
  const orgName = `Acme ${Date.now()}`;
  await register(owner, ownerEmail, 'Olga Owner', PASSWORD);

  // Create the organization: three seats (the owner and two members).
  await openMenu(owner, 'product-switcher');
  await owner.getByRole('link', { name: 'New organization' }).click();
  await hydrated(owner);
  await unlock(owner, PASSWORD);
  await owner.getByLabel('Organization name').fill(orgName);
  await owner.getByLabel('Billing email address').fill(ownerEmail);
  await owner.getByLabel('Seats').fill('3');
  await expectAccessible(owner);
  await owner.getByRole('button', { name: 'Create organization' }).click();
  await expect(owner.getByRole('heading', { level: 1, name: orgName })).toBeVisible({ timeout: 30_000 });
  await expect(owner.getByRole('table', { name: 'Members' })).toContainText(ownerEmail);
  await expectAccessible(owner);

  // A collection for the servers.
  await owner.getByRole('link', { name: 'Collections' }).click();
  await owner.getByRole('button', { name: 'New collection' }).click();
  await owner.getByLabel('Collection name').fill('Servers');
  await owner.getByRole('button', { name: 'Save' }).click();
  await expect(owner.getByRole('table', { name: 'Collections' })).toContainText('Servers');
  await expectAccessible(owner);

  // Invite Alice (view) and Bob (view, except passwords) to Servers.
  await owner.getByRole('link', { name: 'Members' }).click();
  for (const [email, level] of [[aliceEmail, 'view'], [bobEmail, 'view_except_passwords']]) {
    await owner.getByRole('button', { name: 'Invite members' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Invite members' });
    await dialog.getByLabel('Email addresses').fill(email);
    await dialog.getByLabel('Servers').selectOption(level);
    await expectAccessible(owner);
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await expect(owner.getByText('1 invitation sent')).toBeVisible();
  }
  // The seats are taken: a fourth person is refused, clearly.
  await owner.getByRole('button', { name: 'Invite members' }).click();
  const more = owner.getByRole('dialog', { name: 'Invite members' });
  await more.getByLabel('Email addresses').fill(uniqueEmail('org-extra'));
  await more.getByRole('button', { name: 'Send invitations' }).click();
  await expect(more.getByText('Not enough free seats: the organization has 3.', { exact: false })).toBeVisible();
  await more.getByRole('button', { name: 'Cancel' }).click();
  // The server searches and orders the members table: Bob's address finds Bob alone.
  const members = owner.getByRole('table', { name: 'Members' });
  await owner.getByLabel('Search Members').fill(bobEmail.toUpperCase());
  await expect(members.getByRole('row')).toHaveCount(2);
  await expect(members).toContainText(bobEmail);
  await expect(owner.getByText('1 row', { exact: true })).toBeVisible();
  await owner.getByLabel('Search Members').fill('');
  await expect(members.getByRole('row')).toHaveCount(4);
  await members.getByRole('button', { name: 'Role' }).click();
  await members.getByRole('button', { name: 'Role' }).click();
  // Descending by role: the owner comes last.
  await expect(members.getByRole('row').last()).toContainText(ownerEmail);

  // They open the links from the mails, make their accounts and accept.
  const alice = await person(browser);
  const bob = await person(browser);
  await joinByLink(alice, await invitationLink(aliceEmail, orgName), aliceEmail, 'Alice');
  await joinByLink(bob, await invitationLink(bobEmail, orgName), bobEmail, 'Bob');
  await visit(alice, '/vault');
  await unlock(alice, PASSWORD);
  await expect(alice.getByText(`${orgName}: waiting for an administrator to confirm you`)).toBeVisible();

  // The owner compares each phrase with the one the member reads from their settings.
  const phrases = { [aliceEmail]: await fingerprintOf(alice), [bobEmail]: await fingerprintOf(bob) };
  await owner.reload();
  await hydrated(owner);
  await unlock(owner, PASSWORD);
  await owner.getByRole('button', { name: 'Confirm 2 members' }).click();
  const confirm = owner.getByRole('dialog', { name: 'Confirm 2 members' });
  for (const [email, phrase] of Object.entries(phrases)) {
    await expect(confirm.getByRole('listitem').filter({ hasText: email })).toContainText(phrase);
  }
  await expectAccessible(owner);
  await confirm.getByRole('button', { name: 'The phrases match: confirm' }).click();
  await expect(owner.getByText('2 members confirmed')).toBeVisible();

  // The owner shares a login into Servers, and keeps one in the default collection.
  await visit(owner, '/vault');
  await unlock(owner, PASSWORD);
  const routerPassword = `router-${Date.now()}-Xq!`;
  rememberSecret(routerPassword);
  await startNew(owner, 'login');
  await owner.getByLabel('Owner').selectOption({ label: orgName });
  // Nothing is ticked for the owner: where a shared item goes is chosen.
  await expect(owner.getByLabel('Default collection')).not.toBeChecked();
  await owner.getByLabel('Servers').check();
  await owner.getByLabel('Name', { exact: true }).fill('Core router');
  rememberSecret('Core router');
  await owner.getByLabel('Username').fill('netadmin');
  await owner.getByLabel('Password', { exact: true }).fill(routerPassword);
  await save(owner, 'Core router');
  await startNew(owner, 'secure_note');
  await owner.getByLabel('Owner').selectOption({ label: orgName });
  await owner.getByLabel('Default collection').check();
  await owner.getByLabel('Name', { exact: true }).fill('Payroll notes');
  rememberSecret('Payroll notes');
  await save(owner, 'Payroll notes');

  // Alice sees the router with its password, not the payroll notes.
  await visit(alice, '/vault');
  await unlock(alice, PASSWORD);
  await alice.getByRole('button', { name: orgName, exact: true }).click();
  await expect(list(alice).getByRole('button')).toHaveCount(1);
  await list(alice).getByRole('button', { name: /Core router/ }).click();
  await alice.getByRole('button', { name: 'Show password' }).click();
  await expect(alice.getByText(routerPassword)).toBeVisible();
  await expectAccessible(alice);

  // Bob sees it too, without the password: the server never sent it.
  const answer = bob.waitForResponse((r) => r.url().endsWith('/api/shared_list'));
  await visit(bob, '/vault');
  await unlock(bob, PASSWORD);
  const body = await (await answer).json();
  expect(body.items).toHaveLength(1);
  expect(body.items[0].secrets).toBeNull();
  expect(body.items[0].rights).toEqual({ edit: false, secrets: false, manage: false });
  await list(bob).getByRole('button', { name: /Core router/ }).click();
  await expect(bob.getByText('Your access to this item hides its passwords')).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Show password' })).toHaveCount(0);
  await expect(bob.getByRole('button', { name: 'Edit' })).toHaveCount(0);

  // Revoking Bob takes his access away at once.
  await visit(owner, owner.url().replace(/\/vault.*$/, '/vault'));
  await openMenu(owner, 'product-switcher');
  await owner.getByRole('link', { name: `Admin Console · ${orgName}` }).click();
  await hydrated(owner);
  await unlock(owner, PASSWORD);
  await memberAction(owner, bobEmail, 'Revoke access');
  await owner.getByRole('dialog', { name: 'Revoke access' }).getByRole('button', { name: 'Revoke access' }).click();
  await expect(owner.getByRole('row').filter({ hasText: bobEmail })).toContainText('Revoked');
  await bob.reload();
  await hydrated(bob);
  await unlock(bob, PASSWORD);
  await expect(list(bob).getByRole('button', { name: /Core router/ })).toHaveCount(0);

  // The last owner cannot step down.
  await memberAction(owner, ownerEmail, 'Make Admin');
  await expect(owner.getByText('The organization must keep at least one confirmed owner.')).toBeVisible();
  await expect(owner.getByRole('row').filter({ hasText: ownerEmail })).toContainText('Owner');
});

test('the Admin Console on a phone: rows stay on screen, their menus open in reach, one tab is current', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  const email = uniqueEmail('org-phone');
  await register(page, email, 'Phoebe Phone', PASSWORD);
  await visit(page, '/org');
  await unlock(page, PASSWORD);
  await page.getByLabel('Organization name').fill(`Pocket ${Date.now()}`);
  await page.getByLabel('Billing email address').fill(email);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByRole('table', { name: 'Members' })).toContainText(email, { timeout: 30_000 });
  await expect(page.locator('.console-nav [aria-current="page"]')).toHaveCount(1);
  await expect(page.locator('.console-nav [aria-current="page"]')).toHaveText('Members');
  await noSidewaysScroll(page);
  const menu = page.getByRole('row').filter({ hasText: email }).locator('details.menu-box');
  await menu.locator('summary').click();
  const entry = menu.getByRole('button', { name: 'Make Admin' });
  await entry.scrollIntoViewIfNeeded();
  await insideViewport(page, entry, true);
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await page.getByRole('link', { name: 'Collections' }).click();
  await expect(page.locator('.console-nav [aria-current="page"]')).toHaveText('Collections');
  const last = page.getByRole('row').filter({ hasText: 'Default collection' }).locator('details.menu-box');
  await last.locator('summary').click();
  const reach = last.getByRole('button', { name: 'Who can reach it?' });
  await reach.scrollIntoViewIfNeeded();
  await insideViewport(page, reach, true);
  await noSidewaysScroll(page);
  await context.close();
});
