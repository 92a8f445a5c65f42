import { test, expect, Page } from '@playwright/test';
import path from 'node:path';
import {
  choosePreference, importCsv, list, openTool, register, startNew, uniqueEmail, visit,
} from '../tests/helpers';

const OUT = path.resolve(__dirname, '../../target/screenshots');

const CSV = `folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp
Work,1,login,Payroll portal,,,0,https://payroll.example,maria@example.org,Payroll-Spring-26,
Work,,login,Office mail,,,0,https://mail.example,maria,Office-Mail-Pass-9,
Banking,,login,Harbor Credit Union,Member since 2019,,0,https://harborcu.example,hc-member-77,Tide!Pool-8821,
,,login,Streaming,,,0,https://tv.example,maria.family,Couch-Evening-42,
,,note,Alarm code,Front panel 9937,,0,,,,
`;

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 375, height: 812 },
] as const;

async function shoot(page: Page, name: string) {
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

for (const size of SIZES) {
  for (const theme of ['light', 'dark'] as const) {
    test(`${size.name} ${theme}`, async ({ page }) => {
      test.setTimeout(120_000);
      await page.setViewportSize({ width: size.width, height: size.height });
      const tag = `${size.name}-${theme}`;
      await register(page, uniqueEmail(`shot-${tag}`), 'Maria Jansen', 'Screenshots 4 reviewers!');
      await choosePreference(page, 'Theme', theme);
      await page.keyboard.press('Escape');
      await importCsv(page, CSV, 5);
      const back = page.locator('#pane-back');
      if (await back.isVisible()) await back.click();
      await shoot(page, `vault-${tag}`);
      await list(page).getByRole('button', { name: /Payroll portal/ }).click();
      await expect(page.getByRole('article')).toBeVisible();
      await shoot(page, `item-${tag}`);
      await page.locator('#item-edit').click();
      await shoot(page, `form-${tag}`);
      await page.getByRole('button', { name: 'Cancel' }).click();
      if (await back.isVisible()) await back.click();
      await startNew(page, 'card');
      await shoot(page, `new-card-${tag}`);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await openTool(page, 'Password generator');
      await expect(page.locator('#generated')).toBeVisible();
      await shoot(page, `generator-${tag}`);
      if (await back.isVisible()) await back.click();
      await openTool(page, 'Import items');
      await shoot(page, `import-${tag}`);
      await visit(page, '/settings');
      await shoot(page, `settings-${tag}`);
    });
  }
}
