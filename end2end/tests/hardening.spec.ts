import { test, expect, Page } from '@playwright/test';
import { baseURL, verifiedBaseURL } from '../playwright.config';
import {
  expectAccessible, hydrated, list, logIn, mailsTo, newItem, openAccountMenu, openSettings, register, rememberSecret, uniqueEmail, visit,
  waitForMail,
} from './helpers';

const HINT_SUBJECT = 'Your Keyhaven master password hint';
const hintSent = (email: string) => `If an account uses ${email}, its hint is on its way there.`;
const linkSent = (email: string) =>
  `We have emailed ${email}. Open the link in that email to continue; it works for 24 hours.`;

/** Fills the rest of the registration form (the email is already there) and creates the account. */
async function completeRegistration(page: Page, name: string, password: string, hint?: string) {
  rememberSecret(password);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Master password', { exact: true }).fill(password);
  await page.getByLabel('Confirm master password').fill(password);
  if (hint !== undefined) await page.getByLabel('Master password hint (optional)').fill(hint);
  await page.getByLabel('I understand that my master password cannot be recovered').check();
  await page.getByRole('button', { name: 'Create account' }).click();
}

async function logOut(page: Page) {
  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
}

/** Asks /hint (already open) for the hint of `email` and waits for the page's answer. */
async function askForHint(page: Page, email: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me my hint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'If an account uses' })).toHaveText(hintSent(email));
}

const noHorizontalScroll = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

