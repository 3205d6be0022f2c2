#!/usr/bin/env bash
# `make bench` (first part of the benchmark suite): per-value cost of the client-key SQL
# functions over 1,000,000 rows of 64-byte values, against a plain scan and pgcrypto, in one
# run on one cluster. Release build. Writes bench/results/latest.md.
#   ROWS=100000 make bench    quick mode for small machines
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
ROWS="${ROWS:-1000000}"
RUNS="${RUNS:-5}"

bash "$ROOT/scripts/install-extension.sh" --release
RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-bench.XXXXXX")"; chmod 755 "$RUN"
trap 'cluster_stop "$RUN/cluster"; rm -rf "$RUN"' EXIT
make_master_key "$RUN/keys/master.key"
cluster_init "$RUN/cluster" "${COLCRYPT_BENCH_PORT:-55435}" "shared_buffers = 1GB" "max_parallel_workers_per_gather = 0" "jit = off" \
  "colcrypt.master_key_file = '$RUN/keys/master.key'"
cluster_start "$RUN/cluster"
q() { cluster_psql "$RUN/cluster" -d postgres -Atq "$@"; }

q <<SQL
CREATE EXTENSION colcrypt;
CREATE EXTENSION pgcrypto;
CREATE TABLE k AS SELECT decode(repeat('42', 32), 'hex') AS key;
CREATE TABLE plain AS SELECT i, gen_random_bytes(64) AS v FROM generate_series(1, $ROWS) i;
CREATE TABLE sealed_cc AS SELECT i, colcrypt.encrypt(v, (SELECT key FROM k)) AS c FROM plain;
CREATE TABLE sealed_pgc AS SELECT i, encrypt(v, (SELECT key FROM k), 'aes') AS c FROM plain;
SELECT colcrypt.create_key('bench');
CREATE TABLE sealed_srv AS SELECT i, colcrypt.server_encrypt('bench', v) AS c FROM plain;
VACUUM ANALYZE;
-- Median wall time in ms of RUNS executions of one aggregate query (warm cache).
CREATE FUNCTION bench(sql text, runs int) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t timestamptz; ms float8[] := '{}';
BEGIN
  EXECUTE sql;  -- warm-up
  FOR r IN 1..runs LOOP
    t := clock_timestamp();
    EXECUTE sql;
    ms := ms || extract(epoch FROM clock_timestamp() - t) * 1000;
  END LOOP;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x);
END \$\$;
SQL

# Transparent type: loading and reading 64-character text values.
mkdir -p "$RUN/io"; chown postgres "$RUN/io"
q <<SQL
CREATE TABLE src AS SELECT i AS id, encode(v, 'hex') AS s FROM (SELECT i, substr(v, 1, 32) AS v FROM plain) x;
CREATE TABLE load_text (id int, v text);
CREATE TABLE load_bytea (id int, v bytea);
CREATE TABLE load_enc (id int, v colcrypt.encrypted_text(bench));
COPY src TO '$RUN/io/src.copy';
CREATE FUNCTION bench_load(target text, stmt text, runs int) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t timestamptz; ms float8[] := '{}';
BEGIN
  FOR r IN 1..runs LOOP
    EXECUTE 'TRUNCATE ' || target;
    t := clock_timestamp();
    EXECUTE stmt;
    ms := ms || extract(epoch FROM clock_timestamp() - t) * 1000;
  END LOOP;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x);
END \$\$;
SQL
declare -A LOAD
for target in load_text load_bytea load_enc; do
  conv=$([ "$target" = load_bytea ] && echo "convert_to(s, 'UTF8')" || echo "s")
  LOAD[insert_$target]=$(q -c "SELECT round(bench_load('$target', \$q\$INSERT INTO $target SELECT id, $conv FROM src\$q\$, $RUNS)::numeric, 1)")
  LOAD[copy_$target]=$(q -c "SELECT round(bench_load('$target', \$q\$COPY $target FROM '$RUN/io/src.copy'\$q\$, $RUNS)::numeric, 1)")
  echo "bench: load into $target: insert ${LOAD[insert_$target]} ms, copy ${LOAD[copy_$target]} ms"
