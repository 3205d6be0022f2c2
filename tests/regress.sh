#!/usr/bin/env bash
# Tier 3: PostgreSQL's own pg_regress against a throwaway cluster run by `postgres`, with
# colcrypt preloaded. Expects the extension to be installed (scripts/install-extension.sh).
# PG=18 (or PG_CONFIG=path) runs it on that version (scripts/pg-select.sh); the expected output
# is the same on 15 and 18.
# Exits non-zero on any difference from pg_regress/expected, or if a backend crashed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/pg-select.sh"
source "$ROOT/scripts/cluster.sh"

PG_REGRESS="$(dirname "$("$PG_CONFIG" --pgxs)")/../test/regress/pg_regress"
[ -x "$PG_REGRESS" ] || { echo "regress: pg_regress not found at $PG_REGRESS (install postgresql-server-dev-$PG_MAJOR)" >&2; exit 1; }

RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-regress.XXXXXX")"
chmod 755 "$RUN"
# 18 has its own port, so that a run on 18 and one on 15 never meet.
PORT="${COLCRYPT_REGRESS_PORT:-$([ "$PG_MAJOR" = 15 ] && echo 55433 || echo 55533)}"
cleanup() { cluster_stop "$RUN/cluster"; [ "${KEEP:-}" = 1 ] || rm -rf "$RUN"; }
trap cleanup EXIT

make_master_key "$RUN/keys/master.key"
cluster_init "$RUN/cluster" "$PORT" "max_worker_processes = 8" "max_parallel_workers = 4" \
  "colcrypt.master_key_file = '$RUN/keys/master.key'"
cluster_start "$RUN/cluster"

# pg_regress writes results next to its inputs; give postgres its own copy.
cp -r "$ROOT/pg_regress" "$RUN/suite"
chown -R postgres:postgres "$RUN/suite"
if [ "${UPDATE_EXPECTED:-}" = 1 ]; then
  mkdir -p "$RUN/suite/expected"
  for f in "$RUN"/suite/sql/*.sql; do n=$(basename "$f" .sql); touch "$RUN/suite/expected/$n.out"; done
  chown -R postgres:postgres "$RUN/suite"
fi
tests=$(cd "$RUN/suite/sql" && ls *.sql | sed 's/\.sql$//' | sort)

status=0
as_postgres "$PG_REGRESS" \
  --inputdir="$RUN/suite" --outputdir="$RUN/suite" \
  --bindir="$PG_BINDIR" --host="$RUN/cluster/socket" --port="$PORT" --user=postgres \
  --dbname=colcrypt_regress --load-extension=colcrypt \
  $tests || status=$?

if [ $status -ne 0 ] && [ -f "$RUN/suite/regression.diffs" ]; then
  echo "---- regression.diffs ----"; cat "$RUN/suite/regression.diffs"
fi
if grep -E "terminated by signal|was terminated|PANIC" "$RUN/cluster/server.log"; then
  echo "regress: a backend crashed (see above)" >&2; status=1
fi
# No error a test raised may carry the test keys or plaintexts in its message, DETAIL, HINT or
# CONTEXT. (STATEMENT lines quote the SQL the tests wrote, literal keys included: that is the
# documented way keys leak, and why the session key exists.)
if grep -E "(ERROR|DETAIL|HINT|CONTEXT): " "$RUN/cluster/server.log" \
   | grep -Eai "(11){16}|(22){16}|(33){16}|(55){16}|(66){16}|(ab){16}|secret plaintext|123-45-6789|Zürich|canary"; then
  echo "regress: an error message above carries key or plaintext bytes" >&2; status=1
fi
if [ "${UPDATE_EXPECTED:-}" = 1 ]; then
  cp "$RUN/suite/results/"*.out "$ROOT/pg_regress/expected/"
  echo "regress: copied results into pg_regress/expected; review the diff before committing"
fi
exit $status
