#!/usr/bin/env bash
# Memory under hostile load (docs/BENCHMARKS.md, issue 10): the server's peak RSS while 8 clients
# list, at once, the largest vault the quotas allow, and while 8 strangers upload 64 MB at once
# (declared and chunked). Each phase runs on a freshly started server, so its peak is its own.
# Uses the release build; run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${KEYHAVEN_BENCH_PORT:-3279}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

start() {
  KEYHAVEN_ADDR=127.0.0.1:$port KEYHAVEN_DATA_DIR="$data" KEYHAVEN_SITE_DIR=target/site RUST_LOG=warn \
    ./target/release/keyhaven serve &
  pid=$!
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.05; done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
peak() { awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status"; }
now() { awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status"; }

cargo build -q -p server --release --example seed_vault
start
# 1,080 items of about 62 KB sealed: just under the 64 MiB quota of sealed bytes.
cookie=$(./target/release/examples/seed_vault "127.0.0.1:$port" quota@example.org "bench master password 1" 1080 45000)
stored=$(sqlite3 "$data/keyhaven.db" 'SELECT SUM(size) FROM items' 2>/dev/null || echo '?')
stop
echo "seeded the quota vault: $stored sealed bytes"

# Every page of the vault, as the browser fetches it; prints the bytes received.
walk() {
  local after=null total=0 page
  while :; do
    page=$(curl -s -X POST -H 'Content-Type: application/json' -b "$cookie" \
      -d "{\"after\": $after}" "$base/api/vault_list")
    total=$((total + ${#page}))
    after=$(printf '%s' "$page" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const n=JSON.parse(s).next;console.log(n==null?"null":JSON.stringify(n))})')
    [ "$after" = null ] && break
  done
  echo "$total"
}
start
echo "fresh server: RSS $(now)"
t0=$(date +%s%N)
for _ in 1 2 3 4 5 6 7 8; do walk > "$data/walk.$RANDOM" & done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
echo "8 concurrent full lists of the quota vault: $(cat "$data"/walk.* | head -1) B each, $(( ($(date +%s%N) - t0) / 1000000 )) ms; peak RSS $(peak)"
stop

head -c $((64 * 1024 * 1024)) /dev/zero > "$data/upload"
start
echo "fresh server: RSS $(now)"
for _ in 1 2 3 4; do
  curl -s -o /dev/null -w '%{http_code} ' -X POST -H 'Content-Type: application/json' \
    --data-binary @"$data/upload" "$base/api/items_import" &
  curl -s -o /dev/null -w '%{http_code} ' -X POST -H 'Content-Type: application/json' \
    -H 'Transfer-Encoding: chunked' --data-binary @"$data/upload" "$base/api/register" &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
echo
echo "8 concurrent unauthenticated 64 MB uploads (4 declared, 4 chunked): peak RSS $(peak)"
stop
