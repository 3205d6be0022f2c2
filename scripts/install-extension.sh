#!/usr/bin/env bash
# Builds colcrypt and installs it into the system PostgreSQL (needs root). Tests use the dev
# profile; pass --release for benchmarks.
#
# `cargo pgrx install` rewrites colcrypt.so in place, and a running server's backends that have
# it mapped then die with SIGBUS. So the files are staged with `cargo pgrx package` and each is
# renamed over the installed one: running backends keep the old inode, new ones load the new.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG="$(command -v pg_config)"
profile=(--debug)
for a in "$@"; do [ "$a" = --release ] && profile=(); done
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
cargo pgrx package --pg-config "$PG_CONFIG" "${profile[@]}" --out-dir "$STAGE" >"$STAGE.log" 2>&1 \
  || { cat "$STAGE.log"; rm -f "$STAGE.log"; exit 1; }
rm -f "$STAGE.log"
# The staged tree mirrors the absolute install paths (usr/lib/postgresql/..., usr/share/...).
(cd "$STAGE" && find . -type f) | while read -r rel; do
  dest="/${rel#./}"
  mkdir -p "$(dirname "$dest")"
  tmp="$(dirname "$dest")/.$(basename "$dest").new.$$"
  cp "$STAGE/$rel" "$tmp"
  chmod 644 "$tmp"; [ "${dest##*.}" = so ] && chmod 755 "$tmp"
  mv -f "$tmp" "$dest"
done
test -f "$(pg_config --sharedir)/extension/colcrypt.control" || { echo "install: colcrypt.control missing after install" >&2; exit 1; }
test -f "$(pg_config --pkglibdir)/colcrypt.so" || { echo "install: colcrypt.so missing after install" >&2; exit 1; }
