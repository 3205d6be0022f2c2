#!/usr/bin/env bash
# Tier 4: integration tests against a real running server. Starts one throwaway cluster (run
# by `postgres`, colcrypt preloaded) and runs every tests/integration/t_*.sh against it; each
# test gets CLUSTER (its directory) and the helpers of scripts/cluster.sh.
# PG=18 (or PG_CONFIG=path) runs them on that version (scripts/pg-select.sh). A test whose
# header says `# needs: tls (why)`, `# needs: pgcrypto (why)` or `# needs: citus (why)` is skipped,
# with its reason, on an installation built without OpenSSL, without pgcrypto or without Citus
# (PostgreSQL 18 from setup-pg18.sh). A test whose header says `# once: (why)` starts the
# versions it needs itself, and so runs in the PostgreSQL 15 pass only.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/pg-select.sh"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/tests/integration/lib.sh"

RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-integration.XXXXXX")"
chmod 755 "$RUN"
export CLUSTER="$RUN/cluster" RUN ROOT
# 18 has its own port, so that a run on 18 and one on 15 never meet on the shared cluster.
PORT="${COLCRYPT_INTEGRATION_PORT:-$([ "$PG_MAJOR" = 15 ] && echo 55434 || echo 55534)}"
has_tls() { "$PG_CONFIG" --configure | grep -Eq -- "--with-(ssl=)?openssl"; }
has_pgcrypto() { [ -f "$("$PG_CONFIG" --sharedir)/extension/pgcrypto.control" ]; }
# Citus is built for the system PostgreSQL 15 only (scripts/setup-citus.sh).
has_citus() { [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]; }
# Tests that need their own cluster (restarts, other settings) make it under $RUN; all are
# stopped here.
stop_all() { for d in "$RUN"/*/; do [ -f "$d/data/postmaster.pid" ] && cluster_stop "${d%/}"; done; return 0; }
trap 'stop_all; [ "${KEEP:-}" = 1 ] || rm -rf "$RUN"' EXIT
cluster_init "$CLUSTER" "$PORT" "max_connections = 50"
cluster_start "$CLUSTER"
cluster_psql "$CLUSTER" -q -c "CREATE DATABASE it" -d postgres
cluster_psql "$CLUSTER" -q -c "CREATE EXTENSION colcrypt" -d it

echo "integration: PostgreSQL $("$PG_CONFIG" --version | sed 's/^PostgreSQL //')"
passed=0; failed=0; skipped=0
for t in "$ROOT"/tests/integration/t_*.sh; do
  name="$(basename "$t" .sh)"
  # ONLY=t_faults,t_replication runs just those.
  if [ -n "${ONLY:-}" ] && ! grep -qw "$name" <<<"${ONLY//,/ }"; then continue; fi
  need="$(sed -nE 's/^# needs: (tls|pgcrypto|citus) (.*)$/\1 \2/p' "$t" | head -n 1)"
  if [ -n "$need" ] && ! "has_${need%% *}"; then
    echo "skip $name: needs ${need%% *} ${need#* }, and $("$PG_CONFIG" --version) here has none"
    skipped=$((skipped + 1)); continue
  fi
  if [ "$PG_MAJOR" != 15 ] && grep -q "^# once: " "$t"; then
    echo "skip $name: $(sed -nE 's/^# once: (.*)$/\1/p' "$t" | head -n 1)"
    skipped=$((skipped + 1)); continue
  fi
  start=$(date +%s)
  # A separate bash: `set -e` is ignored in anything run as an `if` condition, subshells included.
  if bash -c 'set -euo pipefail; source "$ROOT/scripts/cluster.sh"; source "$ROOT/tests/integration/lib.sh"; source "$1"' _ "$t" >"$RUN/$name.log" 2>&1; then
    echo "ok   $name ($(( $(date +%s) - start ))s)"; passed=$((passed + 1))
  else
    echo "FAIL $name"; sed 's/^/    /' "$RUN/$name.log"; failed=$((failed + 1))
  fi
done
# No error any test raised may carry a canary (key or plaintext) in its message, DETAIL, HINT or
# CONTEXT; STATEMENT lines quote SQL text the tests wrote on purpose.
if grep -hE "(ERROR|DETAIL|HINT|CONTEXT): " "$RUN"/*/server.log | grep -v "DETAIL:  parameters:" | grep -Eai "canary|cAnArY|secret-[0-9]|Zürich"; then
  echo "FAIL an error message above carries a canary"; failed=$((failed + 1))
fi
if grep -E "terminated by signal|PANIC" "$CLUSTER/server.log"; then
  echo "FAIL server log shows a crashed backend"; failed=$((failed + 1))
fi
echo "integration: $passed passed, $failed failed, $skipped skipped (PostgreSQL $PG_MAJOR)"
[ "$failed" -eq 0 ]
