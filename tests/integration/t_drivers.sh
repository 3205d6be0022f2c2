# needs: tls (the server side of its TLS connections; a PostgreSQL built without OpenSSL has none)
# Real drivers read and write native values of every encrypted type over TLS (verify-full):
# psycopg 3 (text and binary), asyncpg, SQLAlchemy 2 (Core, ORM, reflection), pgJDBC,
# node-postgres and tokio-postgres, each through colcrypt's adapter for it (clients/,
# crates/client feature pg-types). Each driver program (tests/integration/drivers/) inserts
# NULL, empty, unicode, 1 MB, extreme and infinite values, reads them back equal, looks up by the
# searchable column with a typed parameter (and checks the plan uses its index), updates,
# upserts on it, and COPYs. Dependencies come from scripts/setup.sh (.test-run/drivers).
set -euo pipefail
source "$ROOT/scripts/tls.sh"
C="$RUN/drivers"; CERTS="$RUN/drivers-certs"; P=55484
DEPS="$ROOT/.test-run/drivers"
for d in "$DEPS/py/asyncpg" "$DEPS/node/node_modules/pg" /usr/share/java/postgresql.jar; do
  [ -e "$d" ] || { echo "missing $d: run scripts/setup.sh"; exit 1; }
done
TOKIO="${DRIVERS_TOKIO_BIN:-$ROOT/target/debug/examples/drivers_tokio}"
[ -x "$TOKIO" ] || { echo "build the tokio-postgres program first: cargo build -p colcrypt-client --features driver-test --example drivers_tokio"; exit 1; }
make_tls "$CERTS" localhost 127.0.0.1
make_master_key "$RUN/drivers-keys/master.key"
mapfile -t tlsconf < <(tls_conf "$CERTS")
# TCP clients must use TLS: hostssl only (no plain host line).
cluster_init "$C" $P "${tlsconf[@]}" "colcrypt.master_key_file = '$RUN/drivers-keys/master.key'" "max_connections = 30"
printf '%s\n' "local all all trust" "hostssl all all 127.0.0.1/32 trust" >"$C/data/pg_hba.conf"
cluster_start "$C"
sql "$C" postgres "CREATE DATABASE drivers" >/dev/null
# A database with another table first, so colcrypt's oids here differ from those in postgres.
sql "$C" drivers "CREATE TABLE filler (a int, b text, c jsonb); CREATE EXTENSION colcrypt; SELECT colcrypt.create_key('drv')" >/dev/null

# The installed colcrypt must be this tree's: binary I/O in the plaintext type's binary form
# (older ones send envelopes) and cross-type equality operators resolving by default.
BINARY_PLAIN=$(sql "$C" drivers "SELECT colcrypt.encrypted_int4_send(7::colcrypt.encrypted_int4) = int4send(7)")
[ "$BINARY_PLAIN" = t ] || { echo "the installed colcrypt sends envelopes in binary: install this tree's (scripts/install-extension.sh)"; exit 1; }
CROSS_OPS=$(sql "$C" drivers "SELECT count(*) > 0 FROM pg_operator WHERE oprname = '=' AND oprleft = 'colcrypt.encrypted_text'::regtype AND oprright = 'text'::regtype")
[ "$CROSS_OPS" = t ] || { echo "the installed colcrypt has no encrypted_text = text: install this tree's (scripts/install-extension.sh)"; exit 1; }
export PGHOST=localhost PGPORT=$P PGUSER=postgres PGDATABASE=drivers PGSSLMODE=verify-full PGSSLROOTCERT="$CERTS/ca.crt"
D="$ROOT/tests/integration/drivers"
timed() { # timed NAME COMMAND...: runs a driver program as postgres, prints its time
  # DRIVERS=psycopg-text,node-postgres runs just those.
  if [ -n "${DRIVERS:-}" ] && ! grep -qw -- "$1" <<<"${DRIVERS//,/ }"; then return 0; fi
  local s=$(date +%s%N)
  runuser -u postgres -- env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" PGDATABASE="$PGDATABASE" \
    PGSSLMODE="$PGSSLMODE" PGSSLROOTCERT="$PGSSLROOTCERT" \
    PYTHONPATH="$DEPS/py:$ROOT/clients/python" NODE_PATH="$DEPS/node/node_modules" HOME=/tmp "${@:2}"
  echo "driver $1: ok ($(( ($(date +%s%N) - s) / 1000000 )) ms)"
}
PY=/usr/bin/python3
timed psycopg-text $PY "$D/psycopg_driver.py" text
timed psycopg-binary $PY "$D/psycopg_driver.py" binary
timed asyncpg $PY "$D/asyncpg_driver.py"
timed sqlalchemy-psycopg $PY "$D/sqlalchemy_driver.py" psycopg
timed sqlalchemy-asyncpg $PY "$D/sqlalchemy_driver.py" asyncpg
timed node-postgres node "$D/node_driver.js"
timed pgjdbc java -cp /usr/share/java/postgresql.jar "$D/JdbcDriver.java"
timed tokio-postgres "$TOKIO"

# The server log holds no plaintext the drivers wrote (their canaries), in any error line.
if grep -E "(ERROR|DETAIL|HINT|CONTEXT): " "$C/server.log" | grep -v "DETAIL:  parameters:" | grep -i "canary"; then
  echo "a driver's plaintext reached an error message"; exit 1
fi
cluster_stop "$C"
