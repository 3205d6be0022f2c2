#!/usr/bin/env bash
# The per-value paths issue 16 item 2 works on, measured alone in one run (a few minutes, not
# the full `make bench`): loads (INSERT … SELECT, COPY) into bytea and encrypted_text, reads
# through the cast (`v::text`, type_to_plain), the output function (COPY TO, type_out) and binary
# output (COPY … BINARY, type_send), 8 KiB encrypted_jsonb documents, and prepared searchable
# lookups with an encrypted_text and a text-typed parameter (the cross-type operator).
# Prints a markdown table; OUT=file also writes it there.
#   ROWS (100000), RUNS (5, median), PGBENCH_SECONDS (10), COLCRYPT_BENCH_PORT (55436),
#   INSTALL=0 to measure the colcrypt installed now (build and install it yourself, under the
#   shared lock), PROFILE=dev for the dev build.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/bench/lib.sh"
ROWS="${ROWS:-100000}"
RUNS="${RUNS:-5}"
SECS="${PGBENCH_SECONDS:-10}"
PORT="${COLCRYPT_BENCH_PORT:-55436}"
bench_install
bench_run_dir hot
bench_cluster "$PORT" "shared_buffers = 512MB" "max_parallel_workers_per_gather = 0" "jit = off"
q() { cluster_psql "$RUN/cluster" -d postgres -Atq "$@"; }
mkdir -p "$RUN/io"; chown postgres "$RUN/io"
q <<SQL
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('bench');
CREATE TABLE src AS SELECT i AS id, md5(i::text) || md5((-i)::text) AS s FROM generate_series(1, $ROWS) i;
CREATE TABLE load_bytea (id int, v bytea);
CREATE TABLE load_enc (id int, v colcrypt.encrypted_text(bench));
CREATE TABLE load_enc_s (id int, v colcrypt.encrypted_text(bench, searchable));
COPY src TO '$RUN/io/src.copy';
CREATE TABLE read_text AS SELECT id, s AS v FROM src;
CREATE TABLE read_enc (id int, v colcrypt.encrypted_text(bench));
INSERT INTO read_enc SELECT id, s FROM src;
-- 8 KiB JSON documents (as bench/run.sh section 9).
CREATE TABLE doc_src AS SELECT i AS id, (SELECT jsonb_object_agg('k' || j, repeat(md5((i * j)::text), 2)) FROM generate_series(1, 80) j) AS d
  FROM generate_series(1, 1000) i;
CREATE TABLE doc_jsonb AS SELECT id, d FROM doc_src;
CREATE TABLE doc_enc (id int, d colcrypt.encrypted_jsonb(bench));
INSERT INTO doc_enc SELECT id, d FROM doc_src;
-- Searchable lookups (as bench/driver_params.sh).
CREATE TABLE plain_t (id bigserial PRIMARY KEY, ssn text UNIQUE);
CREATE TABLE enc_t (id bigserial PRIMARY KEY, ssn colcrypt.encrypted_text(bench, searchable) UNIQUE);
INSERT INTO plain_t (ssn) SELECT 'ssn-' || i FROM generate_series(1, $ROWS) i;
INSERT INTO enc_t (ssn) SELECT 'ssn-' || i FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE;
CREATE FUNCTION bench(sql text, runs int, before text DEFAULT NULL) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t timestamptz; ms float8[] := '{}';
BEGIN
  IF before IS NULL THEN EXECUTE sql; END IF;  -- warm-up
  FOR r IN 1..runs LOOP
    IF before IS NOT NULL THEN EXECUTE before; END IF;
    t := clock_timestamp();
    EXECUTE sql;
    ms := ms || extract(epoch FROM clock_timestamp() - t) * 1000;
  END LOOP;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x);
