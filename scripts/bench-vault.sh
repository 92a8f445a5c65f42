#!/usr/bin/env bash
# Vault benchmarks (docs/BENCHMARKS.md): seeds vaults of 3,000 and 10,000 items through the real
# API (server/examples/seed_vault.rs), times the list server function with curl and the 10,000-item
# vault in headless Chromium. Uses the release build; run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${KEYHAVEN_BENCH_PORT:-3278}
calls=${KEYHAVEN_BENCH_CALLS:-500}
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

cargo build -q -p server --release --example seed_vault
KEYHAVEN_ADDR=127.0.0.1:$port KEYHAVEN_DATA_DIR="$data" KEYHAVEN_SITE_DIR=target/site RUST_LOG=warn \
  ./target/release/keyhaven serve &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done

password="bench master password 1"
list() { # COOKIE ENCODING → "seconds bytes" of listing the whole vault (every page of vault_list)
  local after=null secs=0 bytes=0 out
  while :; do
    out=$(curl -s --compressed -o "$data/page" -w '%{time_total} %{size_download}' -X POST \
      -H 'Content-Type: application/json' -H "Accept-Encoding: $2" -b "$1" -d "{\"after\": $after}" \
      "http://127.0.0.1:$port/api/vault_list")
    secs=$(awk -v a="$secs" -v b="${out% *}" 'BEGIN {print a + b}')
    bytes=$((bytes + ${out#* }))
    after=$(sed -n 's/.*"next":\("[^"]*"\)}$/\1/p' "$data/page")
    [ -z "$after" ] && break
  done
  echo "$secs $bytes"
}
for n in 3000 10000; do
  t0=$(date +%s%N)
  cookie=$(./target/release/examples/seed_vault "127.0.0.1:$port" "bench$n@example.org" "$password" "$n")
  echo "seeded $n items (keys, sealing, one import call): $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  raw=$(list "$cookie" identity | awk '{print $2}')
  for enc in br gzip; do
    sizes=$(list "$cookie" "$enc" | awk '{print $2}')
    echo "  vault_list $n items: $raw B uncompressed, $sizes B with $enc ($(( sizes / n )) B/item)"
  done
  for _ in $(seq 1 "$calls"); do list "$cookie" br; done | awk '{print $1 * 1000}' | sort -n > "$data/times"
  awk -v n="$n" -v c="$calls" '{t[NR]=$1} END {printf "  vault_list %d items, %d calls (br): p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", n, c, t[int(NR*0.5)], t[int(NR*0.95)], t[NR]}' "$data/times"
  echo "  server RSS after these calls: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
done

(cd end2end && node bench/vault.mjs "http://127.0.0.1:$port" bench10000@example.org "$password")
echo "server RSS at the end: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
