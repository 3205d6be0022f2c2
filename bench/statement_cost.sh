#!/usr/bin/env bash
# Instructions per pgbench transaction, encrypted_text against text: the pgbench goals of issue
# 16 (primary-key SELECT and UPDATE, `-M prepared`, one client) counted by callgrind instead of
# timed. On this project's two-core VMs a timed pgbench ratio moves by more than colcrypt's own
# share of a statement (bench/results/latest.md: the A/A control alone moves by a few per cent);
# an instruction count is the same on every run of the same build and data.
#
# The server runs under valgrind (callgrind follows each forked backend into its own file), on
# a fresh copy of the same data directory for every run; pgbench runs 1,000 and then 6,000
# transactions of the same script, and the difference over 5,000 is one transaction of the
# backend that served them, connection start-up and key loading taken out. The UPDATE writes a
# fixed 64-character value, so both runs do the same work.
# Prints a markdown table; OUT=file also writes it there.
#   ROWS (200000), RUNS (3: median), INSTALL=0 / PROFILE=dev as bench/lib.sh, KEEP=dir to keep the backends'
#   callgrind files (callgrind_annotate reads them).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/bench/lib.sh"
ROWS="${ROWS:-200000}"
RUNS="${RUNS:-3}"
PORT="${COLCRYPT_BENCH_PORT:-55437}"
command -v valgrind >/dev/null || { echo "statement_cost: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
bench_install >/dev/null
# The valgrind'd server of a run (also stopped on exit).
stop_valgrind() {
  [ -f "$RUN/cluster/data/postmaster.pid" ] || return 0
  as_postgres "$PG_BINDIR/pg_ctl" -D "$RUN/cluster/data" -m fast -w -t 120 stop >/dev/null 2>&1 || true
}

bench_run_dir cost
BENCH_ON_EXIT='stop_valgrind'
bench_cluster "$PORT" "shared_buffers = 256MB" "jit = off" "autovacuum = off" \
  "log_connections = on" "log_line_prefix = '%p %a '"
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
SQL
cluster_stop "$RUN/cluster"
cp -a "$RUN/cluster/data" "$RUN/pristine"
mkdir -p "$RUN/cg"; chown postgres "$RUN/cg"
for table in t_text t_enc; do
  printf '\\set id random(1, %s)\nSELECT v FROM %s WHERE id = :id;\n' "$ROWS" "$table" >"$RUN/select_$table.sql"
  printf '\\set id random(1, %s)\nUPDATE %s SET v = repeat(%s, 8) WHERE id = :id;\n' "$ROWS" "$table" "'0123abcd'" >"$RUN/update_$table.sql"
done
chmod 644 "$RUN"/*.sql

# instructions KIND TABLE N: what the backend that ran N transactions executed.
instructions() {
  rm -rf "$RUN/cluster/data" "$RUN/cg"/*; cp -a "$RUN/pristine" "$RUN/cluster/data"
  ( cd /; as_postgres valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$RUN/cg/cg.%p" \
      "$PG_BINDIR/postgres" -D "$RUN/cluster/data" >"$RUN/cg/server.log" 2>&1 & )
  for _ in $(seq 120); do as_postgres "$PG_BINDIR/pg_isready" -q -h "$RUN/cluster/socket" -p "$PORT" && break; sleep 0.5; done
  as_postgres pgbench -n -M prepared --random-seed=1 -c 1 -t "$3" -f "$RUN/$1_$2.sql" -h "$RUN/cluster/socket" -p "$PORT" -U postgres postgres \
    >"$RUN/cg/pgbench.out" 2>&1 || { cat "$RUN/cg/pgbench.out" "$RUN/cg/server.log" >&2; exit 1; }
  grep -q "number of transactions actually processed: $3/$3" "$RUN/cg/pgbench.out" || { cat "$RUN/cg/pgbench.out" >&2; exit 1; }
  stop_valgrind
  # pgbench's connections (application_name pgbench); the one that ran the transactions did the most.
  local best=0 pid n
  for pid in $(sed -nE 's/^([0-9]+) .*connection authorized: .*application_name=pgbench.*/\1/p' "$RUN/cg/server.log"); do
    n=$(sed -nE 's/^summary: ([0-9]+)$/\1/p' "$RUN/cg/cg.$pid")
    if [ "$n" -gt "$best" ]; then best=$n; [ -z "${KEEP:-}" ] || cp "$RUN/cg/cg.$pid" "$KEEP/$1_$2_$3.out"; fi
  done
  [ "$best" -gt 0 ] || { echo "statement_cost: no pgbench backend found" >&2; tail -n 20 "$RUN/cg/server.log" >&2; exit 1; }
  echo "$best"
}
# per_transaction KIND TABLE: the median over RUNS pairs of runs (a SELECT counts the same in every
# run; an UPDATE moves by a few hundred instructions, with the page pruning it happens to do).
per_transaction() {
  local r counts=()
  for r in $(seq "$RUNS"); do counts+=($(( ($(instructions "$1" "$2" 6000) - $(instructions "$1" "$2" 1000)) / 5000 ))); done
  printf '%s\n' "${counts[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

declare -A COST
for kind in select update; do
  for table in t_text t_enc; do
    COST[$kind,$table]=$(per_transaction "$kind" "$table")
    echo "statement_cost: $kind $table ${COST[$kind,$table]}" >&2
  done
done
{
  echo "Instructions per pgbench transaction (\`-M prepared\`, one client; callgrind; $ROWS rows; median of $RUNS; $(git -C "$ROOT" rev-parse --short HEAD)):"
  echo
  echo "| statement | text | encrypted_text | added | ratio |"
  echo "|---|---|---|---|---|"
  for kind in select update; do
    t=${COST[$kind,t_text]}; e=${COST[$kind,t_enc]}
    label=$([ "$kind" = select ] && echo 'SELECT v … WHERE id = :id' || echo "UPDATE … SET v = repeat('0123abcd', 8) WHERE id = :id")
    echo "| \`$label\` | $t | $e | $((e - t)) | $(python3 -c "print(f'{$e / $t:.3f}')") |"
  done
} | tee "${OUT:-/dev/null}"
