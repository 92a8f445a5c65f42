import { test, expect, Browser, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { dataDir } from '../playwright.config';
import { choosePreference, expectAccessible, hydrated, noSidewaysScroll, openSettings, register, rememberSecret, uniqueEmail, visit, waitForMail } from './helpers';

// The Provider Portal, told as the seed's story: an operator creates a provider for an MSP's
// admin, who sets it up and invites a technician; the technician creates a client for a
// customer, whose owner joins; the technician manages the client's Admin Console through the
// provider's key; a service user cannot open the provider's members; unlinking ends the staff's
// access at once. Mails are read from the suite's SMTP sink.

const PASSWORD = 'provider story master password 9';
const binary = process.env.KEYHAVEN_E2E_BIN ?? path.resolve(__dirname, '../../target/debug/keyhaven');

async function person(browser: Browser) {
  return (await browser.newContext()).newPage();
}

async function unlock(page: Page) {
  const field = page.locator('#unlock-password');
  await expect(field.or(page.locator('main h1')).first()).toBeVisible({ timeout: 30_000 });
  if (await field.isVisible().catch(() => false)) {
    await field.fill(PASSWORD);
    await field.press('Enter');
    await expect(field).toHaveCount(0, { timeout: 30_000 });
  }
}

/** The first link to this server's `/provider` or `/org` in the newest mail to `email` about `about`. */
async function linkIn(email: string, about: string, kind: 'provider' | 'org') {
  const mail = await waitForMail(email, (m) => m.subject.includes(about) || m.text.includes(about));
  const found = mail.text.match(new RegExp(`https?://\\S+/${kind}\\?\\S+`));
  expect(found, mail.text).not.toBeNull();
  const url = new URL(found![0]);
  return url.pathname + url.search;
}

/** Someone opens an invitation link, creates the invited account, and accepts. */
async function joinByLink(page: Page, link: string, email: string, name: string) {
  await visit(page, link);
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
  await expect(page.getByRole('button', { name: 'Accept invitation' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(page.getByText('Invitation accepted')).toBeVisible();
}

async function fingerprintOf(page: Page) {
  await openSettings(page, PASSWORD);
  const phrase = page.locator('#my-fingerprint');
  await expect(phrase).toHaveText(/^[a-z]+(-[a-z]+){4}$/);
  return (await phrase.textContent())!.trim();
}

async function rowAction(page: Page, table: string, text: string, action: string) {
  const menu = page.locator(`#${table}`).getByRole('row').filter({ hasText: text }).locator('details.menu-box');
  await menu.locator('summary').click();
  await menu.getByRole(action === 'Manage' ? 'link' : 'button', { name: action }).click();
}

test('an operator creates a provider; its admin, a technician and a customer run a client to its unlinking', async ({ browser }) => {
  test.setTimeout(240_000);
  const operatorEmail = uniqueEmail('operator');
  const adminEmail = uniqueEmail('msp-admin');
  const techEmail = uniqueEmail('msp-tech');
  const customerEmail = uniqueEmail('customer');
  const providerName = `Northwind IT ${Date.now()}`;
  const clientName = `Contoso ${Date.now()}`;

  // The operator: an account made an operator from the command line.
  const operator = await person(browser);
  await register(operator, operatorEmail, 'Olive Operator', PASSWORD);
  execFileSync(binary, ['operator', 'grant', operatorEmail], { env: { ...process.env, KEYHAVEN_DATA_DIR: dataDir } });
  const admin = await person(browser);
  await register(admin, adminEmail, 'Ada Admin', PASSWORD);

  // The operator console: the checklist follows the address; a missing prerequisite is asked
  // about before the provider is created anyway.
  await visit(operator, '/operator');
  await operator.getByLabel('Provider name').fill(providerName);
  await operator.getByLabel("First provider admin's email address").fill(adminEmail);
  await expect(operator.locator('.checklist li.done')).toHaveCount(1);
  await operator.getByLabel('A client is ready to be onboarded').check();
  await operator.getByRole('button', { name: 'Create provider' }).click();
  await operator.getByRole('dialog', { name: 'Create provider' }).getByRole('button', { name: 'Create anyway' }).click();
  await expect(operator.getByText('The provider was created')).toBeVisible();
  await expect(operator.locator('#providers-table').getByRole('row').filter({ hasText: providerName })).toContainText('Waiting for setup');
  await expectAccessible(operator);

  // The admin follows the mailed setup link, completes the setup, and invites a technician.
  const setup = await linkIn(adminEmail, providerName, 'provider');
  await visit(admin, setup);
  await unlock(admin);
  await admin.getByLabel('Billing email address').fill(`billing@${adminEmail.split('@')[1]}`);
  await expectAccessible(admin);
  await admin.getByRole('button', { name: 'Complete setup' }).click();
  await expect(admin.getByRole('heading', { name: providerName })).toBeVisible({ timeout: 30_000 });
  const portal = admin.url();
  const providerId = new URL(portal).searchParams.get('id');
  await admin.getByRole('link', { name: 'Members' }).click();
  await admin.getByRole('button', { name: 'Invite members' }).click();
  await admin.getByLabel('Email addresses', { exact: false }).fill(techEmail);
  await admin.getByRole('button', { name: 'Send invitations' }).click();
  await expect(admin.getByText('1 invitation sent')).toBeVisible();

  // The technician joins by the link, and is confirmed by comparing fingerprint phrases.
  const tech = await person(browser);
  await joinByLink(tech, await linkIn(techEmail, '/provider?invite=', 'provider'), techEmail, 'Tia Tech');
  const phrase = await fingerprintOf(tech);
  await visit(admin, `/provider?id=${providerId}&section=members`);
  await unlock(admin);
  await rowAction(admin, 'provider-members-table', techEmail, 'Confirm member');
  const confirm = admin.getByRole('dialog', { name: 'Confirm member' });
  await expect(confirm.getByRole('listitem').filter({ hasText: techEmail })).toContainText(phrase);
  await confirm.getByRole('button', { name: 'The phrases match: confirm' }).click();
  await expect(admin.locator('#provider-members-table').getByRole('row').filter({ hasText: techEmail })).toContainText('Confirmed');

  // The technician creates a client for a customer; the customer's owner is invited.
  await visit(tech, `/provider?id=${providerId}&section=clients`);
  await unlock(tech);
  await expect(tech.getByRole('link', { name: 'Members' })).toHaveCount(0);
  await tech.getByRole('button', { name: 'New client' }).click();
  const dialog = tech.getByRole('dialog', { name: 'New client' });
  await dialog.getByLabel('Organization name').fill(clientName);
  await dialog.getByLabel('Billing email address').fill('billing@contoso.example');
  await dialog.getByLabel("Customer owner's email address").fill(customerEmail);
  await expectAccessible(tech);
  await dialog.getByRole('button', { name: 'Create client' }).click();
  const row = tech.locator('#clients-table').getByRole('row').filter({ hasText: clientName });
  await expect(row).toContainText('Owner invitation open');

  // The customer's owner joins.
  const customer = await person(browser);
  await joinByLink(customer, await linkIn(customerEmail, clientName, 'org'), customerEmail, 'Cara Customer');
  const customerPhrase = await fingerprintOf(customer);

  // The technician manages the client: its Admin Console opens through the provider's key,
  // says who manages it, and confirms the owner.
  await visit(tech, `/provider?id=${providerId}&section=clients`);
  await unlock(tech);
  await rowAction(tech, 'clients-table', clientName, 'Manage');
  await expect(tech.getByRole('heading', { name: clientName })).toBeVisible({ timeout: 30_000 });
  await expect(tech.locator('#managed-by')).toHaveText(`Managed by ${providerName}`);
  await tech.getByRole('button', { name: 'Confirm member' }).click();
  const confirmOwner = tech.getByRole('dialog', { name: 'Confirm member' });
  await expect(confirmOwner).toContainText(customerPhrase);
  await confirmOwner.getByRole('button', { name: 'The phrases match: confirm' }).click();
  await expect(tech.getByText('1 member confirmed', { exact: false })).toBeVisible();
  await expectAccessible(tech);

  // A service user has no Members section, and the server refuses its call.
  const refused = await tech.evaluate(async (id) => {
    const r = await fetch('/api/provider_member_page', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ provider: id, query: { search: '', filter: 'all', page: 0 } }),
    });
    return r.status;
  }, providerId);
  expect(refused).toBe(403);

  // The admin unlinks the client: the technician's access ends at once.
  await visit(admin, `/provider?id=${providerId}&section=clients`);
  await unlock(admin);
  await rowAction(admin, 'clients-table', clientName, 'Unlink client');
  await admin.getByRole('dialog', { name: 'Unlink client' }).getByRole('button', { name: 'Unlink client' }).click();
  await expect(admin.getByText(`${clientName} is no longer a client.`)).toBeVisible();
  await tech.reload();
  await hydrated(tech);
  await unlock(tech);
  await expect(tech.getByText('That could not be found.')).toBeVisible({ timeout: 30_000 });
  await expect(tech.getByRole('heading', { name: clientName })).toHaveCount(0);
});

for (const [lang, texts] of [
  ['nl', { setup: 'Inrichting voltooien', clients: 'Klanten', newClient: 'Nieuwe klant', members: 'Leden' }],
  ['fr', { setup: 'Terminer la configuration', clients: 'Clients', newClient: 'Nouveau client', members: 'Membres' }],
] as const) {
  test(`the portal on a phone (375×812) in ${lang}: setup, clients, a new client's form, members`, async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await (await browser.newContext({ viewport: { width: 375, height: 812 } })).newPage();
    const adminEmail = uniqueEmail(`portal-${lang}`);
    await register(page, adminEmail, 'Port Al', PASSWORD);
    // A provider made from the command line, as an operator would.
    const created = execFileSync(binary, ['provider', 'create', '--name', `Provider ${lang} ${Date.now()}`, '--type', 'msp', '--admin', adminEmail], {
      env: { ...process.env, KEYHAVEN_DATA_DIR: dataDir },
    }).toString();
    const id = created.match(/Created the provider .* \(([0-9a-f-]{36})\)\./)![1];
    await visit(page, '/vault');
    await choosePreference(page, 'Language', lang);
    await visit(page, `/provider?id=${id}&section=setup`);
    await unlock(page);
    await page.locator('#provider-billing').fill(`billing@${adminEmail.split('@')[1]}`);
    await expectAccessible(page);
    await page.getByRole('button', { name: texts.setup }).click();
    await expect(page.getByRole('link', { name: texts.clients, exact: true })).toBeVisible({ timeout: 30_000 });
    await expectAccessible(page);
    await noSidewaysScroll(page);
    await page.getByRole('button', { name: texts.newClient }).click();
    await expect(page.getByRole('dialog', { name: texts.newClient })).toBeVisible();
    await expectAccessible(page);
    await noSidewaysScroll(page);
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: texts.members, exact: true }).click();
    await expect(page.locator('#provider-members-table')).toContainText(adminEmail);
    await expectAccessible(page);
    await noSidewaysScroll(page);
  });
}
