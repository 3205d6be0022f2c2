#!/usr/bin/env bash
# `make profile`: where a backend spends its time loading and reading encrypted_text, with
# perf (flat profile by symbol, release build). Writes bench/results/profile.txt.
#   ROWS=100000 bash bench/profile.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
ROWS="${ROWS:-1000000}"
command -v perf >/dev/null || { echo "profile: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }

bash "$ROOT/scripts/install-extension.sh" --release >/dev/null
RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-profile.XXXXXX")"; chmod 755 "$RUN"
trap 'cluster_stop "$RUN/cluster"; rm -rf "$RUN"' EXIT
make_master_key "$RUN/keys/master.key"
cluster_init "$RUN/cluster" "${COLCRYPT_PROFILE_PORT:-55436}" "shared_buffers = 512MB" "jit = off" \
  "max_parallel_workers_per_gather = 0" "colcrypt.master_key_file = '$RUN/keys/master.key'"
cluster_start "$RUN/cluster"
mkdir -p "$RUN/io"; chown postgres "$RUN/io"
cluster_psql "$RUN/cluster" -d postgres -q <<SQL
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('bench');
CREATE TABLE src AS SELECT i AS id, md5(i::text) || md5((-i)::text) AS s FROM generate_series(1, $ROWS) i;
CREATE TABLE load_enc (id int, v colcrypt.encrypted_text(bench));
COPY src TO '$RUN/io/src.copy';
SQL

OUT="$ROOT/bench/results/profile.txt"
: >"$OUT"
# One backend runs each statement; perf follows that backend's pid only.
profile() {
  local label="$1" stmt="$2"
  local fifo="$RUN/go"; rm -f "$fifo"; mkfifo "$fifo"; chmod 666 "$fifo"
  # The session prints its pid, waits for perf to attach, then runs the statement.
  ( cluster_psql "$RUN/cluster" -d postgres -Atq -c "SELECT pg_backend_pid()" -c "SELECT pg_sleep(1)" -c "$stmt" >"$RUN/pid.out" ) &
  local session=$!
  sleep 0.5
  local pid; pid="$(head -n 1 "$RUN/pid.out")"
  perf record -q -F 4000 -p "$pid" -o "$RUN/perf.data" 2>/dev/null &
  local perf_pid=$!
  wait "$session"
  kill -INT "$perf_pid"; wait "$perf_pid" || true
  {
    echo "## $label: $stmt"
    echo "### by library"
    perf report -q -i "$RUN/perf.data" --no-children --sort dso --percent-limit 1 2>/dev/null | sed -E 's/[[:space:]]+-[[:space:]]+-[[:space:]]*$//'
    echo "### by function"
    perf report -q -i "$RUN/perf.data" --no-children --sort dso,symbol --percent-limit 1 2>/dev/null | sed -E 's/[[:space:]]+-[[:space:]]+-[[:space:]]*$//'
    echo
  } >>"$OUT"
}
profile "INSERT ... SELECT" "INSERT INTO load_enc SELECT id, s FROM src"
cluster_psql "$RUN/cluster" -d postgres -q -c "TRUNCATE load_enc"
profile "COPY FROM" "COPY load_enc FROM '$RUN/io/src.copy'"
profile "full scan" "SELECT sum(length(v::text)) FROM load_enc"
# Primary-key SELECTs, prepared, one client: the whole machine is sampled and the backends'
# samples kept (pgbench's own connection has no pid to follow in advance).
cluster_psql "$RUN/cluster" -d postgres -q -c "CREATE TABLE load_text AS SELECT id, s AS v FROM src" \
  -c "ALTER TABLE load_text ADD PRIMARY KEY (id)" -c "ALTER TABLE load_enc ADD PRIMARY KEY (id)" -c "VACUUM ANALYZE"
for t in load_text load_enc; do
  printf '\\set id random(1, %s)\nSELECT v FROM %s WHERE id = :id;\n' "$ROWS" "$t" >"$RUN/pk_$t.sql"; chmod 644 "$RUN/pk_$t.sql"
  perf record -q -a -F 4000 -o "$RUN/perf.data" -- runuser -u postgres -- pgbench -n -M prepared -c 1 -T 8 -f "$RUN/pk_$t.sql" \
    -h "$RUN/cluster/socket" -p "$(cluster_port "$RUN/cluster")" -U postgres postgres >"$RUN/pgbench.out" 2>&1
  {
    echo "## pgbench primary-key SELECT on $t: $(sed -nE 's/^(latency average.*)$/\1/p' "$RUN/pgbench.out")"
    perf report -q -i "$RUN/perf.data" --comm postgres --percentage relative --no-children --sort dso --percent-limit 1 2>/dev/null | sed -E "s/[[:space:]]+-[[:space:]]+-[[:space:]]*$//"
    perf report -q -i "$RUN/perf.data" --comm postgres --dso colcrypt.so --percentage relative --no-children --sort symbol --percent-limit 3 2>/dev/null | sed -E "s/[[:space:]]+-[[:space:]]+-[[:space:]]*$//"
    echo
  } >>"$OUT"
done
cat "$OUT"