END \$\$;
SQL
declare -A M
b() { M[$1]=$(q -c "SELECT round(bench(\$q\$$2\$q\$, $RUNS, ${3:-NULL})::numeric, 1)"); echo "hot_path: $1 ${M[$1]} ms" >&2; }
b ins_bytea "INSERT INTO load_bytea SELECT id, convert_to(s, 'UTF8') FROM src" "'TRUNCATE load_bytea'"
b ins_enc "INSERT INTO load_enc SELECT id, s FROM src" "'TRUNCATE load_enc'"
b ins_enc_s "INSERT INTO load_enc_s SELECT id, s FROM src" "'TRUNCATE load_enc_s'"
b copy_bytea "COPY load_bytea FROM '$RUN/io/src.copy'" "'TRUNCATE load_bytea'"
b copy_enc "COPY load_enc FROM '$RUN/io/src.copy'" "'TRUNCATE load_enc'"
b scan_text "SELECT sum(length(v)) FROM read_text"
b scan_enc "SELECT sum(length(v::text)) FROM read_enc"
b out_text "COPY read_text TO '/dev/null'"
b out_enc "COPY read_enc TO '/dev/null'"
b send_text "COPY read_text TO '/dev/null' (FORMAT binary)"
b send_enc "COPY read_enc TO '/dev/null' (FORMAT binary)"
b doc_scan_jsonb "SELECT sum(length(d ->> 'k7')) FROM doc_jsonb"
b doc_scan_enc "SELECT sum(length(d::jsonb ->> 'k7')) FROM doc_enc"
# Lookups in a server-side loop (PL/pgSQL keeps a generic plan, as drivers get after five
# executions), so client round trips do not drown the difference; µs per lookup below.
LOOKUPS=$(( ROWS < 20000 ? ROWS : 20000 ))
lookup() { echo "DO \$\$ DECLARE r bigint; BEGIN FOR i IN 1..$LOOKUPS LOOP SELECT id INTO r FROM $1 WHERE ssn = $2; END LOOP; END \$\$"; }
b loop_plain "$(lookup plain_t "'ssn-' || i")"
b loop_untyped "$(lookup enc_t "('ssn-' || i)::colcrypt.encrypted_text")"
b loop_typed "$(lookup enc_t "'ssn-' || i")"
for k in loop_plain loop_untyped loop_typed; do M[$k]=$(awk -v ms="${M[$k]}" -v n="$LOOKUPS" 'BEGIN { printf "%.2f", ms * 1000 / n }'); done
mkdir -p "$RUN/s"
printf '\\set i random(1, %s)\nSELECT id FROM plain_t WHERE ssn = %s;\n' "$ROWS" "'ssn-' || :i" >"$RUN/s/get_plain.sql"
printf '\\set i random(1, %s)\nSELECT id FROM enc_t WHERE ssn = (%s)::colcrypt.encrypted_text;\n' "$ROWS" "'ssn-' || :i" >"$RUN/s/get_untyped.sql"
printf '\\set i random(1, %s)\nSELECT id FROM enc_t WHERE ssn = %s;\n' "$ROWS" "'ssn-' || :i" >"$RUN/s/get_typed.sql"
chmod 644 "$RUN"/s/*.sql
lat() { # mean latency in µs of one script, prepared, one client
  as_postgres pgbench -n -M prepared -c 1 -T "$SECS" -f "$RUN/s/$1.sql" -h "$RUN/cluster/socket" -p "$PORT" -U postgres postgres 2>/dev/null \
    | sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p' | awk '{printf "%.1f", $1 * 1000}'
}
for s in get_plain get_untyped get_typed; do M[$s]=$(lat "$s"); echo "hot_path: $s ${M[$s]} µs" >&2; done
r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo "| path | plain | colcrypt | ratio |"
  echo "|---|---|---|---|"
  echo "| INSERT … SELECT, ms (bytea / encrypted_text) | ${M[ins_bytea]} | ${M[ins_enc]} | $(r "${M[ins_enc]}" "${M[ins_bytea]}") |"
  echo "| INSERT … SELECT, ms (bytea / searchable) | ${M[ins_bytea]} | ${M[ins_enc_s]} | $(r "${M[ins_enc_s]}" "${M[ins_bytea]}") |"
  echo "| COPY FROM, ms (bytea / encrypted_text) | ${M[copy_bytea]} | ${M[copy_enc]} | $(r "${M[copy_enc]}" "${M[copy_bytea]}") |"
  echo "| scan \`sum(length(v::text))\`, ms (text / encrypted_text) | ${M[scan_text]} | ${M[scan_enc]} | $(r "${M[scan_enc]}" "${M[scan_text]}") |"
  echo "| COPY TO, text output, ms | ${M[out_text]} | ${M[out_enc]} | $(r "${M[out_enc]}" "${M[out_text]}") |"
  echo "| COPY TO, binary output, ms | ${M[send_text]} | ${M[send_enc]} | $(r "${M[send_enc]}" "${M[send_text]}") |"
  echo "| 8 KiB documents, one field of each, ms (jsonb / encrypted_jsonb) | ${M[doc_scan_jsonb]} | ${M[doc_scan_enc]} | $(r "${M[doc_scan_enc]}" "${M[doc_scan_jsonb]}") |"
  echo "| searchable lookup in a PL/pgSQL loop, encrypted_text parameter, µs each (text column / encrypted) | ${M[loop_plain]} | ${M[loop_untyped]} | $(r "${M[loop_untyped]}" "${M[loop_plain]}") |"
  echo "| searchable lookup in a PL/pgSQL loop, text-typed parameter, µs each (text column / encrypted) | ${M[loop_plain]} | ${M[loop_typed]} | $(r "${M[loop_typed]}" "${M[loop_plain]}") |"
  echo "| searchable lookup, pgbench, encrypted_text parameter, µs (text column / encrypted) | ${M[get_plain]} | ${M[get_untyped]} | $(r "${M[get_untyped]}" "${M[get_plain]}") |"
  echo "| searchable lookup, pgbench, text-typed parameter, µs (text column / encrypted) | ${M[get_plain]} | ${M[get_typed]} | $(r "${M[get_typed]}" "${M[get_plain]}") |"
} | tee ${OUT:+"$OUT"}
