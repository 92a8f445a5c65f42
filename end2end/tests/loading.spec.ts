import { test, expect, Page } from '@playwright/test';
import { choosePreference, hydrated, logIn, openAccountMenu, register, startNew, uniqueEmail, visit } from './helpers';

const languageOrKdfPart = /^split_(dutch|french|argon_2_id_master_key)_/;

/** The WASM files the page fetches from now on, by name, each once: a preloaded part may show as
 * two requests (the preload and the import) when the import starts before the preload is done. */
function wasmFetches(page: Page) {
  const seen: string[] = [];
  page.on('request', (r) => {
    const file = new URL(r.url()).pathname.split('/').pop() ?? '';
    if (file.endsWith('.wasm') && !seen.includes(file)) seen.push(file);
  });
  return seen;
}

test('each page fetches its own WASM parts, and the vault fetches the writing panes only when one opens', async ({ page }) => {
  const fetched = wasmFetches(page);
  await visit(page, '/login');
  expect(fetched).toContain('keyhaven_bg.wasm');
  expect(fetched.some((f) => f.startsWith('split___login_route_view_'))).toBe(true);
  expect(fetched.filter((f) => /^split___(vault|register|settings)_route_view_/.test(f))).toEqual([]);
  // The texts are a part too, even English: the main module carries none. The server names the
  // page's language so that it downloads beside the main module.
  expect(fetched.filter((f) => f.startsWith('split_english_'))).toHaveLength(1);
  await expect(page.locator('head link[rel="preload"][href*="/split_english_"]')).toHaveCount(1);

  await register(page, uniqueEmail('parts'), 'Parts', 'Lazy parts arrive 47 times');
  expect(fetched.some((f) => f.startsWith('split___register_route_view_'))).toBe(true);
  // English and the default KDF (PBKDF2) are in the main module and the page parts.
  expect(fetched.filter((f) => languageOrKdfPart.test(f))).toEqual([]);
  expect(fetched.some((f) => f.startsWith('split___vault_route_view_'))).toBe(true);
  expect(fetched.filter((f) => f.startsWith('split_writing_pane_'))).toEqual([]);

  // A reload renders the vault on the server; it hydrates with its part and its form works.
  fetched.length = 0;
  await visit(page, '/vault');
  expect(fetched.some((f) => f.startsWith('split___vault_route_view_'))).toBe(true);
  expect(fetched.filter((f) => f.startsWith('split___login_route_view_'))).toEqual([]);
  await page.getByLabel('Master password').fill('Lazy parts arrive 47 times');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
  expect(fetched.filter((f) => f.startsWith('split_writing_pane_'))).toEqual([]);

  await startNew(page, 'login');
  await expect(page.getByLabel('Name', { exact: true })).toBeVisible();
  expect(fetched.filter((f) => f.startsWith('split_writing_pane_'))).toHaveLength(1);
});

test('Dutch and French are parts of their own, fetched before a page in that language hydrates', async ({ page }) => {
  const fetched = wasmFetches(page);
  await visit(page, '/login');
  await choosePreference(page, 'Language', 'nl');
  await expect(page.getByRole('heading', { name: 'Inloggen bij Keyhaven' })).toBeVisible();
  expect(fetched.filter((f) => f.startsWith('split_dutch_'))).toHaveLength(1);

  // A page the server renders in Dutch hydrates in Dutch: what the browser renders itself after
  // hydration (here a client-side navigation) is Dutch too.
  fetched.length = 0;
  await page.reload();
  await hydrated(page);
  expect(fetched.filter((f) => f.startsWith('split_dutch_'))).toHaveLength(1);
  // The server named the part in the page, so it was fetched beside the main module.
  await expect(page.locator('head link[rel="preload"][href*="/split_dutch_"]')).toHaveCount(1);
  await expect(page.locator('head link[rel="preload"][href*="/split_french_"]')).toHaveCount(0);
  await expect(page.locator('head link[rel="preload"][href*="/split_english_"]')).toHaveCount(0);
  await page.getByRole('link', { name: 'Account aanmaken' }).click();
  await expect(page.getByRole('heading', { name: 'Maak je Keyhaven-account aan' })).toBeVisible();
  await page.getByText('Geavanceerd', { exact: true }).click();
  await expect(page.getByLabel('Sleutelafleiding')).toBeVisible();
  expect(fetched.filter((f) => /^split_(french|argon_2_id_master_key)_/.test(f))).toEqual([]);

  await choosePreference(page, 'Taal', 'fr');
  await expect(page.getByRole('heading', { name: 'Créez votre compte Keyhaven' })).toBeVisible();
  expect(fetched.filter((f) => f.startsWith('split_french_'))).toHaveLength(1);
  await choosePreference(page, 'Langue', 'en');
  await expect(page.getByRole('heading', { name: 'Create your Keyhaven account' })).toBeVisible();
});

