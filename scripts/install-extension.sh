#!/usr/bin/env bash
# Builds colcrypt and installs it into the system PostgreSQL (needs root).
#   scripts/install-extension.sh --release   what `make install` runs: the optimised build
#   scripts/install-extension.sh             the dev build the test tiers use (builds in seconds)
#   scripts/install-extension.sh --pg-config PATH   into that installation (or PG_CONFIG=PATH):
#                                            PostgreSQL 18 is `--pg-config "$(scripts/setup-pg18.sh --print-pg-config)"`
#   scripts/install-extension.sh [--release] -- ARGS   extra `cargo pgrx package` arguments
#                                            (scripts/cargo-pgrx-staged.sh, for `cargo pgrx test`)
#
# `cargo pgrx install` (and `cp`) rewrite colcrypt.so in place, and a running server's backends
# that have it mapped then die with SIGBUS. So the files are staged with `cargo pgrx package` and
# each is renamed over the installed one: running backends keep the old inode, and the new library
# takes effect at the next server restart (it is preloaded, so new backends inherit the
# postmaster's copy until then). The library goes first and the control file last, so a CREATE
# EXTENSION that sees the new version also finds the functions its SQL names.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG="${PG_CONFIG:-$(command -v pg_config)}"
profile=(--debug); extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --release) profile=() ;;
    --dev) profile=(--debug) ;;
    --pg-config) shift; PG_CONFIG="$1" ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--release|--dev] [--pg-config PATH] [-- cargo-pgrx-package-args...]" >&2; exit 2 ;;
  esac
  shift
done
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-stage.XXXXXX")"
tmps=()
trap 'rm -rf "$STAGE" "$STAGE.log" "${tmps[@]}"' EXIT
cargo pgrx package --pg-config "$PG_CONFIG" "${profile[@]}" "${extra[@]}" --out-dir "$STAGE" >"$STAGE.log" 2>&1 \
  || { cat "$STAGE.log"; exit 1; }
# The staged tree mirrors the absolute install paths (usr/lib/postgresql/..., usr/share/...).
files=$(cd "$STAGE" && find . -type f -name '*.so' && find . -type f ! -name '*.so' ! -name '*.control' | sort && find . -type f -name '*.control')
[ -n "$files" ] || { echo "install: cargo pgrx package staged nothing" >&2; exit 1; }
# Copy everything next to its destination first (same file system, so the renames are atomic and a
# failed copy leaves the installed files untouched), then rename in order.
declare -A tmp_of
while read -r rel; do
  dest="/${rel#./}"
  mkdir -p "$(dirname "$dest")"
  tmp="$(dirname "$dest")/.$(basename "$dest").new.$$"
  tmps+=("$tmp"); tmp_of[$rel]="$tmp"
  cp "$STAGE/$rel" "$tmp"
  chmod 644 "$tmp"; [ "${dest##*.}" = so ] && chmod 755 "$tmp"
done <<<"$files"
while read -r rel; do
  mv -f "${tmp_of[$rel]}" "/${rel#./}"
done <<<"$files"
test -f "$("$PG_CONFIG" --sharedir)/extension/colcrypt.control" || { echo "install: colcrypt.control missing after install" >&2; exit 1; }
test -f "$("$PG_CONFIG" --pkglibdir)/colcrypt.so" || { echo "install: colcrypt.so missing after install" >&2; exit 1; }
