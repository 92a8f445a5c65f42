import { test, expect, Page } from '@playwright/test';
import { register, uniqueEmail, visit } from './helpers';

/** The WASM files the page fetches from now on, by name. */
function wasmFetches(page: Page) {
  const seen: string[] = [];
  page.on('request', (r) => {
    const file = new URL(r.url()).pathname.split('/').pop() ?? '';
    if (file.endsWith('.wasm')) seen.push(file);
  });
  return seen;
}

test('each page fetches its own WASM parts, and the vault fetches the writing panes only when one opens', async ({ page }) => {
  const fetched = wasmFetches(page);
  await visit(page, '/login');
  expect(fetched).toContain('keyhaven_bg.wasm');
  expect(fetched.some((f) => f.startsWith('split___login_route_view_'))).toBe(true);
  expect(fetched.filter((f) => /^split___(vault|register|settings)_route_view_/.test(f))).toEqual([]);

  await register(page, uniqueEmail('parts'), 'Parts', 'Lazy parts arrive 47 times');
  expect(fetched.some((f) => f.startsWith('split___register_route_view_'))).toBe(true);
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

  await page.getByRole('button', { name: 'New item' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toBeVisible();
  expect(fetched.filter((f) => f.startsWith('split_writing_pane_'))).toHaveLength(1);
});