done
q -c "TRUNCATE load_text, load_bytea, load_enc; INSERT INTO load_text SELECT id, s FROM src; INSERT INTO load_enc SELECT id, s FROM src; ALTER TABLE load_text ADD PRIMARY KEY (id); ALTER TABLE load_enc ADD PRIMARY KEY (id)" >/dev/null; q -c "VACUUM ANALYZE load_text, load_enc" >/dev/null
LOAD[scan_text]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v)) FROM load_text\$q\$, $RUNS)::numeric, 1)")
LOAD[scan_enc]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v::text)) FROM load_enc\$q\$, $RUNS)::numeric, 1)")
printf '\\set id random(1, %s)\nSELECT v FROM load_text WHERE id = :id;\n' "$ROWS" >"$RUN/pk_text.sql"
printf '\\set id random(1, %s)\nSELECT v FROM load_enc WHERE id = :id;\n' "$ROWS" >"$RUN/pk_enc.sql"
chmod 644 "$RUN"/pk_*.sql
tps() { as_postgres pgbench -n -M prepared -c 1 -T "${PGBENCH_SECONDS:-10}" -f "$1" -h "$RUN/cluster/socket" -p "${COLCRYPT_BENCH_PORT:-55435}" -U postgres postgres 2>/dev/null | sed -nE 's/^tps = ([0-9.]+).*/\1/p'; }
LOAD[pk_text]=$(tps "$RUN/pk_text.sql"); LOAD[pk_enc]=$(tps "$RUN/pk_enc.sql")
echo "bench: scan text ${LOAD[scan_text]} ms, encrypted ${LOAD[scan_enc]} ms; pk lookups text ${LOAD[pk_text]} tps, encrypted ${LOAD[pk_enc]} tps"

# Client-side: the colcrypt CLI encrypting one 64-character column of a CSV file, against the
# same file through COPY into an encrypted_text column (server-side), in this run.
cargo build --release -q -p colcrypt-client
CLI="$ROOT/target/release/colcrypt"
rm -f "$RUN/io/client.key"; "$CLI" keygen "$RUN/io/client.key" 2>/dev/null
q -c "COPY (SELECT id, s FROM src) TO '$RUN/io/plain.csv' (FORMAT csv)" >/dev/null
t0=$(date +%s%N)
"$CLI" csv-encrypt -k "$RUN/io/client.key" --columns 2 -i "$RUN/io/plain.csv" -o "$RUN/io/enc.csv" 2>/dev/null
LOAD[cli_ms]=$(( ($(date +%s%N) - t0) / 1000000 ))
LOAD[copy_csv_enc]=$(q -c "SELECT round(bench_load('load_enc', \$q\$COPY load_enc FROM '$RUN/io/plain.csv' (FORMAT csv)\$q\$, $RUNS)::numeric, 1)")
echo "bench: client CLI csv-encrypt ${LOAD[cli_ms]} ms; server COPY csv into encrypted_text ${LOAD[copy_csv_enc]} ms"

declare -A SQL=(
  [scan_plain]="SELECT sum(length(v)) FROM plain"
  [enc_colcrypt]="SELECT sum(length(colcrypt.encrypt(v, k.key))) FROM plain, k"
  [enc_pgcrypto]="SELECT sum(length(encrypt(v, k.key, 'aes'))) FROM plain, k"
  [scan_cc]="SELECT sum(length(c)) FROM sealed_cc"
  [dec_colcrypt]="SELECT sum(length(colcrypt.decrypt(c, k.key))) FROM sealed_cc, k"
  [scan_pgc]="SELECT sum(length(c)) FROM sealed_pgc"
  [dec_pgcrypto]="SELECT sum(length(decrypt(c, k.key, 'aes'))) FROM sealed_pgc, k"
  [enc_server]="SELECT sum(length(colcrypt.server_encrypt('bench', v))) FROM plain"
  [scan_srv]="SELECT sum(length(c)) FROM sealed_srv"
  [dec_server]="SELECT sum(length(colcrypt.server_decrypt(c))) FROM sealed_srv"
)
declare -A MS
NAMES="scan_plain enc_colcrypt enc_pgcrypto scan_cc dec_colcrypt scan_pgc dec_pgcrypto enc_server scan_srv dec_server"
for name in $NAMES; do
  MS[$name]=$(q -c "SELECT round(bench(\$q\$${SQL[$name]}\$q\$, $RUNS)::numeric, 1)")
  echo "bench: $name ${MS[$name]} ms"
done

