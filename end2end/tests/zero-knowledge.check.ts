import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, verifiedDataDir } from '../playwright.config';

// Runs after the browser suite: the raw database files (with the WAL) of both servers must not
// contain any master password, item name, password, card number or note the suite typed, in UTF-8
// or UTF-16.
test('the databases hold no master password or item secret in plaintext', async () => {
  const secrets: string[] = fs
    .readFileSync(path.join(dataDir, 'secrets.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  expect(secrets.length).toBeGreaterThan(3);

  const blobs = [dataDir, verifiedDataDir].flatMap((dir) => {
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('keyhaven.db'));
    expect(files, dir).toContain('keyhaven.db');
    return files.map((f) => fs.readFileSync(path.join(dir, f)));
  });
  const total = blobs.reduce((n, b) => n + b.length, 0);
  expect(total).toBeGreaterThan(10_000);

  // The scan itself must be able to find things: the registered emails are stored in the clear.
  const hay = Buffer.concat(blobs);
  expect(hay.includes(Buffer.from('@example.org', 'utf8'))).toBe(true);

  const found = secrets.filter(
    (s) => hay.includes(Buffer.from(s, 'utf8')) || hay.includes(Buffer.from(s, 'utf16le')),
  );
  expect(found).toEqual([]);
});
