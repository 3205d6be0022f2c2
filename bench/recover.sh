#!/usr/bin/env bash
# Values per second of `colcrypt recover` (issue 15) on a pg_dump of ROWS rows (default
# 1,000,000), each with a searchable encrypted_text and an encrypted_int8 (2 values a row), with
# the release build of the CLI and no server running. Times --format sql to standard output
# (/dev/null), --format csv, and --plaintext-types, each RUNS times (default 3; the median is
# reported). Writes bench/results/recover.md. Not part of `make test`.
#
# The extension (dev build: it only makes the data) is installed and the dump made under the
# shared test lock; the timed runs need no server and take no lock.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/bench/lib.sh"
ROWS="${ROWS:-1000000}"
RUNS="${RUNS:-3}"
PORT="${COLCRYPT_BENCH_PORT:-55503}"
OUT="$ROOT/bench/results/recover.md"
cargo build -q --release -p colcrypt-client
CLI="$ROOT/target/release/colcrypt"
bench_run_dir recover

make_dump() {
  PROFILE=dev bench_install
  bench_cluster "$PORT" "shared_buffers = 256MB"
  cluster_psql "$RUN/cluster" -d postgres -Atq >/dev/null <<SQL
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('bench');
CREATE TABLE t (id int PRIMARY KEY, ssn colcrypt.encrypted_text(bench, searchable), amount colcrypt.encrypted_int8(bench));
INSERT INTO t SELECT i, 'ssn-' || i, i * 1000 FROM generate_series(1, $ROWS) i;
SQL
  touch "$RUN/dump.sql"; chown postgres "$RUN/dump.sql"
  as_postgres pg_dump -h "$RUN/cluster/socket" -p "$PORT" -U postgres -f "$RUN/dump.sql" postgres
  cluster_stop "$RUN/cluster"
}
export -f make_dump
export ROOT RUN PORT ROWS
flock /tmp/colcrypt-test.lock bash -c 'set -euo pipefail; source "$ROOT/scripts/cluster.sh"; make_dump'
install -m 600 "$RUN/keys/master.key" "$RUN/cli.key"
values=$((2 * ROWS))
dump_mb=$(( $(stat -c %s "$RUN/dump.sql") / 1000000 ))

# median seconds of RUNS runs of "$@" (exit status 0 required)
time_it() {
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    local start end
    start=$(date +%s%N)
    "$@" 2>"$RUN/err" >/dev/null || { cat "$RUN/err" >&2; return 1; }
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
rm -rf "$RUN/csv"
sql_ms=$(time_it "$CLI" recover --master-key-file "$RUN/cli.key" -i "$RUN/dump.sql")
csv_ms=$(time_it "$CLI" recover --master-key-file "$RUN/cli.key" -i "$RUN/dump.sql" --format csv --out-dir "$RUN/csv")
pt_ms=$(time_it "$CLI" recover --master-key-file "$RUN/cli.key" -i "$RUN/dump.sql" --plaintext-types)
stdin_ms=$(time_it sh -c "\"$CLI\" recover --master-key-file \"$RUN/cli.key\" < \"$RUN/dump.sql\"")
opened=$(grep -oE '[0-9]+ values opened' "$RUN/err" | cut -d' ' -f1)
[ "$opened" = "$values" ] || { echo "expected $values values opened, got $opened" >&2; exit 1; }
rate() { echo $(( values * 1000 / $1 )); }
{
  echo "# colcrypt recover throughput"
  echo
  echo "\`bash bench/recover.sh\` (ROWS=$ROWS, median of $RUNS runs), $(date -u +%Y-%m-%d), $(nproc) cores shared with other jobs,"
  echo "release build of the CLI, no server running. The dump: plain pg_dump, $dump_mb MB, $ROWS rows of"
  echo "\`(id int, ssn encrypted_text(bench, searchable), amount encrypted_int8(bench))\`: $values encrypted values"
  echo "(suite 2 envelopes; the searchable ones carry a bound blind index). Each run reads the dump twice"
  echo "(the key table first, then the data)."
  echo
  echo "| run | seconds | values/s |"
  echo "|---|---:|---:|"
  echo "| \`--format sql\` to stdout (/dev/null) | $(awk "BEGIN{printf \"%.1f\", $sql_ms/1000}") | $(rate "$sql_ms") |"
  echo "| \`--format sql --plaintext-types\` | $(awk "BEGIN{printf \"%.1f\", $pt_ms/1000}") | $(rate "$pt_ms") |"
  echo "| \`--format csv --out-dir\` (fsync'd 0600 file) | $(awk "BEGIN{printf \"%.1f\", $csv_ms/1000}") | $(rate "$csv_ms") |"
  echo "| \`--format sql\`, dump on stdin (spooled to a temporary file first) | $(awk "BEGIN{printf \"%.1f\", $stdin_ms/1000}") | $(rate "$stdin_ms") |"
} >"$OUT"
cat "$OUT"
