// WASM the browser fetches per page: the main module plus the lazy parts the page needs (from the
// splitter's manifest): raw, and as served from target/site/pkg (gzip -9, brotli 11).
import fs from 'node:fs';
import path from 'node:path';

const pkg = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(pkg, '__wasm_split_manifest.json'), 'utf8'));
const size = (file) => ({
  raw: fs.statSync(path.join(pkg, file)).size,
  gz: fs.statSync(path.join(pkg, `${file}.gz`)).size,
  br: fs.statSync(path.join(pkg, `${file}.br`)).size,
});
const sum = (files) => files.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, gz: a.gz + b.gz, br: a.br + b.br }));
const kb = ({ raw, gz, br }) => `raw ${raw} B, gzip ${gz} B (${(gz / 1024).toFixed(1)} KiB), brotli ${br} B`;

console.log(`main module (every page):        ${kb(size('keyhaven_bg.wasm'))}`);
for (const page of ['login', 'register', 'vault', 'settings']) {
  const split = Object.keys(manifest).find((k) => k.startsWith(`__${page}_route_view_`));
  if (!split) throw new Error(`no lazy part for /${page} in ${pkg}/__wasm_split_manifest.json`);
  // An English page also fetches the English texts (a part of their own since session 14).
  const english = Object.keys(manifest).find((k) => k.startsWith('english_'));
  const stems = [...manifest[split], ...(english ? manifest[english] : [])];
  const parts = [...new Set(stems)].map((stem) => `${stem}.wasm`);
  console.log(`/${page} in all (main + ${parts.length} parts):`.padEnd(33) + ` ${kb(sum(['keyhaven_bg.wasm', ...parts]))}`);
}
const all = fs.readdirSync(pkg).filter((f) => f.endsWith('.wasm'));
console.log(`every WASM file (${all.length}):`.padEnd(33) + ` ${kb(sum(all))}`);
