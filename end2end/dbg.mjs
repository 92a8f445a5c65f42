import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const page = await browser.newPage();
page.on('console', m => { if (m.type() === 'error' || m.type()==='warning') console.log('CONSOLE', m.type(), m.text().slice(0, 2000)); });
page.on('pageerror', e => console.log('PAGEERROR', e.message.slice(0, 2000)));
const base = 'http://127.0.0.1:3320';
await page.goto(base + '/register');
await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
await page.getByLabel('Email address').fill('dbg' + Date.now() + '@example.org');
await page.getByLabel('Your name').fill('Dbg');
await page.getByLabel('Master password', { exact: true }).fill('correct horse battery staple');
await page.getByLabel('Confirm master password').fill('correct horse battery staple');
await page.getByLabel('I understand that my master password cannot be recovered').check();
await page.getByRole('button', { name: 'Create account' }).click();
await page.getByRole('heading', { name: 'My vault' }).waitFor({ timeout: 30000 });
console.log('registered; reloading');
await page.goto(base + '/vault');
try { await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 15000 }); console.log('HYDRATED'); } catch (e) { console.log('NOT HYDRATED'); }
await browser.close();
