#!/usr/bin/env bash
# Builds the browser half into target/site/pkg: WASM (size profile, split at the lazy pages), JS glue,
# CSS.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/site/pkg
# The standard library is rebuilt for size (rust-src, listed in rust-toolchain.toml), and a panic
# traps at once instead of formatting a message: about 24.6 KB gzipped less on every page. Both are
# unstable flags, hence RUSTC_BOOTSTRAP on the pinned stable compiler (docs/DECISIONS.md). The extra
# rustflags are appended to those of .cargo/config.toml.
RUSTC_BOOTSTRAP=1 cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
  --config 'target.wasm32-unknown-unknown.rustflags = ["-Zunstable-options", "-Cpanic=immediate-abort"]'
cargo build -p wasm-split --release
rm -rf "$out" && mkdir -p "$out"
# Split first (it needs the linker's relocations, which wasm-opt drops), then bind, then shrink.
target/release/keyhaven-wasm-split target/wasm32-unknown-unknown/wasm-release/frontend.wasm "$out" keyhaven
# The parts import the main module's linker exports, so wasm-bindgen must keep them.
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$out" --out-name keyhaven \
  "$out/keyhaven_split.wasm"
rm "$out/keyhaven_split.wasm"
for wasm in "$out"/*.wasm; do
  end2end/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$wasm" "$wasm"
done
cp style/keyhaven.css style/favicon.svg style/eff_large_wordlist.txt "$out/"
# The icon sprite: the Lucide icons that app/src/ui/icons.rs names.
node scripts/make-icons.mjs end2end/node_modules/lucide-static/icons "$out/icons.svg"
# The password strength estimator (zxcvbn-ts and its word lists, installed by `npm ci` in
# end2end): one minified ES module that the browser imports only once someone types a password
# into a field with a meter (app/src/ui/strength.rs). NODE_PATH lets esbuild find the packages
# from the entry's folder.
NODE_PATH=end2end/node_modules end2end/node_modules/.bin/esbuild frontend/strength/entry.mjs \
  --bundle --format=esm --minify --target=es2020 --legal-comments=none --log-level=error \
  --outfile="$out/strength.js"
# Served pre-compressed: brotli where the browser accepts it (node's zlib has it; no extra tool),
# else gzip.
files=("$out"/*.wasm "$out"/*.js "$out"/keyhaven.css "$out"/icons.svg "$out"/eff_large_wordlist.txt)
for f in "${files[@]}"; do gzip -9 -k -f "$f"; done
node -e '
  const fs = require("fs"), zlib = require("zlib");
  for (const f of process.argv.slice(1)) {
    fs.writeFileSync(f + ".br", zlib.brotliCompressSync(fs.readFileSync(f), {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }' "${files[@]}"
ls -l "$out"
