#!/usr/bin/env bash
# The screenshots a reviewer looks at (docs/SCREENSHOTS.md): builds the site and server, starts
# them on empty databases, and writes PNGs to target/screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/build-site.sh
cargo build -p server
rm -rf end2end/.data end2end/.data-verified target/screenshots
cd end2end
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test --config playwright.screenshots.config.ts
ls ../target/screenshots
