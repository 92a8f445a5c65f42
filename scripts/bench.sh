#!/usr/bin/env bash
# Foundation benchmarks (docs/BENCHMARKS.md): WASM size, cold start, idle RSS, time to interactive,
# unlock time. Uses the release build made by `make run`/`make test`; run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${KEYHAVEN_BENCH_PORT:-3277}
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

pkg=target/site/pkg
node end2end/bench/wasm-size.mjs "$pkg"
echo "js glue gzip -9 bytes: $(gzip -9 -c $pkg/keyhaven.js | wc -c)"

start=$(date +%s%N)
KEYHAVEN_ADDR=127.0.0.1:$port KEYHAVEN_DATA_DIR="$data" KEYHAVEN_SITE_DIR=target/site RUST_LOG=warn \
  ./target/release/keyhaven serve &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
echo "cold start to healthy (empty database, migrations included): $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 2
echo "idle RSS after start: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"

(cd end2end && node bench/browser.mjs "http://127.0.0.1:$port")
echo "RSS after the browser runs: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
