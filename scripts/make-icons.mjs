// Makes the app's SVG sprite from the Lucide icons it names (app/src/ui/icons.rs), so the sprite
// holds exactly the icons the code uses. Usage: node scripts/make-icons.mjs LUCIDE_ICONS_DIR OUT
import fs from 'node:fs';
import path from 'node:path';

const [dir, out] = process.argv.slice(2);
const source = fs.readFileSync(new URL('../app/src/ui/icons.rs', import.meta.url), 'utf8');
const names = [...source.matchAll(/=> "([a-z0-9-]+)"/g)].map((m) => m[1]);
if (names.length === 0) throw new Error('no icon names found in icons.rs');
// No fill on the symbols: the page's CSS says `fill: none` for icons, and a filled star (a
// favorite) says `fill: currentColor`; a fill set here would win over both.
const symbols = names.map((name) => {
  const svg = fs.readFileSync(path.join(dir, `${name}.svg`), 'utf8');
  const inner = svg.slice(svg.indexOf('>', svg.indexOf('<svg')) + 1, svg.lastIndexOf('</svg>')).trim();
  return `<symbol id="${name}" viewBox="0 0 24 24" stroke="currentColor" stroke-width="2" ` +
    `stroke-linecap="round" stroke-linejoin="round">${inner.replace(/\s+/g, ' ')}</symbol>`;
});
// The ISC licence asks for its notice in every copy. An XML comment may not hold "--" (the
// licence's "---" rule): a sprite that is not well-formed XML draws no icon at all.
const license = fs.readFileSync(path.join(dir, '..', 'LICENSE'), 'utf8')
  .replace(/-{2,}/g, (dashes) => dashes.split('').join(' ')).trim();
fs.writeFileSync(out,
  `<!-- Lucide icons, https://lucide.dev\n\n${license}\n-->\n` +
  `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join('')}</svg>\n`);
console.log(`${names.length} icons → ${out}`);
