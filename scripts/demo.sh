#!/usr/bin/env bash
# `make demo` / `make demo-stop`: a throwaway cluster in .demo/ (git-ignored) on port 55432,
# run by the `postgres` user with colcrypt preloaded. Running `start` again reuses it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/scripts/tls.sh"
DEMO="$ROOT/.demo/cluster"
PORT="${COLCRYPT_DEMO_PORT:-55432}"

case "${1:-start}" in
  start)
    if ! runuser -u postgres -- test -x "$ROOT"; then
      echo "demo: the postgres user cannot enter $ROOT; clone colcrypt somewhere it can (e.g. under /srv or /opt)" >&2
      exit 1
    fi
    mkdir -p "$ROOT/.demo"; chmod 755 "$ROOT/.demo"
    # The master key lives outside the data directory, readable by postgres only.
    KEYFILE="$ROOT/.demo/keys/master.key"
    [ -f "$KEYFILE" ] || make_master_key "$KEYFILE"
    # TLS with a throwaway CA: TCP connections must use it (hostssl), Unix sockets stay local.
    TLS="$ROOT/.demo/tls"
    [ -f "$TLS/server.crt" ] || make_tls "$TLS" localhost 127.0.0.1
    cluster_init "$DEMO" "$PORT"
    grep -q '^colcrypt.master_key_file' "$DEMO/data/postgresql.conf" \
      || echo "colcrypt.master_key_file = '$KEYFILE'" >>"$DEMO/data/postgresql.conf"
    grep -q '^ssl = on' "$DEMO/data/postgresql.conf" || tls_conf "$TLS" >>"$DEMO/data/postgresql.conf"
    sed -i -E 's/^host(\s)/hostssl\1/' "$DEMO/data/pg_hba.conf"
    if runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$DEMO/data" status >/dev/null 2>&1; then
      # Already running: restart so a freshly installed colcrypt.so is the one loaded.
      runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$DEMO/data" -l "$DEMO/server.log" -m fast -w restart >/dev/null
    else
      cluster_start "$DEMO"
    fi
    cluster_psql "$DEMO" -d postgres -Atq -c "SELECT 1 FROM pg_database WHERE datname = 'colcrypt_demo'" | grep -q 1 \
      || cluster_psql "$DEMO" -d postgres -q -c "CREATE DATABASE colcrypt_demo"
    # Start from a fresh extension (a new build may change its SQL), and drop the example
    # application's table, whose column keys live in the extension.
    cluster_psql "$DEMO" -d colcrypt_demo -q -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS patient_records" -c "DROP EXTENSION IF EXISTS colcrypt CASCADE" -c "CREATE EXTENSION colcrypt"
    TLS_DSN="host=localhost port=$PORT user=postgres dbname=colcrypt_demo sslmode=verify-full sslrootcert=$TLS/ca.crt"
    # The demo itself connects over TCP with TLS, verifying the server certificate.
    as_postgres psql "$TLS_DSN" -X -v ON_ERROR_STOP=1 -e -f "$ROOT/demo/demo.sql"
    cat <<MSG

The demo cluster is running (data in $DEMO/data, log in $DEMO/server.log).
Connect over TLS, verifying the server's certificate (no man in the middle):
  psql "$TLS_DSN"
or locally over the Unix socket:
  runuser -u postgres -- psql -h $DEMO/socket -p $PORT colcrypt_demo
The client-side example application (CLI and library: crates/client) against this cluster:
  make example
Stop it with:
  make demo-stop
MSG
    ;;
  stop)
    cluster_stop "$DEMO"
    echo "demo cluster stopped (its data stays in $DEMO; delete .demo/ to remove it)"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
