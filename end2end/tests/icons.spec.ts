import { test, expect, type Page } from '@playwright/test';
import { list, newItem, register, save, uniqueEmail, visit } from './helpers';

/** The width of what the first `<use>` matching `selector` draws (0 when its symbol was not found). */
async function drawnSize(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((use) => (use as SVGGraphicsElement).getBBox().width);
}

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

  // The browser draws from the sprite only if it is well-formed XML: an icon whose <use> found
  // nothing keeps its box but draws nothing (a sprite with "--" in its licence comment did that).
  await visit(page, '/login');
  expect(await page.evaluate(async () => {
    const doc = new DOMParser().parseFromString(await (await fetch('/pkg/icons.svg')).text(), 'image/svg+xml');
    return doc.getElementsByTagName('parsererror').length;
  })).toBe(0);
  await expect.poll(() => drawnSize(page, '.topbar svg.icon use')).toBeGreaterThan(8);

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
  await expect.poll(() => drawnSize(page, '[aria-label="Items"] svg[data-icon="key-round"] use')).toBeGreaterThan(10);
  await expect.poll(() => drawnSize(page, '[aria-label="Items"] svg[data-icon="star"] use')).toBeGreaterThan(5);
  // A favorite's star is filled, not an outline.
  const starFill = await row.locator('svg[data-icon="star"]').evaluate((svg) => getComputedStyle(svg).fill);
  expect(starFill).not.toBe('none');
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
