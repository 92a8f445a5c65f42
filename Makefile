# The two commands: `make run` serves Keyhaven on an embedded SQLite database; `make test` runs
# every check. Both install what is missing first.
.PHONY: run test setup site screenshots

run:
	scripts/setup.sh
	scripts/build-site.sh
	cargo build -p server --release
	KEYHAVEN_SITE_DIR=target/site ./target/release/keyhaven serve

test:
	scripts/test.sh

site:
	scripts/build-site.sh

# The pages a reviewer looks at, at 1280 and 375 px, light and dark (docs/SCREENSHOTS.md).
screenshots:
	scripts/screenshots.sh
