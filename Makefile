# The two commands: `make run` serves Keyhaven on an embedded SQLite database; `make test` runs
# every check. Both install what is missing first.
.PHONY: run test setup site

run:
	scripts/setup.sh
	scripts/build-site.sh
	cargo build -p server --release
	KEYHAVEN_SITE_DIR=target/site ./target/release/keyhaven serve

test:
	scripts/test.sh

site:
	scripts/build-site.sh
