#!/usr/bin/env bash
# Builds the browser half into target/site/pkg: WASM (size profile), JS glue, CSS.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/site/pkg
cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name keyhaven \
  target/wasm32-unknown-unknown/wasm-release/frontend.wasm
end2end/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out/keyhaven_bg.wasm" "$out/keyhaven_bg.wasm"
cp style/keyhaven.css style/favicon.svg style/eff_large_wordlist.txt "$out/"
# Served pre-compressed (the server picks .gz when the browser accepts gzip).
for f in keyhaven_bg.wasm keyhaven.js keyhaven.css eff_large_wordlist.txt; do gzip -9 -k -f "$out/$f"; done
ls -l "$out"
