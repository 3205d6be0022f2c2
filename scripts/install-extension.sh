#!/usr/bin/env bash
# Builds colcrypt and installs it into the system PostgreSQL (needs root). Tests use the dev
# profile; pass --release for benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo pgrx install --pg-config "$(command -v pg_config)" "$@"
test -f "$(pg_config --sharedir)/extension/colcrypt.control" || { echo "install: colcrypt.control missing after install" >&2; exit 1; }
