import { test, expect } from '@playwright/test';
import { list, newItem, register, save, uniqueEmail, visit } from './helpers';

// Icons come from one SVG sprite (Lucide), never from emoji, which look different on every system
// and are empty boxes where no colour-emoji font is installed.
test('item, folder and favorite icons are SVG from the app sprite, not emoji', async ({ page, request }) => {
  const sprite = await request.get('/pkg/icons.svg');
  expect(sprite.status()).toBe(200);
  expect(sprite.headers()['content-type']).toContain('image/svg+xml');
  const text = await sprite.text();
  for (const id of ['key-round', 'credit-card', 'id-card', 'sticky-note', 'folder', 'star']) {
    expect(text).toContain(`<symbol id="${id}"`);
  }
  expect(text).toContain('ISC License');

  await register(page, uniqueEmail('icons'), 'Ivo Icons', 'Icons drawn the same everywhere 9');
  await newItem(page, 'login', 'Mailbox');
  await page.getByLabel('Favorite').check();
  await save(page, 'Mailbox');
  const row = list(page).getByRole('button', { name: /Mailbox/ });
  await expect(row.locator('svg[data-icon="key-round"]')).toBeVisible();
  await expect(row.locator('svg[data-icon="star"]')).toBeVisible();
  // The favorite is said in words to a screen reader, the icon itself is silent.
  await expect(row).toContainText('Favorite');
  const box = await row.locator('svg[data-icon="key-round"]').boundingBox();
  expect(box!.width).toBeGreaterThan(10);
  const body = await page.locator('body').innerText();
  expect(body).not.toMatch(/[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}]/u);
  await visit(page, '/vault');
});

test('a secure note can be copied; the trash offers no New', async ({ page }) => {
  await register(page, uniqueEmail('note'), 'Nell Notes', 'Notes copied in one click 5');
  await newItem(page, 'secure_note', 'Door codes');
  await page.getByLabel('Notes').fill('Front 4711, back 0815');
  await save(page, 'Door codes');
  await expect(page.getByRole('button', { name: 'Copy notes' })).toBeVisible();
  await expect(page.locator('#new-menu')).toBeVisible();
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await expect(page.locator('#new-menu')).toHaveCount(0);
  await page.getByRole('button', { name: 'All items' }).click();
  await expect(page.locator('#new-menu')).toBeVisible();
});
