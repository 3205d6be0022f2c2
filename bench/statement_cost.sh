#!/usr/bin/env bash
# Instructions per prepared statement, encrypted_text against text: the pgbench goals of issue
# 16 (primary-key SELECT, UPDATE) counted by callgrind instead of timed. On this project's
# two-core VMs a timed pgbench ratio moves by more than colcrypt's own share of a statement
# (the same script twice differs by up to ±10 % between runs); an instruction count is the same
# on every run of the same build and data.
#
# A single-user backend (`postgres --single`, under valgrind) runs `EXECUTE` of a prepared
# statement 1,000 and then 6,000 times on a copy of the same data directory; the difference over
# 5,000 is the cost of one execution, start-up and key loading taken out. Single-user mode prints
# each row through the type's output function as a client's row is, but parses each EXECUTE, so
# its statements cost more than pgbench's extended-protocol ones and its ratios are lower.
# Prints a markdown table; OUT=file also writes it there.
#   ROWS (200000), INSTALL=0 / PROFILE=dev as bench/lib.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/bench/lib.sh"
ROWS="${ROWS:-200000}"
command -v valgrind >/dev/null || { echo "statement_cost: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
bench_install >/dev/null
bench_run_dir cost
bench_cluster "${COLCRYPT_BENCH_PORT:-55437}" "shared_buffers = 256MB" "jit = off" "max_parallel_workers_per_gather = 0"
cluster_psql "$RUN/cluster" -d postgres -q <<SQL
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('bench');
CREATE TABLE src AS SELECT i AS id, md5(i::text) || md5((-i)::text) AS s FROM generate_series(1, $ROWS) i;
CREATE TABLE t_text (id int PRIMARY KEY, v text);
CREATE TABLE t_enc (id int PRIMARY KEY, v colcrypt.encrypted_text(bench));
INSERT INTO t_text SELECT id, s FROM src;
INSERT INTO t_enc SELECT id, s FROM src;
DROP TABLE src;
VACUUM ANALYZE;
CHECKPOINT;
SQL
cluster_stop "$RUN/cluster"
PGBIN="$PG_BINDIR"
cp -a "$RUN/cluster/data" "$RUN/pristine"
mkdir -p "$RUN/cg"; chown postgres "$RUN/cg"

# script KIND TABLE N: the statements a run feeds the backend (the same ids and values for both tables).
script() {
  python3 - "$1" "$2" "$3" "$ROWS" <<'EOF'
import hashlib, random, sys
kind, table, n, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(1)
if kind == "select":
    print(f"PREPARE p(int) AS SELECT v FROM {table} WHERE id = $1")
    for _ in range(n):
        print(f"EXECUTE p({rng.randint(1, rows)})")
else:
    print(f"PREPARE p(int, text) AS UPDATE {table} SET v = $2 WHERE id = $1")
    for i in range(n):
        print(f"EXECUTE p({rng.randint(1, rows)}, '{hashlib.md5(str(i).encode()).hexdigest() * 2}')")
EOF
}

# instructions KIND TABLE N: what the backend executed for N statements, on a fresh copy of the data.
instructions() {
  rm -rf "$RUN/cluster/data"; cp -a "$RUN/pristine" "$RUN/cluster/data"
  script "$1" "$2" "$3" >"$RUN/cg/script.sql"
  runuser -u postgres -- valgrind --tool=callgrind --callgrind-out-file="$RUN/cg/out.%p" \
    "$PGBIN/postgres" --single -D "$RUN/cluster/data" postgres <"$RUN/cg/script.sql" >"$RUN/cg/rows.txt" 2>"$RUN/cg/valgrind.txt"
  [ "$(grep -c '^backend> ' "$RUN/cg/rows.txt" || true)" -ge 1 ] || { cat "$RUN/cg/valgrind.txt" >&2; exit 1; }
  if [ "$1" = select ]; then
    # Every execution printed its row: the run measured what it says.
    [ "$(grep -c '1: v = ' "$RUN/cg/rows.txt")" -eq "$3" ] || { echo "statement_cost: $2 printed the wrong number of rows" >&2; exit 1; }
  fi
  sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$RUN/cg/valgrind.txt"
}
per_statement() { echo $(( ($(instructions "$1" "$2" 6000) - $(instructions "$1" "$2" 1000)) / 5000 )); }

declare -A COST
for kind in select update; do
  for table in t_text t_enc; do
    COST[$kind,$table]=$(per_statement "$kind" "$table")
    echo "statement_cost: $kind $table ${COST[$kind,$table]}" >&2
  done
done
{
  echo "Instructions per prepared statement (callgrind, single-user backend, $ROWS rows, $(git -C "$ROOT" rev-parse --short HEAD)):"
  echo
  echo "| statement | text | encrypted_text | added | ratio |"
  echo "|---|---|---|---|---|"
  for kind in select update; do
    t=${COST[$kind,t_text]}; e=${COST[$kind,t_enc]}
    label=$([ "$kind" = select ] && echo 'SELECT v … WHERE id = $1' || echo 'UPDATE … SET v = $2 WHERE id = $1')
    echo "| \`$label\` | $t | $e | $((e - t)) | $(python3 -c "print(f'{$e / $t:.3f}')") |"
  done
} | tee "${OUT:-/dev/null}"