test.describe('a forgotten master password', () => {
  test('the hint is mailed to the account; an unknown address gets the same answer and no mail', async ({ page }) => {
    const email = uniqueEmail('hint');
    const password = 'Juniper ferry 64 at low tide';
    const hint = 'The boat to the island, and the year we took it';

    await visit(page, '/register');
    await expect(page.getByLabel('Master password hint (optional)')).toBeVisible();
    await page.getByLabel('Email address').fill(email);
    await completeRegistration(page, 'Hana Hint', password, hint);
    await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
    await logOut(page);

    // From the login page, as someone who forgot would go.
    await visit(page, '/login');
    await page.getByRole('link', { name: 'Forgot your master password?' }).click();
    await expect(page).toHaveURL(/\/hint$/);
    await expect(page.getByRole('heading', { name: 'Get your master password hint' })).toBeVisible();
    await expectAccessible(page);

    // A malformed address is refused at the field, and nothing is sent.
    await page.getByLabel('Email address').fill('not-an-email');
    await page.getByRole('button', { name: 'Email me my hint' }).click();
    await expect(page.getByText('Enter an email address such as name@example.com.')).toBeVisible();
    await expect(page.getByLabel('Email address')).toHaveAttribute('aria-invalid', 'true');

    await askForHint(page, email);
    await expectAccessible(page);
    const mail = await waitForMail(email, (m) => m.subject === HINT_SUBJECT);
    expect(mail.from).toContain('keyhaven@keyhaven.test');
    expect(mail.text).toContain(`Your hint: ${hint}`);
    expect(mail.text).not.toContain(password);

    // An address without an account: the very same answer on the page, and no mail.
    const nobody = uniqueEmail('nobody');
    await visit(page, '/hint');
    await askForHint(page, nobody);

    // An account without a hint is told so by mail. It is asked after the unknown address, so
    // once its mail is here, a mail to the unknown address would have been sent too.
    const plain = uniqueEmail('nohint');
    const context = await page.context().browser()!.newContext();
    await register(await context.newPage(), plain, 'Nat Nohint', 'Saffron bridge 29 in fog');
    await context.close();
    await visit(page, '/hint');
    await askForHint(page, plain.toUpperCase());
    const none = await waitForMail(plain, (m) => m.subject === HINT_SUBJECT);
    expect(none.text).toContain('your account has no hint');
    expect(none.text).not.toContain('Your hint:');
    await page.waitForTimeout(500);
    expect(await mailsTo(nobody)).toEqual([]);

    // Asked too often for one address: the page says what happened, and that nothing was sent.
    for (let i = 0; i < 3; i++) {
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Email me my hint' }).click();
      await page.waitForTimeout(300);
    }
    await expect(page.getByRole('alert').filter({ hasText: 'Several emails have already been sent to this address.' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'its hint is on its way' })).toBeHidden();
  });

  for (const { lang, forgot, title, email, button, sent } of [
    {
      lang: 'fr', forgot: /^Mot de passe principal oublié\s\?$/, title: "Recevoir l'indice de votre mot de passe principal",
      email: 'Adresse e-mail', button: "M'envoyer mon indice", sent: 'Si un compte utilise {email}, son indice est en route vers cette adresse.',
    },
    {
      lang: 'nl', forgot: 'Hoofdwachtwoord vergeten?', title: 'Ontvang de hint voor je hoofdwachtwoord',
      email: 'E-mailadres', button: 'Stuur me mijn hint', sent: 'Als een account {email} gebruikt, is de hint daarheen onderweg.',
    },
  ]) {
    test(`the hint page speaks ${lang === 'fr' ? 'French' : 'Dutch'}`, async ({ page, context }) => {
      await context.addCookies([{ name: 'kh_lang', value: lang, url: baseURL }]);
      await visit(page, '/login');
      await page.getByRole('link', { name: forgot }).click();
      await expect(page.getByRole('heading', { name: title })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expectAccessible(page);

      // Straight to the page too (the server renders it in the language of the cookie).
      await visit(page, '/hint');
      await expect(page.getByRole('heading', { name: title })).toBeVisible();
      const who = uniqueEmail(`hint-${lang}`);
      await page.getByLabel(email).fill(who);
      await page.getByRole('button', { name: button }).click();
      await expect(page.getByText(sent.replace('{email}', who))).toBeVisible();
      await expectAccessible(page);
    });
  }

  test('a French account gets its hint in French, accents intact', async ({ page, context }) => {
    await context.addCookies([{ name: 'kh_lang', value: 'fr', url: baseURL }]);
    const email = uniqueEmail('indice');
    const password = 'Tilleul brumeux 52 au port';
    const hint = 'Le café près de la gare, été 1998 — « côté quai »';
    rememberSecret(password);
    await visit(page, '/register');
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Votre nom').fill('Élodie Indice');
    await page.getByLabel('Mot de passe principal', { exact: true }).fill(password);
    await page.getByLabel('Confirmez le mot de passe principal').fill(password);
    await page.getByLabel('Indice du mot de passe principal (facultatif)').fill(hint);
    await page.getByLabel('Je comprends que mon mot de passe principal ne peut pas être récupéré').check();
    await page.getByRole('button', { name: 'Créer un compte' }).click();
    await expect(page.getByRole('heading', { name: 'Mon coffre' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('navigation', { name: 'Menu du compte' }).locator('summary').click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page.getByRole('heading', { name: 'Connexion à Keyhaven' })).toBeVisible();

    await visit(page, '/hint');
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByRole('button', { name: "M'envoyer mon indice" }).click();
    await expect(page.getByText(`Si un compte utilise ${email}, son indice est en route vers cette adresse.`)).toBeVisible();
    const mail = await waitForMail(email, (m) => m.subject === "L'indice de votre mot de passe principal Keyhaven");
    expect(mail.text).toContain(`Votre indice : ${hint}`);
  });
});

test.describe('sign out everywhere', () => {
  test('ends every session of the account on every device, and no one else\'s', async ({ browser }) => {
    const email = uniqueEmail('everywhere');
    const password = 'Cobalt lighthouse 58 at dawn';
    const here = await (await browser.newContext()).newPage();
    await register(here, email, 'Eve Everywhere', password);

    // The same account on another device, in the middle of typing an item.
    const there = await (await browser.newContext()).newPage();
    await logIn(there, email, password);
    await expect(there.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
    await newItem(there, 'secure_note', 'Half-typed on the other device');

    // Someone else, signed in meanwhile.
    const otherPassword = 'Marble orchard 36 in spring';
    const other = await (await browser.newContext()).newPage();
    await register(other, uniqueEmail('bystander'), 'Bo Bystander', otherPassword);

    await openSettings(here, password);
    const sessions = here.getByRole('region', { name: 'Sessions' });
    await expect(sessions).toBeVisible();
    const confirm = here.getByRole('group', { name: 'Log out everywhere' });

    // Asking first; Cancel changes nothing.
    await sessions.getByRole('button', { name: 'Log out everywhere' }).click();
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText('You will need your master password to log in again.');
    await expectAccessible(here);
    // Focus goes to the confirmation, and back to its button after Cancel or Escape.
    await expect(confirm.getByRole('button', { name: 'Log out everywhere' })).toBeFocused();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(sessions.getByRole('button', { name: 'Log out everywhere' })).toBeVisible();
    await expect(sessions.getByRole('button', { name: 'Log out everywhere' })).toBeFocused();
    await here.keyboard.press('Enter');
    await expect(confirm).toBeVisible();
    await here.keyboard.press('Escape');
    await expect(confirm).toHaveCount(0);
    await expect(sessions.getByRole('button', { name: 'Log out everywhere' })).toBeFocused();
    await openSettings(here, password);
    await expect(here.getByRole('heading', { name: 'Account settings' })).toBeVisible();

    await sessions.getByRole('button', { name: 'Log out everywhere' }).click();
    await expect(confirm.getByRole('button', { name: 'Log out everywhere' })).toHaveClass(/\bdanger\b/);
    await confirm.getByRole('button', { name: 'Log out everywhere' }).click();
    await expect(here.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
    await expect(here.getByText('You are logged out on every device.')).toBeVisible();
    await expect(here).toHaveURL(/\/login$/);
    await expect(here.getByRole('navigation', { name: 'Account menu' })).toHaveCount(0);
    await here.reload();
    await hydrated(here);
    await expect(here.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();

    // The other device's next call is refused, and it leaves the vault for the login page.
    await there.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(there.getByText('your session has ended')).toBeVisible();
    await expect(there.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
    await expect(list(there)).toHaveCount(0);
    await there.goto('/vault');
    await hydrated(there);
    await expect(there.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();

    // The other account is still signed in: a reload finds its session, the password opens it.
    await other.reload();
    await hydrated(other);
    await expect(other.getByRole('heading', { name: 'Your vault is locked' })).toBeVisible();
    await other.getByLabel('Master password').fill(otherPassword);
    await other.getByRole('button', { name: 'Unlock' }).click();
    await expect(other.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });

    // And the account itself is fine: its master password signs in again.
    await logIn(here, email, password);
    await expect(here.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test('the hint page and the Sessions section fit without scrolling sideways', async ({ page }) => {
    await visit(page, '/hint');
    await noHorizontalScroll(page);
    const button = await page.getByRole('button', { name: 'Email me my hint' }).boundingBox();
    expect((button?.x ?? 999) + (button?.width ?? 0)).toBeLessThanOrEqual(375);
    await askForHint(page, uniqueEmail('phone-hint'));
    await noHorizontalScroll(page);

    await register(page, uniqueEmail('phone-sessions'), 'Pia Phone', 'Lagoon ticket 83 for two');
    await openSettings(page, 'Lagoon ticket 83 for two');
    const sessions = page.getByRole('region', { name: 'Sessions' });
    await sessions.getByRole('button', { name: 'Log out everywhere' }).click();
    const confirm = page.getByRole('group', { name: 'Log out everywhere' });
    await expect(confirm).toBeVisible();
    await confirm.scrollIntoViewIfNeeded();
    await noHorizontalScroll(page);
    for (const name of ['Log out everywhere', 'Cancel']) {
      const box = await confirm.getByRole('button', { name }).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    }
    await expectAccessible(page);
  });
});

test.describe('where addresses are verified before sign-up', () => {
  test.use({ baseURL: verifiedBaseURL });

  test('a mailed link opens the form, works once, and a taken address is told by mail', async ({ page }) => {
    const email = uniqueEmail('verified');
    const password = 'Quartz meadow 71 under snow';

    // First only the address.
    await visit(page, '/register');
    await expect(page.getByRole('heading', { name: 'Create your Keyhaven account' })).toBeVisible();
    await expect(page.getByLabel('Email address')).toBeVisible();
    await expect(page.getByLabel('Your name')).toHaveCount(0);
    await expect(page.getByLabel('Master password', { exact: true })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Create account' })).toHaveCount(0);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'We have emailed' })).toHaveText(linkSent(email));
    await expectAccessible(page);

    const mail = await waitForMail(email, (m) => m.subject === 'Create your Keyhaven account');
    const link = mail.text.match(/https?:\/\/\S+\/register\?\S+/)?.[0];
    expect(link, mail.text).toBeDefined();
    expect(link!.startsWith(`${verifiedBaseURL}/register?token=`)).toBe(true);
    expect(new URL(link!).searchParams.get('email')).toBe(email);

    // The link opens the whole form with the address filled in, and verified.
    await visit(page, link!);
    await expect(page.getByLabel('Email address')).toHaveValue(email);
    await expect(page.getByLabel('Email address')).toHaveAttribute('readonly', '');
    await expect(page.getByText('Verified by the link you opened.')).toBeVisible();
    await completeRegistration(page, 'Vera Verified', password);
    await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
    await logOut(page);
    await logIn(page, email, password);
    await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
    await logOut(page);

    // The link opened the form with the address verified: it cannot be changed there.
    // The same link again: the page says at once that it is used up, and offers a new one for
    // the same address (no form that could not be submitted).
    await visit(page, link!);
    const refused = page.getByRole('alert').filter({ hasText: 'This link has expired or was already used.' });
    await expect(refused).toBeVisible();
    await expect(page.getByLabel('Your name')).toHaveCount(0);
    await expect(page.getByLabel('Email address')).toHaveValue(email);
    await expect(page.getByRole('button', { name: 'Email me a link' })).toBeVisible();
    // A made-up link likewise.
    await visit(page, `/register?token=${'ab'.repeat(32)}&email=${encodeURIComponent(email)}`);
    await expect(refused).toBeVisible();
    await expectAccessible(page);

    // Asking again for an address that has an account: the same answer, and a mail that says so.
    await visit(page, '/register');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'We have emailed' })).toHaveText(linkSent(email));
    const taken = await waitForMail(email, (m) => m.subject === 'You already have a Keyhaven account');
    expect(taken.text).toContain('already has one');
    expect(taken.text).toContain(`${verifiedBaseURL}/login`);
    expect(taken.text).not.toContain('token=');
    // Only the two mails: the link and the notice.
    expect((await mailsTo(email)).map((m) => m.subject)).toEqual([
      'Create your Keyhaven account', 'You already have a Keyhaven account',
    ]);
  });
});
