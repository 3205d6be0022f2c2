#!/usr/bin/env bash
# Stands in for cargo-pgrx (CARGO_PGRX) under `cargo pgrx test` (tests/pg_test.sh): pgrx-tests
# installs the extension with `cargo pgrx install --test --sudo`, which copies colcrypt.so over
# the installed file in place (`sudo cp`), killing backends of any running server with SIGBUS.
# Its install goes through scripts/install-extension.sh instead (staged, renamed into place);
# every other subcommand is cargo-pgrx's own.
set -euo pipefail
[ "${1:-}" = pgrx ] && shift
[ "${1:-}" = install ] || exec cargo pgrx "$@"
shift
profile=(--dev); args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sudo) ;;                              # already root: the renames need no sudo
    --release|-r) profile=(--release) ;;
    --pg-config|-c) shift; export PG_CONFIG="$1" ;;
    *) args+=("$1") ;;
  esac
  shift
done
echo "cargo-pgrx-staged: installing through scripts/install-extension.sh ${profile[*]} -- ${args[*]}" >&2
exec bash "$(dirname "$0")/install-extension.sh" "${profile[@]}" -- "${args[@]}"