ns() { python3 -c "print(round(($1 - $2) * 1e6 / $ROWS))"; }
ratio() { python3 -c "print(round($1 / $2, 1))"; }
enc_cc=$(ns "${MS[enc_colcrypt]}" "${MS[scan_plain]}"); enc_pg=$(ns "${MS[enc_pgcrypto]}" "${MS[scan_plain]}")
dec_cc=$(ns "${MS[dec_colcrypt]}" "${MS[scan_cc]}"); dec_pg=$(ns "${MS[dec_pgcrypto]}" "${MS[scan_pgc]}")
enc_srv=$(ns "${MS[enc_server]}" "${MS[scan_plain]}"); dec_srv=$(ns "${MS[dec_server]}" "${MS[scan_srv]}")
out="$ROOT/bench/results/latest.md"
{
  echo "# colcrypt benchmark: SQL function cost per value"
  echo
  echo "$(date -u +%F), $ROWS rows of 64-byte random bytea, median of $RUNS runs each, one cluster, release build,"
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), PostgreSQL $(pg_config --version | awk '{print $2}')."
  echo "Added cost = (time of the query with the function − time of the same scan without it) / rows."
  echo
  echo "| operation | plain scan (ms) | colcrypt (ms) | pgcrypto aes (ms) | colcrypt added ns/value | pgcrypto added ns/value | pgcrypto / colcrypt |"
  echo "|---|---|---|---|---|---|---|"
  echo "| encrypt | ${MS[scan_plain]} | ${MS[enc_colcrypt]} | ${MS[enc_pgcrypto]} | $enc_cc | $enc_pg | $(ratio "$enc_pg" "$enc_cc")× |"
  echo "| decrypt | ${MS[scan_cc]} / ${MS[scan_pgc]} | ${MS[dec_colcrypt]} | ${MS[dec_pgcrypto]} | $dec_cc | $dec_pg | $(ratio "$dec_pg" "$dec_cc")× |"
  echo
  echo "Server-managed keys (suite 2, key found by the envelope's id, cached per backend): server_encrypt"
  echo "${MS[enc_server]} ms ($enc_srv ns/value added), server_decrypt ${MS[dec_server]} ms ($dec_srv ns/value added)."
  echo
  echo "## Transparent type \`encrypted_text\` ($ROWS rows of 64-character text)"
  echo
  echo "| operation | text | bytea | encrypted_text | encrypted / text | encrypted / bytea |"
  echo "|---|---|---|---|---|---|"
  echo "| INSERT … SELECT (ms) | ${LOAD[insert_load_text]} | ${LOAD[insert_load_bytea]} | ${LOAD[insert_load_enc]} | $(ratio "${LOAD[insert_load_enc]}" "${LOAD[insert_load_text]}")× | $(ratio "${LOAD[insert_load_enc]}" "${LOAD[insert_load_bytea]}")× |"
  echo "| COPY FROM (ms) | ${LOAD[copy_load_text]} | ${LOAD[copy_load_bytea]} | ${LOAD[copy_load_enc]} | $(ratio "${LOAD[copy_load_enc]}" "${LOAD[copy_load_text]}")× | $(ratio "${LOAD[copy_load_enc]}" "${LOAD[copy_load_bytea]}")× |"
  echo "| full scan reading every value (ms) | ${LOAD[scan_text]} | | ${LOAD[scan_enc]} | $(ratio "${LOAD[scan_enc]}" "${LOAD[scan_text]}")× | |"
  echo "| pgbench primary-key SELECT, 1 client (tps) | ${LOAD[pk_text]} | | ${LOAD[pk_enc]} | $(ratio "${LOAD[pk_text]}" "${LOAD[pk_enc]}")× slower | |"
  echo
  echo "Client-side: \`colcrypt csv-encrypt\` sealed one 64-character column of a $ROWS-row CSV in ${LOAD[cli_ms]} ms"
  echo "($(python3 -c "print(round($ROWS / max(${LOAD[cli_ms]}, 1) * 1000))") rows/s, one process); the same file through COPY into an encrypted_text column"
  echo "took ${LOAD[copy_csv_enc]} ms ($(python3 -c "print(round($ROWS / max(${LOAD[copy_csv_enc]}, 1) * 1000))") rows/s) server-side."
  echo
  echo "pgcrypto's \`encrypt(data, key, 'aes')\` is AES-CBC with no IV and no authentication; colcrypt is"
  echo "AES-256-GCM with a random nonce and a key commitment. Queries:"
  echo
  for name in $NAMES; do echo "- $name: \`${SQL[$name]}\`"; done
} >"$out"
cat "$out"
