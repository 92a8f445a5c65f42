#!/usr/bin/env bash
# Runs every check: format, lints (server and WASM), cargo tests on SQLite and PostgreSQL, then the
# Playwright suite against freshly built servers on empty databases (and a mail sink).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

export KEYHAVEN_TEST_POSTGRES="${KEYHAVEN_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "PostgreSQL does not answer on 127.0.0.1:5432; trying to start the local cluster"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> clippy (server side)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p wasm-split --all-targets -- -D warnings
echo "==> clippy (WASM side)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
echo "==> cargo tests (SQLite and PostgreSQL)"
cargo test -p app --features ssr
cargo test -p server

echo "==> browser build (the server is the debug binary the tests above built)"
scripts/build-site.sh
cargo build -p server

echo "==> Playwright"
rm -rf end2end/.data end2end/.data-verified
cd end2end
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test