test('an Argon2id account registers, logs in and unlocks with Argon2 as a part of its own', async ({ page }) => {
  const fetched = wasmFetches(page);
  const email = uniqueEmail('argon');
  const password = 'Argon lanterns drift 58 times';
  await register(page, email, 'Argon Account', password, 'argon2id');
  expect(fetched.filter((f) => f.startsWith('split_argon_2_id_master_key_'))).toHaveLength(1);

  await openAccountMenu(page);
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Log in to Keyhaven' })).toBeVisible();
  await logIn(page, email, password);
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });

  // After a reload the part is fetched again for the unlock; a wrong password is still refused.
  fetched.length = 0;
  await visit(page, '/vault');
  await page.getByLabel('Master password').fill('not the argon password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('That master password is not right.')).toBeVisible({ timeout: 30_000 });
  expect(fetched.filter((f) => f.startsWith('split_argon_2_id_master_key_'))).toHaveLength(1);
  await page.getByLabel('Master password').fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'My vault' })).toBeVisible({ timeout: 30_000 });
});

test('Argon2 and the languages stay in parts of their own', async ({ request }) => {
  const manifest: Record<string, string[]> = await (await request.get('/pkg/__wasm_split_manifest.json')).json();
  const files = (prefix: string) => {
    const key = Object.keys(manifest).find((k) => k.startsWith(prefix));
    expect(key, `a part named ${prefix}…`).toBeTruthy();
    return manifest[key!];
  };
  const pages = ['__login_route_view_', '__register_route_view_', '__vault_route_view_', '__settings_route_view_',
    'writing_pane_'].flatMap(files);
  for (const part of ['dutch_', 'french_']) {
    expect(files(part).filter((f) => pages.includes(f)), part).toEqual([]);
  }
  // Argon2 itself (about 11 KB) is in the Argon2 part's own file. If a page or pane reached it,
  // the splitter would move it to a chunk shared with that page and leave a stub here. (BLAKE2b,
  // which Argon2 uses, is also what sealed boxes hash their nonce with, so since organization
  // keys it sits in a chunk shared with the pages that open them.)
  const own = files('argon_2_id_master_key_').find((f) => f.startsWith('split_'));
  const body = await (await request.get(`/pkg/${own}.wasm`)).body();
  expect(body.length).toBeGreaterThan(10_000);
});

test('what a person types before the page hydrates is kept (a slow link: the form is editable long before)', async ({ page }) => {
  // Hold every WASM file back for two seconds: the server-rendered form is there, the app is not.
  await page.route('**/*.wasm', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await route.continue();
  });
  await page.goto('/register');
  await expect(page.locator('body[data-hydrated]')).toHaveCount(0);
  await page.getByLabel('Email address').fill('early-typist@example.org');
  await page.getByLabel('Your name', { exact: true }).fill('Early Typist');
  await hydrated(page);
  await expect(page.getByLabel('Email address')).toHaveValue('early-typist@example.org');
  await expect(page.getByLabel('Your name', { exact: true })).toHaveValue('Early Typist');
  await page.unroute('**/*.wasm');
});
