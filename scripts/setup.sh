#!/usr/bin/env bash
# Installs what building and testing colcrypt needs on Debian 12, as root.
# Idempotent: skips what is already present, so `make demo` and `make test` can call it every time.
set -euo pipefail

PGRX_VERSION=0.18.1
PG_MAJOR=15

need_pkgs=()
for p in postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-contrib libclang-dev clang sudo openssl python3-psycopg2 python3-psycopg python3-cryptography libssl-dev pkg-config g++; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# The Debian package starts a default cluster on 5432; colcrypt's scripts use their own clusters,
# so it is left alone.

if ! cargo pgrx --version 2>/dev/null | grep -q "$PGRX_VERSION"; then
  echo "setup: installing cargo-pgrx $PGRX_VERSION (takes several minutes on two cores)"
  cargo install cargo-pgrx --version "$PGRX_VERSION" --locked
fi

PG_CONFIG="$(command -v pg_config)"
if ! grep -qs "pg$PG_MAJOR" "${PGRX_HOME:-$HOME/.pgrx}/config.toml"; then
  echo "setup: cargo pgrx init --pg$PG_MAJOR $PG_CONFIG"
  cargo pgrx init --pg$PG_MAJOR "$PG_CONFIG"
fi
