#!/usr/bin/env bash
# Tier 2: `#[pg_test]`s inside a real backend. PostgreSQL refuses to run as root, so
# cargo-pgrx runs the server as `postgres` in a fresh data directory that it owns.
# PG=18 runs them on PostgreSQL 18 (scripts/pg-select.sh; pgrx knows it as pg18 from setup-pg18.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-select.sh
PGDATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-pgtest.XXXXXX")"
chmod 755 "$PGDATA_DIR"
rmdir "$PGDATA_DIR.d" 2>/dev/null || true
mkdir -p "$PGDATA_DIR/data"
chown -R postgres:postgres "$PGDATA_DIR"
trap 'rm -rf "$PGDATA_DIR"' EXIT
# pgrx-tests would install with `sudo cp` over the installed colcrypt.so (in place: running
# backends die with SIGBUS); CARGO_PGRX routes that install through the staged one.
CARGO_PGRX="$PWD/scripts/cargo-pgrx-staged.sh" cargo pgrx test "pg$PG_MAJOR" --runas postgres --pgdata "$PGDATA_DIR/data"
