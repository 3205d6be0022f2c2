#!/usr/bin/env bash
# Tier 2: `#[pg_test]`s inside a real backend. PostgreSQL refuses to run as root, so
# cargo-pgrx runs the server as `postgres` in a fresh data directory that it owns.
set -euo pipefail
cd "$(dirname "$0")/.."
PGDATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-pgtest.XXXXXX")"
chmod 755 "$PGDATA_DIR"
rmdir "$PGDATA_DIR.d" 2>/dev/null || true
mkdir -p "$PGDATA_DIR/data"
chown -R postgres:postgres "$PGDATA_DIR"
trap 'rm -rf "$PGDATA_DIR"' EXIT
# pgrx-tests would install with `sudo cp` over the installed colcrypt.so (in place: running
# backends die with SIGBUS); CARGO_PGRX routes that install through the staged one.
CARGO_PGRX="$PWD/scripts/cargo-pgrx-staged.sh" cargo pgrx test pg15 --runas postgres --pgdata "$PGDATA_DIR/data"
