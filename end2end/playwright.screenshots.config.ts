import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `make screenshots`: the pages a reviewer looks at, at desktop and phone size, light and dark,
// written to target/screenshots (listed in docs/SCREENSHOTS.md). Same servers as the suite.
export default defineConfig({
  ...base,
  testDir: './screenshots',
  projects: [{ name: 'screenshots', testMatch: /.*\.shot\.ts/ }],
});
