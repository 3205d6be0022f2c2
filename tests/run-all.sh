#!/usr/bin/env bash
# `make test`: every test tier of DESIGN.md, in order, stopping at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
# The tests' servers listen on ports 55400-55700, inside Linux's ephemeral range: a client
# connection could hold one as its local port when a test starts a server there (seen: a Citus
# node's start failed with "address already in use"). Reserve them where this runs as root;
# elsewhere (no permission, a read-only /proc/sys) carry on.
sysctl -qw net.ipv4.ip_local_reserved_ports=55400-55700 2>/dev/null || true
tier() {
  local name="$1"; shift
  local s=$(date +%s)
  echo "==== tier: $name"
  "$@"
  echo "==== tier: $name passed in $(( $(date +%s) - s ))s"
}
tier "generated SQL is up to date"      python3 sql/generate_types.py --check
tier "envelope vectors are up to date (independent Python implementation)" python3 crates/core/tests/vectors/generate.py --check
tier "1 core and client (cargo test, no PostgreSQL)" cargo test -p colcrypt-core -p colcrypt-client --features colcrypt-client/pg-types,colcrypt-client/db
tier "1a core on the pure-Rust AEAD backend (feature rustcrypto)" cargo test -q -p colcrypt-core --no-default-features --features rustcrypto
tier "1b fuzz smoke (libFuzzer, 15 s per target)" bash fuzz/run.sh 15
PG18_CONFIG="$(bash scripts/setup-pg18.sh --print-pg-config)"
tier "2 pg_test (inside a backend)"      bash tests/pg_test.sh
tier "2 pg_test on PostgreSQL 18"        env PG=18 bash tests/pg_test.sh
tier "install dev build"                 bash scripts/install-extension.sh
tier "install dev build into PostgreSQL 18" bash scripts/install-extension.sh --pg-config "$PG18_CONFIG"
tier "3 pg_regress (SQL contract)"       bash tests/regress.sh
tier "3 pg_regress on PostgreSQL 18"     env PG=18 bash tests/regress.sh
tier "build the CLI and examples"        cargo build -q -p colcrypt-client --features db,driver-test --bins --examples
tier "4 integration (real server)"       bash tests/integration/run.sh
# On 18 (built without OpenSSL) the tests marked `# needs: tls` are skipped, each with its reason.
tier "4 integration on PostgreSQL 18"    env PG=18 bash tests/integration/run.sh
tier "5 upgrade from 0.1.0"              bash tests/upgrade.sh
echo "==== make test: every tier passed in $(( $(date +%s) - t0 ))s"
