#!/usr/bin/env bash
# Organizations at scale (issue 12; docs/BENCHMARKS.md, "Organizations at scale"). On SQLite, then
# on PostgreSQL: seeds three organizations of 5,000 members, 200 collections and 20,000 shared
# items each, with a bench member who has 1,000 personal items and belongs to all three, and a
# small organization of 10 members, 5 collections and 50 items (server/examples/seed_org.rs);
# times with curl the bench member's whole vault list and the Admin Console's lists; counts the SQL
# statements of each request on the small and on the big organization; and times the vault in
# headless Chromium (end2end/bench/org-vault.mjs) for the bench member and for the owner, who
# reaches all 60,000 shared items. Uses the release build; run on an otherwise idle machine.
#
# KEYHAVEN_BENCH_CALLS (default 50) calls per timing; KEYHAVEN_BENCH_DATABASES (default
# "sqlite postgres"); KEYHAVEN_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432), where
# a database of its own is created and dropped; KEYHAVEN_BENCH_SIZE ("ORGS MEMBERS COLLECTIONS
# ITEMS PERSONAL", default "3 5000 200 20000 1000") for a quicker trial; KEYHAVEN_BENCH_BROWSER=0
# leaves out Chromium; KEYHAVEN_BENCH_STATEMENTS=FILE lists the statements each counted request ran.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${KEYHAVEN_BENCH_PORT:-3279}
calls=${KEYHAVEN_BENCH_CALLS:-50}
databases=${KEYHAVEN_BENCH_DATABASES:-sqlite postgres}
pg=${KEYHAVEN_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
read -r orgs members collections items personal <<<"${KEYHAVEN_BENCH_SIZE:-3 5000 200 20000 1000}"
browser=${KEYHAVEN_BENCH_BROWSER:-1}
password="bench master password 1"
# The Members section's first page, as the console asks for it.
page='"query": {"search": "", "sort": "member", "descending": false, "page": 0}'
work=$(mktemp -d)
pid=
pgdb=

stop() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
  fi
}
cleanup() {
  stop
  if [ -n "$pgdb" ]; then psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $pgdb" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cargo build -q -p server --release --bin keyhaven --example seed_org
site=target/site
if [ ! -f "$site/pkg/keyhaven.js" ]; then
  # The API needs no browser app; the server only checks that one is there.
  echo "no browser app in $site (scripts/build-site.sh makes it): the Chromium part is left out"
  site=$work/site
  mkdir -p "$site/pkg" && touch "$site/pkg/keyhaven.js"
  browser=0
fi

# start RUST_LOG: the server on its own port (on PostgreSQL when $pgdb is set, otherwise on SQLite
# in $work/data), its log in $work/server.log.
start() {
  local settings=(KEYHAVEN_ADDR="127.0.0.1:$port" KEYHAVEN_ORG_SEATS_MAX=10000 KEYHAVEN_DATA_DIR="$work/data"
    KEYHAVEN_OUTBOX_DIR="$work/outbox" KEYHAVEN_SITE_DIR="$site" RUST_LOG="$1")
  if [ -n "$pgdb" ]; then settings+=(DATABASE_URL="$pg/$pgdb"); fi
  env -u DATABASE_URL "${settings[@]}" ./target/release/keyhaven serve >>"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
}

# api FUNCTION COOKIE BODY: one call, its answer (decompressed) in $work/answer; prints
# "seconds bytes-on-the-wire".
api() {
  local out
  out=$(curl -s --compressed -o "$work/answer" -w '%{http_code} %{time_total} %{size_download}' -X POST \
    -H 'Content-Type: application/json' -H 'Accept-Encoding: br' -b "$2" -d "$3" \
    "http://127.0.0.1:$port/api/$1")
  if [ "${out%% *}" != 200 ]; then
    echo "$1 answered ${out%% *}: $(head -c 300 "$work/answer")" >&2
    return 1
  fi
  echo "${out#* }"
}

# Where the next page starts, from the answer; empty on the last page.
next() { sed -n 's/.*"next":\("[^"]*"\)}$/\1/p' "$work/answer"; }

# pages FUNCTION COOKIE BODY-WITH-%s LABEL: every page; one line per page, "LABEL#N seconds bytes",
# and the page's items when $counting is set.
counting=
pages() {
  local after=null n=0 out
  while :; do
    n=$((n + 1))
    out=$(api "$1" "$2" "$(printf "$3" "$after")")
    echo "$4#$n $out${counting:+ $(jq '.items | length' "$work/answer")}"
    after=$(next)
    [ -z "$after" ] && break
  done
}

# vault COOKIE ORG…: what the browser fetches for the whole vault, one line per call.
vault() {
  local cookie=$1 n=0
  shift
  pages vault_list "$cookie" '{"after": %s}' vault_list
  echo "orgs_mine#1 $(api orgs_mine "$cookie" '{}')"
  for org in "$@"; do
    n=$((n + 1))
    pages shared_list "$cookie" "{\"org\": \"$org\", \"after\": %s}" "shared_list.org$n"
  done
}

# stats: "p50 p95 max" of the numbers (seconds) on stdin, in ms.
stats() {
  awk '{print $1 * 1000}' | sort -n |
    awk '{t[NR] = $1} END {i = int(NR * 0.95); if (i < 1) i = 1
      printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms", t[int((NR + 1) / 2)], t[i], t[NR]}'
}

# timed LABEL FUNCTION COOKIE BODY: $calls calls of one function.
timed() {
  local bytes
  bytes=$(api "$2" "$3" "$4" | awk '{print $2}')
  printf '  %-44s %s (%s B brotli)\n' "$1:" \
    "$(for _ in $(seq 1 "$calls"); do api "$2" "$3" "$4"; done | stats)" "$bytes"
}

# statements FUNCTION COOKIE BODY: the SQL statements the server ran for one call: it logs each
# (sqlx::query) between the request's "started processing" and "finished processing" lines
# (tower_http); the calls come one at a time. The call is made once before it is counted: a
# connection the pool opens on the way runs its own setup (PRAGMAs) once.
statements() {
  local before
  api "$1" "$2" "$3" >/dev/null
  before=$(wc -l <"$work/server.log")
  api "$1" "$2" "$3" >/dev/null
  sleep 0.3
  tail -n +"$((before + 1))" "$work/server.log" | awk -v uri="uri=/api/$1 " '
    index($0, uri) && /started processing request/ {on = 1; next}
    on && /finished processing request/ {on = 0}
    on && /sqlx::query/ {n++}
    END {print n + 0}'
  if [ -n "${KEYHAVEN_BENCH_STATEMENTS:-}" ]; then # FILE: what each counted request ran
    echo "== $1 $3" >>"$KEYHAVEN_BENCH_STATEMENTS"
    tail -n +"$((before + 1))" "$work/server.log" | grep -o 'summary="[^"]*"' >>"$KEYHAVEN_BENCH_STATEMENTS"
  fi
}

# After `eval` of the seeder's output: the bench member's and the owner's sessions and orgs.
seed() { # PREFIX ORGS MEMBERS COLLECTIONS ITEMS PERSONAL DATABASE_URL
  ./target/release/examples/seed_org --addr "127.0.0.1:$port" --database-url "$7" \
    --outbox "$work/outbox" --prefix "$1" --password "$password" --orgs "$2" --members "$3" \
    --collections "$4" --items "$5" --personal "$6"
}

for db in $databases; do
  rm -rf "$work/data" "$work/outbox" "$work/server.log"
  mkdir -p "$work/data"
  if [ "$db" = postgres ]; then
    pgdb=keyhaven_bench_org_$$_$(date +%s)
    psql -q "$pg/postgres" -c "CREATE DATABASE $pgdb"
    url=$pg/$pgdb
  else
    url="sqlite://$work/data/keyhaven.db"
  fi
  echo "== $db (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  start warn
  t0=$(date +%s)
  if ! out=$(seed small 1 10 5 50 50 "$url" 2>"$work/seed-small.log"); then
    cat "$work/seed-small.log" >&2
    exit 1
  fi
  eval "$out"
  small_member=$MEMBER_COOKIE small_owner=$OWNER_COOKIE small_org=$ORGS
  if ! out=$(seed big "$orgs" "$members" "$collections" "$items" "$personal" "$url" 2>"$work/seed.log"); then
    cat "$work/seed.log" >&2
    exit 1
  fi
  eval "$out"
  sed 's/^/  seed: /' "$work/seed.log"
  echo "  seeded in $(($(date +%s) - t0)) s"
  if [ "$db" = postgres ]; then
    # What autovacuum does after such inserts (it may be off on a test machine; without
    # statistics the planner's estimates are wild and it compiles queries with JIT).
    psql -q "$url" -c ANALYZE
  fi
  read -r -a org_ids <<<"$ORGS"
  org=${org_ids[0]}

  # What the bench member's vault holds, read once.
  counting=1 vault "$MEMBER_COOKIE" "${org_ids[@]}" >"$work/one"
  echo "  the bench member's vault: $(awk '{n++; b += $3; i += $4} END {printf "%d items in %d calls, %.1f MB brotli", i, n, b / 1e6}' "$work/one") (expected $((MEMBER_REACHES + personal)): $MEMBER_REACHES shared, $personal personal)"

  echo "  timings, $calls calls each (curl, brotli; a call's time is from connecting to the last byte):"
  for _ in $(seq 1 "$calls"); do vault "$MEMBER_COOKIE" "${org_ids[@]}"; done >"$work/runs"
  runs=$(wc -l <"$work/one")
  awk -v n="$runs" '{s += $2} NR % n == 0 {print s; s = 0}' "$work/runs" | stats |
    sed 's/^/  bench member, whole vault list (every page of each): /'
  echo
  for label in $(awk '{print $1}' "$work/one"); do
    printf '    %-30s %s\n' "$label" "$(awk -v l="$label" '$1 == l {print $2}' "$work/runs" | stats)"
  done
  timed "owner, org_members ($members members)" org_members "$OWNER_COOKIE" "{\"org\": \"$org\"}"
  timed "owner, org_member_page (50 of $members)" org_member_page "$OWNER_COOKIE" "{\"org\": \"$org\", $page}"
  timed "owner, org_member_page, a search" org_member_page "$OWNER_COOKIE" \
    "{\"org\": \"$org\", \"query\": {\"search\": \"-0012\", \"sort\": \"status\", \"descending\": true, \"page\": 0}}"
  timed "owner, org_member_page, page 60 by role" org_member_page "$OWNER_COOKIE" \
    "{\"org\": \"$org\", \"query\": {\"search\": \"\", \"sort\": \"role\", \"descending\": false, \"page\": 60}}"
  timed "owner, org_collections ($collections collections)" org_collections "$OWNER_COOKIE" "{\"org\": \"$org\"}"
  timed "owner, org_groups" org_groups "$OWNER_COOKIE" "{\"org\": \"$org\"}"
  timed "owner, org_vault first page" org_vault "$OWNER_COOKIE" "{\"org\": \"$org\", \"after\": null}"
  timed "owner, org_events first page" org_events "$OWNER_COOKIE" \
    "{\"org\": \"$org\", \"filter\": {\"from\": null, \"until\": null, \"actor\": null, \"kind\": null}, \"before\": null}"
  echo "  server RSS after these calls: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"

  # The same server again, logging every statement.
  stop
  start "warn,sqlx::query=debug,tower_http=debug"
  echo "  SQL statements per request, small organization (10 members, 5 collections, 50 items) / big:"
  count() { # LABEL FUNCTION SMALL-COOKIE SMALL-BODY BIG-COOKIE BIG-BODY
    printf '    %-28s %3s / %s\n' "$1" "$(statements "$2" "$3" "$4")" "$(statements "$2" "$5" "$6")"
  }
  count "vault_list, first page" vault_list "$small_member" '{"after": null}' "$MEMBER_COOKIE" '{"after": null}'
  count "orgs_mine" orgs_mine "$small_member" '{}' "$MEMBER_COOKIE" '{}'
  count "shared_list, first page" shared_list "$small_member" "{\"org\": \"$small_org\", \"after\": null}" \
    "$MEMBER_COOKIE" "{\"org\": \"$org\", \"after\": null}"
  api shared_list "$MEMBER_COOKIE" "{\"org\": \"$org\", \"after\": null}" >/dev/null
  second=$(next)
  if [ -n "$second" ]; then
    printf '    %-28s   - / %s\n' "shared_list, second page" \
      "$(statements shared_list "$MEMBER_COOKIE" "{\"org\": \"$org\", \"after\": $second}")"
  fi
  count "org_member_page" org_member_page "$small_owner" "{\"org\": \"$small_org\", $page}" \
    "$OWNER_COOKIE" "{\"org\": \"$org\", $page}"
  for fn in org_members org_collections org_groups; do
    count "$fn" "$fn" "$small_owner" "{\"org\": \"$small_org\"}" "$OWNER_COOKIE" "{\"org\": \"$org\"}"
  done
  count "org_vault, first page" org_vault "$small_owner" "{\"org\": \"$small_org\", \"after\": null}" \
    "$OWNER_COOKIE" "{\"org\": \"$org\", \"after\": null}"
  filter='"filter": {"from": null, "until": null, "actor": null, "kind": null}, "before": null'
  count "org_events, first page" org_events "$small_owner" "{\"org\": \"$small_org\", $filter}" \
    "$OWNER_COOKIE" "{\"org\": \"$org\", $filter}"
  stop

  if [ "$browser" = 1 ]; then
    start warn
    echo "  Chromium, the bench member ($((MEMBER_REACHES + personal)) items):"
    (cd end2end && node bench/org-vault.mjs "http://127.0.0.1:$port" "$MEMBER_EMAIL" "$password") | sed 's/^/    /'
    echo "  Chromium, the owner ($((orgs * items + personal)) items):"
    (cd end2end && node bench/org-vault.mjs "http://127.0.0.1:$port" "$OWNER_EMAIL" "$password" 3) | sed 's/^/    /'
    echo "  server RSS at the end: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
    stop
  fi
  if [ "$db" = postgres ]; then
    psql -q "$pg/postgres" -c "DROP DATABASE $pgdb"
    pgdb=
  fi
done
