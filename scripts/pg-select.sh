# Sourced by the test tiers before scripts/cluster.sh: selects the PostgreSQL they run against.
#   PG=15 (default)   Debian's PostgreSQL 15 (pg_config on PATH)
#   PG=18             PostgreSQL 18 from scripts/setup-pg18.sh (/opt/pg18)
#   PG_CONFIG=PATH    any other installation
# Its bin directory goes first on PATH, so pg_config, initdb, psql, pg_dump and pg_restore in
# cluster.sh and the tests are that version's; PG_MAJOR says which one it is.
case "${PG:-}" in
  ''|15) ;;
  18) PG_CONFIG="$(bash "$(dirname "${BASH_SOURCE[0]}")/setup-pg18.sh" --print-pg-config)"
      [ -x "$PG_CONFIG" ] || { echo "PG=18: $PG_CONFIG missing; run scripts/setup-pg18.sh" >&2; exit 1; } ;;
  *) echo "PG=$PG: colcrypt is tested on 15 and 18" >&2; exit 2 ;;
esac
if [ -n "${PG_CONFIG:-}" ]; then
  PATH="$("$PG_CONFIG" --bindir):$PATH"
fi
PG_CONFIG="$(command -v pg_config)"
PG_MAJOR="$("$PG_CONFIG" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')"
export PATH PG_CONFIG PG_MAJOR
