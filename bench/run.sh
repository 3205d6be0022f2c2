#!/usr/bin/env bash
# `make bench`: colcrypt against plain columns and pgcrypto, in one run on one cluster, release
# build. Writes bench/results/latest.md and bench/results/latest.svg (the README shows it).
#   make bench                 1,000,000 rows, 5 runs per figure (about 15 minutes on 2 cores)
#   make bench-quick           100,000 rows, 3 runs (a few minutes)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
ROWS="${ROWS:-1000000}"
RUNS="${RUNS:-5}"

bash "$ROOT/scripts/install-extension.sh" --release
RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-bench.XXXXXX")"; chmod 755 "$RUN"
trap 'cluster_stop "$RUN/cluster"; rm -rf "$RUN"' EXIT
make_master_key "$RUN/keys/master.key"
cluster_init "$RUN/cluster" "${COLCRYPT_BENCH_PORT:-55435}" "shared_buffers = 1GB" "max_parallel_workers_per_gather = 0" "jit = off" "max_wal_size = 4GB" \
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
-- Median wall time in ms of RUNS executions of one aggregate query (warm cache); the spread
-- (min, max) of the same runs goes to bench_spread.
CREATE TABLE bench_spread (sql text, min_ms float8, max_ms float8);
-- With \`before\` (e.g. a TRUNCATE for loads) that runs untimed ahead of each run, and no warm-up.
CREATE FUNCTION bench(sql text, runs int, before text DEFAULT NULL) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t timestamptz; ms float8[] := '{}';
BEGIN
  IF before IS NULL THEN
    EXECUTE sql;  -- warm-up
  END IF;
  FOR r IN 1..runs LOOP
    IF before IS NOT NULL THEN
      EXECUTE before;
    END IF;
    t := clock_timestamp();
    EXECUTE sql;
    ms := ms || extract(epoch FROM clock_timestamp() - t) * 1000;
  END LOOP;
  INSERT INTO bench_spread SELECT sql, min(x), max(x) FROM unnest(ms) x;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x);
END \$\$;
-- pgp_sym_encrypt is ~50 times slower: measured on a tenth of the rows.
CREATE TABLE plain_small AS SELECT * FROM plain WHERE i % 10 = 0;
CREATE TABLE sealed_pgp AS SELECT i, pgp_sym_encrypt_bytea(v, 'bench passphrase') AS c FROM plain_small;
SQL

# Transparent type: loading and reading 64-character text values.
mkdir -p "$RUN/io"; chown postgres "$RUN/io"
q <<SQL
CREATE TABLE src AS SELECT i AS id, encode(v, 'hex') AS s FROM (SELECT i, substr(v, 1, 32) AS v FROM plain) x;
CREATE TABLE load_text (id int, v text);
CREATE TABLE load_bytea (id int, v bytea);
CREATE TABLE load_enc (id int, v colcrypt.encrypted_text(bench));
COPY src TO '$RUN/io/src.copy';
CREATE FUNCTION bench_load(target text, stmt text, runs int) RETURNS float8 LANGUAGE sql AS
  \$\$ SELECT bench(stmt, runs, 'TRUNCATE ' || target) \$\$;
SQL
declare -A LOAD SAMPLES L_TARGET L_SQL
# Floors (issue 16 item 4): the same rows and queries with colcrypt's own code taken out. The
# very envelopes load_enc holds, stored as plain bytea, are written from and read by the same
# kind of query: what remains of the encrypted figure beyond that, and beyond the AEAD's core
# cost per value (scenario 1), is colcrypt's own per-value work.
q -c "INSERT INTO load_enc SELECT id, s FROM src" >/dev/null
q -c "CREATE TABLE src_pair AS SELECT e.id, convert_to(s.s, 'UTF8') AS b, colcrypt.envelope(e.v) AS e FROM load_enc e JOIN src s USING (id);
      CREATE TABLE load_envb (id int, v bytea)" >/dev/null
q -c "VACUUM ANALYZE src_pair" >/dev/null
load_case() { L_TARGET[$1]="$2"; L_SQL[$1]="$3"; LOAD_NAMES+=("$1"); }
LOAD_NAMES=()
for target in load_text load_bytea load_enc; do
  conv=$([ "$target" = load_bytea ] && echo "convert_to(s, 'UTF8')" || echo "s")
  load_case "insert_$target" "$target" "INSERT INTO $target SELECT id, $conv FROM src"
  load_case "copy_$target" "$target" "COPY $target FROM '$RUN/io/src.copy'"
done
load_case w_plain load_bytea "INSERT INTO load_bytea SELECT id, b FROM src_pair"
load_case w_env load_envb "INSERT INTO load_envb SELECT id, e FROM src_pair"
# Loads run interleaved, one of each per round, each into an emptied table after a CHECKPOINT:
# a checkpoint or autovacuum that falls in one round then moves every load alike (5 runs of one
# load after another moved ratios by up to 0.3 on this two-core VM).
for ((round = 1; round <= RUNS; round++)); do
  for name in "${LOAD_NAMES[@]}"; do
    SAMPLES[$name]+=" $(q -c "SELECT round(bench(\$q\$${L_SQL[$name]}\$q\$, 1, \$q\$TRUNCATE ${L_TARGET[$name]}; CHECKPOINT\$q\$)::numeric, 1)")"
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for name in "${LOAD_NAMES[@]}"; do LOAD[$name]=$(median "${SAMPLES[$name]}"); done
for target in load_text load_bytea load_enc; do
  echo "bench: load into $target: insert ${LOAD[insert_$target]} ms, copy ${LOAD[copy_$target]} ms"
done
q -c "TRUNCATE load_text, load_bytea, load_enc, load_envb; INSERT INTO load_text SELECT id, s FROM src; INSERT INTO load_enc SELECT id, s FROM src;
      INSERT INTO load_bytea SELECT id, b FROM src_pair; INSERT INTO load_envb SELECT id, e FROM src_pair;
      ALTER TABLE load_text ADD PRIMARY KEY (id); ALTER TABLE load_enc ADD PRIMARY KEY (id)" >/dev/null
q -c "VACUUM ANALYZE load_text, load_enc, load_bytea, load_envb" >/dev/null
LOAD[scan_text]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v)) FROM load_text\$q\$, $RUNS)::numeric, 1)")
LOAD[scan_enc]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v::text)) FROM load_enc\$q\$, $RUNS)::numeric, 1)")
LOAD[r_plain]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v)) FROM load_bytea\$q\$, $RUNS)::numeric, 1)")
LOAD[r_env]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v)) FROM load_envb\$q\$, $RUNS)::numeric, 1)")
echo "bench: floors: write 65-byte bytea ${LOAD[w_plain]} ms, envelopes ${LOAD[w_env]} ms; read ${LOAD[r_plain]} and ${LOAD[r_env]} ms"
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
  [scan_small]="SELECT sum(length(v)) FROM plain_small"
  [enc_pgp]="SELECT sum(length(pgp_sym_encrypt_bytea(v, 'bench passphrase'))) FROM plain_small"
  [scan_pgp]="SELECT sum(length(c)) FROM sealed_pgp"
  [dec_pgp]="SELECT sum(length(pgp_sym_decrypt_bytea(c, 'bench passphrase'))) FROM sealed_pgp"
)
declare -A MS
NAMES="scan_plain enc_colcrypt enc_pgcrypto scan_cc dec_colcrypt scan_pgc dec_pgcrypto enc_server scan_srv dec_server scan_small enc_pgp scan_pgp dec_pgp"
for name in $NAMES; do
  MS[$name]=$(q -c "SELECT round(bench(\$q\$${SQL[$name]}\$q\$, $RUNS)::numeric, 1)")
  echo "bench: $name ${MS[$name]} ms"
done

# Scenario 1: the core alone (Rust harness), ns per value.
CORE="$(cargo run -q --release -p colcrypt-core --example seal_bench "${CORE_ITERATIONS:-200000}")"
# The same harness on the pure-Rust backend (feature rustcrypto), and the three AES-GCM backends
# side by side (bench/aead-compare): the measurement the default backend was chosen by.
CORE_RC="$(cargo run -q --release -p colcrypt-core --no-default-features --features rustcrypto --example seal_bench "${CORE_ITERATIONS:-200000}")"
AEADS="$(cargo run -q --release -p colcrypt-aead-compare "${CORE_ITERATIONS:-200000}")"
echo "bench: core harness done"

# Scenario 6: large values through the transparent type.
N64=$(( ROWS / 2000 > 20 ? ROWS / 2000 : 20 )); N1M=$(( ROWS / 50000 > 5 ? ROWS / 50000 : 5 ))
q -c "CREATE TABLE big_text (v text); CREATE TABLE big_enc (v colcrypt.encrypted_text(bench))" >/dev/null
for spec in "64k:2048:$N64" "1m:32768:$N1M"; do
  IFS=: read -r label reps n <<<"$spec"
  for t in big_text big_enc; do
    LOAD[ins_${label}_$t]=$(q -c "SELECT round(bench_load('$t', \$q\$INSERT INTO $t SELECT repeat(md5(i::text), $reps) FROM generate_series(1, $n) i\$q\$, $RUNS)::numeric, 1)")
  done
  LOAD[read_${label}_big_text]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v)) FROM big_text\$q\$, $RUNS)::numeric, 1)")
  LOAD[read_${label}_big_enc]=$(q -c "SELECT round(bench(\$q\$SELECT sum(length(v::text)) FROM big_enc\$q\$, $RUNS)::numeric, 1)")
  q -c "DROP TABLE IF EXISTS big_envb; CREATE TABLE big_envb AS SELECT colcrypt.envelope(v) AS v FROM big_enc" >/dev/null
  LOAD[read_${label}_big_envb]=$(q -c "SELECT round(bench(\$q\$SELECT sum(get_byte(v, 0)) FROM big_envb\$q\$, $RUNS)::numeric, 1)")
  LOAD[n_$label]=$n
done
echo "bench: large values done"

# Scenario 9: 8 KiB JSON documents (issue 16): load by INSERT … SELECT and a scan that reads a
# field of every document, jsonb against encrypted_jsonb.
NDOC=$(( ROWS / 100 > 1000 ? ROWS / 100 : 1000 ))
q -c "CREATE TABLE doc_src AS SELECT i AS id, (SELECT jsonb_object_agg('k' || j, md5((i * 97 + j)::text)) FROM generate_series(1, 150) j) AS d FROM generate_series(1, $NDOC) i;
      CREATE TABLE doc_plain (id int, d jsonb); CREATE TABLE doc_enc (id int, d colcrypt.encrypted_jsonb(bench))" >/dev/null
LOAD[doc_bytes]=$(q -c "SELECT round(avg(length(d::text))) FROM doc_src")
LOAD[doc_n]=$NDOC
LOAD[doc_load_plain]=$(q -c "SELECT round(bench_load('doc_plain', \$q\$INSERT INTO doc_plain SELECT id, d FROM doc_src\$q\$, $RUNS)::numeric, 1)")
LOAD[doc_load_enc]=$(q -c "SELECT round(bench_load('doc_enc', \$q\$INSERT INTO doc_enc SELECT id, d FROM doc_src\$q\$, $RUNS)::numeric, 1)")
LOAD[doc_scan_plain]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM doc_plain WHERE d->>'k7' LIKE 'a%'\$q\$, $RUNS)::numeric, 1)")
LOAD[doc_scan_enc]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM doc_enc WHERE d::jsonb->>'k7' LIKE 'a%'\$q\$, $RUNS)::numeric, 1)")
# The floor of that scan: the same envelopes read as bytea (stored as encrypted_jsonb stores
# them: out of line, uncompressed) instead of the jsonb documents (detoasted), plus one open each.
q -c "CREATE TABLE doc_envb (id int, d bytea); ALTER TABLE doc_envb ALTER d SET STORAGE EXTERNAL;
      INSERT INTO doc_envb SELECT id, colcrypt.envelope(d) FROM doc_enc" >/dev/null; q -c "VACUUM ANALYZE doc_envb" >/dev/null
LOAD[doc_read_envb]=$(q -c "SELECT round(bench(\$q\$SELECT sum(get_byte(d, 0)) FROM doc_envb\$q\$, $RUNS)::numeric, 1)")
LOAD[doc_read_plain]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM doc_plain WHERE jsonb_typeof(d) = 'object'\$q\$, $RUNS)::numeric, 1)")
# What reading a document cost while it was sealed as JSON text (before 0.2.0's binary form):
# parsing the same text into jsonb, without decryption.
q -c "CREATE TABLE doc_txt AS SELECT id, d::text AS d FROM doc_src" >/dev/null; q -c "VACUUM ANALYZE doc_txt" >/dev/null
LOAD[doc_scan_parse]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM doc_txt WHERE d::jsonb->>'k7' LIKE 'a%'\$q\$, $RUNS)::numeric, 1)")
echo "bench: documents done"

# Scenario 10: equality join of two ROWS-row tables on a searchable column (blind index, hash
# join, no decryption) against the same join on text.
q -c "CREATE TABLE join_a_text AS SELECT id, s FROM src; CREATE TABLE join_b_text AS SELECT id, s FROM src ORDER BY md5(s);
      CREATE TABLE join_a_enc (id int, s colcrypt.encrypted_text(bench, searchable)); INSERT INTO join_a_enc SELECT id, s FROM src;
      CREATE TABLE join_b_enc (id int, s colcrypt.encrypted_text(bench, searchable)); INSERT INTO join_b_enc SELECT id, s FROM join_b_text" >/dev/null
q -c "VACUUM ANALYZE join_a_text, join_b_text, join_a_enc, join_b_enc" >/dev/null
LOAD[join_text]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM join_a_text a JOIN join_b_text b ON a.s = b.s\$q\$, $RUNS)::numeric, 1)")
LOAD[join_enc]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM join_a_enc a JOIN join_b_enc b ON a.s = b.s\$q\$, $RUNS)::numeric, 1)")
LOAD[join_plan]=$(q -c "EXPLAIN (COSTS OFF) SELECT count(*) FROM join_a_enc a JOIN join_b_enc b ON a.s = b.s" | grep -oE "Hash Join|Merge Join|Nested Loop" | head -n 1)
# A list of three literals over the same table without an index: each row is compared with
# each literal, whose blind index is computed once (src/index_cache.rs).
LIST=$(q -c "SELECT string_agg(quote_literal(s), ', ') FROM src WHERE id <= 3")
LOAD[list_text]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM join_a_text WHERE s IN ($LIST)\$q\$, $RUNS)::numeric, 1)")
LOAD[list_enc]=$(q -c "SELECT round(bench(\$q\$SELECT count(*) FROM join_a_enc WHERE s IN ($LIST)\$q\$, $RUNS)::numeric, 1)")
echo "bench: join done"

# Scenario 7: storage per row (after VACUUM), the same 64-character values.
q -c "TRUNCATE load_text, load_bytea, load_enc; INSERT INTO load_text SELECT id, s FROM src; INSERT INTO load_bytea SELECT id, convert_to(s, 'UTF8') FROM src; INSERT INTO load_enc SELECT id, s FROM src" >/dev/null
q -c "VACUUM ANALYZE load_text, load_bytea, load_enc" >/dev/null
for t in load_text load_bytea load_enc; do
  LOAD[rowbytes_$t]=$(q -c "SELECT round(pg_table_size('$t')::numeric / $ROWS, 1)")
  LOAD[colbytes_$t]=$(q -c "SELECT round(avg(pg_column_size(v)), 1) FROM $t")
done
q -c "CREATE TABLE load_enc_s (id int PRIMARY KEY, v colcrypt.encrypted_text(bench, searchable)); INSERT INTO load_enc_s SELECT id, s FROM src" >/dev/null
LOAD[colbytes_load_enc_s]=$(q -c "SELECT round(avg(pg_column_size(v)), 1) FROM load_enc_s")

# Scenario 5: pgbench, one run, weighted scripts, per-script mean latency; the plain SELECT
# script appears twice (A/A control).
printf '\\set id random(1, %s)\nUPDATE load_text SET v = md5(random()::text) || md5(random()::text) WHERE id = :id;\n' "$ROWS" >"$RUN/upd_text.sql"
printf '\\set id random(1, %s)\nUPDATE load_enc SET v = md5(random()::text) || md5(random()::text) WHERE id = :id;\n' "$ROWS" >"$RUN/upd_enc.sql"
cp "$RUN/pk_text.sql" "$RUN/pk_text_aa.sql"
q -c "ALTER TABLE load_text ADD PRIMARY KEY (id)" >/dev/null 2>&1 || true
q -c "ALTER TABLE load_enc ADD PRIMARY KEY (id)" >/dev/null 2>&1 || true
chmod 644 "$RUN"/*.sql
mkdir -p "$RUN/io/pgb"; chown postgres "$RUN/io/pgb"
as_postgres pgbench -n -M prepared -c 2 -j 2 -T "${PGBENCH_SECONDS:-10}" --log --log-prefix="$RUN/io/pgb/log" \
  -f "$RUN/pk_text.sql@1" -f "$RUN/pk_enc.sql@1" -f "$RUN/upd_text.sql@1" -f "$RUN/upd_enc.sql@1" -f "$RUN/pk_text_aa.sql@1" \
  -h "$RUN/cluster/socket" -p "${COLCRYPT_BENCH_PORT:-55435}" -U postgres postgres >/dev/null 2>&1
# Per-transaction log lines: client, transaction, latency (µs), script number, ... -> mean per script.
mapfile -t LAT < <(cat "$RUN"/io/pgb/log* | awk '{ n[$4]++; s[$4] += $3 } END { for (k = 0; k < 5; k++) printf "%.2f\n", s[k] / n[k] }')
echo "bench: pgbench per-script latency ${LAT[*]}"

# Scenario 8: two clients against one on the decrypting SELECT (two cores: no shared lock means ~2x).
tps_c() { as_postgres pgbench -n -M prepared -c "$2" -j "$2" -T "${PGBENCH_SECONDS:-10}" -f "$1" -h "$RUN/cluster/socket" -p "${COLCRYPT_BENCH_PORT:-55435}" -U postgres postgres 2>/dev/null | sed -nE 's/^tps = ([0-9.]+).*/\1/p'; }
LOAD[c1_enc]=$(tps_c "$RUN/pk_enc.sql" 1); LOAD[c2_enc]=$(tps_c "$RUN/pk_enc.sql" 2)
LOAD[c1_text]=$(tps_c "$RUN/pk_text.sql" 1); LOAD[c2_text]=$(tps_c "$RUN/pk_text.sql" 2)
SPREADS="$(q -F '|' -c "SELECT sql, round(min_ms::numeric, 1), round(max_ms::numeric, 1) FROM bench_spread")"
spread() { awk -F'|' -v s="$1" '$1 == s { printf "%s–%s", $2, $3; exit }' <<<"$SPREADS"; }

ns() { python3 -c "print(round(($1 - $2) * 1e6 / $ROWS))"; }
ratio() { python3 -c "print(round($1 / $2, 1))"; }
enc_cc=$(ns "${MS[enc_colcrypt]}" "${MS[scan_plain]}"); enc_pg=$(ns "${MS[enc_pgcrypto]}" "${MS[scan_plain]}")
dec_cc=$(ns "${MS[dec_colcrypt]}" "${MS[scan_cc]}"); dec_pg=$(ns "${MS[dec_pgcrypto]}" "${MS[scan_pgc]}")
enc_srv=$(ns "${MS[enc_server]}" "${MS[scan_plain]}"); dec_srv=$(ns "${MS[dec_server]}" "${MS[scan_srv]}")
nsr() { python3 -c "print(round(($1 - $2) * 1e6 / ($3)))"; }
SMALL=$(q -c "SELECT count(*) FROM plain_small")
enc_pgp=$(nsr "${MS[enc_pgp]}" "${MS[scan_small]}" "$SMALL"); dec_pgp=$(nsr "${MS[dec_pgp]}" "${MS[scan_pgp]}" "$SMALL")
r() { python3 -c "print(f'{($1) / ($2):.2f}')"; }
pct() { python3 -c "print(f'{($1 / $2 - 1) * 100:+.1f} %')"; }
core64() { awk -v s="$1" -v c="$2" '$1 == s && $2 == 64 { print $c }' <<<"$CORE"; }
met() { python3 -c "print('met' if $1 else 'not met')"; }
ins_ratio=$(r "${LOAD[insert_load_enc]}" "${LOAD[insert_load_bytea]}"); copy_ratio=$(r "${LOAD[copy_load_enc]}" "${LOAD[copy_load_bytea]}")
sel_ratio=$(r "${LAT[1]}" "${LAT[0]}"); upd_ratio=$(r "${LAT[3]}" "${LAT[2]}"); aa=$(pct "${LAT[4]}" "${LAT[0]}")
overhead=$(python3 -c "print(round(${LOAD[colbytes_load_enc]} - ${LOAD[colbytes_load_text]}, 1))")
# Floors and the core goals (see the Goals text in the output).
core() { awk -v s="$1" -v z="$2" -v c="$3" '$1 == s && $2 == z { print $c }' <<<"$4"; }
seal64=$(core 2 64 3 "$CORE"); open64=$(core 2 64 6 "$CORE"); open8k=$(core 2 8192 6 "$CORE"); open64k=$(core 2 65536 6 "$CORE")
x8k_seal=$(r "$(core 2 8192 3 "$CORE_RC")" "$(core 2 8192 3 "$CORE")"); x8k_open=$(r "$(core 2 8192 6 "$CORE_RC")" "$open8k")
x64_seal=$(r "$seal64" "$(core 2 64 3 "$CORE_RC")"); x64_open=$(r "$open64" "$(core 2 64 6 "$CORE_RC")")
wdelta="(${LOAD[w_env]} - ${LOAD[w_plain]})"
ins_floor=$(r "${LOAD[insert_load_bytea]} + $wdelta + $ROWS * $seal64 / 1e6" "${LOAD[insert_load_bytea]}")
copy_floor=$(r "${LOAD[copy_load_bytea]} + $wdelta + $ROWS * $seal64 / 1e6" "${LOAD[copy_load_bytea]}")
scan_ratio=$(r "${LOAD[scan_enc]}" "${LOAD[scan_text]}"); scan_floor=$(r "${LOAD[scan_text]} + ${LOAD[r_env]} - ${LOAD[r_plain]} + $ROWS * $open64 / 1e6" "${LOAD[scan_text]}")
sel_floor=$(r "${LAT[0]} + $open64 / 1e3" "${LAT[0]}"); upd_floor=$(r "${LAT[2]} + $seal64 / 1e3" "${LAT[2]}")
big_ratio=$(r "${LOAD[read_64k_big_enc]}" "${LOAD[read_64k_big_text]}")
big_floor=$(r "${LOAD[read_64k_big_envb]} + ${LOAD[n_64k]} * $open64k / 1e6" "${LOAD[read_64k_big_text]}")
doc_load_ratio=$(r "${LOAD[doc_load_enc]}" "${LOAD[doc_load_plain]}"); doc_scan_ratio=$(r "${LOAD[doc_scan_enc]}" "${LOAD[doc_scan_plain]}")
doc_floor=$(r "${LOAD[doc_scan_plain]} + ${LOAD[doc_read_envb]} - ${LOAD[doc_read_plain]} + ${LOAD[doc_n]} * $open8k / 1e6" "${LOAD[doc_scan_plain]}")
out="$ROOT/bench/results/latest.md"
{
  echo "# colcrypt benchmark"
  echo
  echo "$(date -u +%F): $ROWS rows, median of $RUNS runs each (spread: min–max of those runs), one cluster, release build,"
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), PostgreSQL $(pg_config --version | awk '{print $2}'). Produced by \`make bench\`."
  echo
  echo "![ratios](latest.svg)"
  echo
  echo "## Goals"
  echo
  echo "The goals of issue 16, as ratios in this run. **Floor**: the ratio if colcrypt's own code cost"
  echo "nothing beyond the AEAD (scenario 1's core seal/open per value, suite 2) and the envelope's bytes:"
  echo "the same envelopes written and read as plain \`bytea\` by the same queries (the pgbench floors count"
  echo "the AEAD only). A goal below its floor cannot be met with this envelope and this AEAD."
  echo
  echo "| goal | measured | floor | |"
  echo "|---|---|---|---|"
  echo "| INSERT … SELECT into encrypted_text ≤ 1.30× bytea | ${ins_ratio}× | ${ins_floor}× | $(met "$ins_ratio <= 1.30") |"
  echo "| COPY into encrypted_text ≤ 1.40× bytea | ${copy_ratio}× | ${copy_floor}× | $(met "$copy_ratio <= 1.40") |"
  echo "| full decrypting scan ≤ 2.0× text | ${scan_ratio}× | ${scan_floor}× | $(met "$scan_ratio <= 2.0") |"
  echo "| pgbench primary-key SELECT (decrypt) ≤ 1.05× plain | ${sel_ratio}× | ${sel_floor}× | $(met "$sel_ratio <= 1.05") |"
  echo "| pgbench UPDATE (encrypt) ≤ 1.05× plain | ${upd_ratio}× | ${upd_floor}× | $(met "$upd_ratio <= 1.05") |"
  echo "| A/A control (same script twice) within ±2 % | $aa | | $(met "abs(${LAT[4]} / ${LAT[0]} - 1) <= 0.02") |"
  echo "| seal / open of 8 KiB ≥ 5× faster than the aes-gcm backend (issue's starting point) | ${x8k_seal}× / ${x8k_open}× | | $(met "$x8k_seal >= 5 and $x8k_open >= 5") |"
  echo "| 64-byte seal / open ≤ half the aes-gcm backend's | ${x64_seal} / ${x64_open} of it | | $(met "$x64_seal <= 0.5 and $x64_open <= 0.5") |"
  echo "| reading ${LOAD[n_64k]} × 64 KiB values ≤ 1.3× text | ${big_ratio}× | ${big_floor}× | $(met "$big_ratio <= 1.3") |"
  echo "| 8 KiB encrypted_jsonb load ≤ 1.3× jsonb | ${doc_load_ratio}× | | $(met "$doc_load_ratio <= 1.3") |"
  echo "| 8 KiB encrypted_jsonb scan reading one field ≤ 1.5× jsonb | ${doc_scan_ratio}× | ${doc_floor}× | $(met "$doc_scan_ratio <= 1.5") |"
  echo "| added cost ≤ 350 ns per 64-byte value | $enc_cc ns | | $(met "$enc_cc <= 350") |"
  echo "| ≥ 3× less than pgcrypto encrypt() | $(r "$enc_pg" "$enc_cc")× | | $(met "$enc_pg / $enc_cc >= 3") |"
  echo "| ≥ 10× less than pgp_sym_encrypt | $(r "$enc_pgp" "$enc_cc")× | | $(met "$enc_pgp / $enc_cc >= 10") |"
  echo "| storage overhead ≤ envelope header + nonce + tag (80 bytes, suite 2) + 3 bytes of longer varlena header | $overhead bytes | | $(met "$overhead <= 83") |"
  echo
  echo "Parameterized INSERT and searchable lookup (pgbench \`-M prepared\`, 1 client, ≤ 1.05× \`text\`):"
  echo "\`bench/driver_params.sh\`, run by \`make bench\` after this, writes bench/results/driver_params.md."
  echo
  echo "The pgbench rows counted in instructions instead of timed (callgrind; the same count on every run):"
  echo "\`bench/statement_cost.sh\`, run by \`make bench\` after this, writes bench/results/statement_cost.md."
  echo
  echo "## 1. Core seal/open, ns per value (Rust harness, no PostgreSQL)"
  echo
  echo "Thread CPU time per value; \`$(head -n 1 <<<"$CORE")\` is the default build, the last two columns the"
  echo "pure-Rust backend (\`--features rustcrypto\`) in the same run."
  echo
  echo "| suite | size | seal median (min–max) | open median (min–max) | rustcrypto seal | rustcrypto open |"
  echo "|---|---|---|---|---|---|"
  paste -d' ' <(tail -n +2 <<<"$CORE") <(tail -n +2 <<<"$CORE_RC" | awk '{print $3, $6}') |
    while read -r suite size sm smin smax om omin omax rs ro; do
      echo "| $suite | $size B | $sm ($smin–$smax) | $om ($omin–$omax) | $rs | $ro |"
    done
  echo
  sed 's/^# /### /' <<<"$AEADS"
  echo
  echo "## 2. SQL functions: added cost per 64-byte value"
  echo
  echo "Added cost = (query with the function − the same scan without it) / rows. pgp_sym_encrypt on a tenth of the rows."
  echo
  echo "| operation | colcrypt ns | pgcrypto encrypt() ns | pgp_sym ns | colcrypt ms (spread) | pgcrypto ms (spread) |"
  echo "|---|---|---|---|---|---|"
  echo "| encrypt | $enc_cc | $enc_pg | $enc_pgp | ${MS[enc_colcrypt]} ($(spread "${SQL[enc_colcrypt]}")) | ${MS[enc_pgcrypto]} ($(spread "${SQL[enc_pgcrypto]}")) |"
  echo "| decrypt | $dec_cc | $dec_pg | $dec_pgp | ${MS[dec_colcrypt]} ($(spread "${SQL[dec_colcrypt]}")) | ${MS[dec_pgcrypto]} ($(spread "${SQL[dec_pgcrypto]}")) |"
  echo "| server_encrypt / server_decrypt (managed key) | $enc_srv / $dec_srv | | | ${MS[enc_server]} / ${MS[dec_server]} | |"
  echo
  echo "## 3–4. Transparent type \`encrypted_text\`: load and full scan ($ROWS rows of 64-character text)"
  echo
  echo "| operation | text ms | bytea ms | encrypted_text ms | ÷ text | ÷ bytea |"
  echo "|---|---|---|---|---|---|"
  echo "| INSERT … SELECT | ${LOAD[insert_load_text]} | ${LOAD[insert_load_bytea]} | ${LOAD[insert_load_enc]} | $(r "${LOAD[insert_load_enc]}" "${LOAD[insert_load_text]}") | $ins_ratio |"
  echo "| COPY FROM | ${LOAD[copy_load_text]} | ${LOAD[copy_load_bytea]} | ${LOAD[copy_load_enc]} | $(r "${LOAD[copy_load_enc]}" "${LOAD[copy_load_text]}") | $copy_ratio |"
  echo "| full scan reading every value | ${LOAD[scan_text]} | | ${LOAD[scan_enc]} | $(r "${LOAD[scan_enc]}" "${LOAD[scan_text]}") | |"
  echo
  echo "Floor inputs: writing the same envelopes as bytea by INSERT … SELECT ${LOAD[w_env]} ms against ${LOAD[w_plain]} ms"
  echo "for the 64-byte plaintexts as bytea (from one source table holding both); reading them ${LOAD[r_env]} ms"
  echo "against ${LOAD[r_plain]} ms (\`sum(length(v))\`). The scan's floor is the text scan plus that difference plus"
  echo "one core open per value."
  echo
  echo "## 5. pgbench, one run, five weighted scripts, 2 clients, per-script mean latency (µs, from the transaction logs)"
  echo
  echo "| script | plain | encrypted_text | ratio |"
  echo "|---|---|---|---|"
  echo "| primary-key SELECT (decrypt) | ${LAT[0]} | ${LAT[1]} | $sel_ratio |"
  echo "| UPDATE (encrypt) | ${LAT[2]} | ${LAT[3]} | $upd_ratio |"
  echo "| A/A: the plain SELECT script again | ${LAT[4]} | | $aa |"
  echo
  echo "## 6. Large values through encrypted_text (ms)"
  echo
  echo "| values | INSERT text | INSERT encrypted | read text | read encrypted |"
  echo "|---|---|---|---|---|"
  echo "| ${LOAD[n_64k]} × 64 KiB | ${LOAD[ins_64k_big_text]} | ${LOAD[ins_64k_big_enc]} | ${LOAD[read_64k_big_text]} | ${LOAD[read_64k_big_enc]} |"
  echo "| ${LOAD[n_1m]} × 1 MiB | ${LOAD[ins_1m_big_text]} | ${LOAD[ins_1m_big_enc]} | ${LOAD[read_1m_big_text]} | ${LOAD[read_1m_big_enc]} |"
  echo
  echo "Reading the same envelopes as bytea, detoasted (\`get_byte(v, 0)\`; the floor's input; the text values compress, the envelopes do not):"
  echo "${LOAD[read_64k_big_envb]} ms for the 64 KiB ones, ${LOAD[read_1m_big_envb]} ms for the 1 MiB ones."
  echo
  echo "## 7. Storage per row (64-character values, after VACUUM)"
  echo
  echo "| column | avg pg_column_size | table bytes per row |"
  echo "|---|---|---|"
  echo "| text | ${LOAD[colbytes_load_text]} | ${LOAD[rowbytes_load_text]} |"
  echo "| bytea | ${LOAD[colbytes_load_bytea]} | ${LOAD[rowbytes_load_bytea]} |"
  echo "| encrypted_text | ${LOAD[colbytes_load_enc]} | ${LOAD[rowbytes_load_enc]} |"
  echo "| encrypted_text (searchable) | ${LOAD[colbytes_load_enc_s]} | |"
  echo
  echo "## 8. Two clients against one (primary-key SELECT, tps)"
  echo
  echo "| script | 1 client | 2 clients | scaling |"
  echo "|---|---|---|---|"
  echo "| plain | ${LOAD[c1_text]} | ${LOAD[c2_text]} | $(r "${LOAD[c2_text]}" "${LOAD[c1_text]}") |"
  echo "| encrypted_text | ${LOAD[c1_enc]} | ${LOAD[c2_enc]} | $(r "${LOAD[c2_enc]}" "${LOAD[c1_enc]}") |"
  echo
  echo "## 9. 8 KiB JSON documents (${LOAD[doc_n]} documents of ${LOAD[doc_bytes]} bytes as text, ms)"
  echo
  echo "| operation | jsonb | encrypted_jsonb | ratio | goal |"
  echo "|---|---|---|---|---|"
  echo "| INSERT … SELECT | ${LOAD[doc_load_plain]} | ${LOAD[doc_load_enc]} | $(r "${LOAD[doc_load_enc]}" "${LOAD[doc_load_plain]}") | ≤ 1.3 |"
  echo "| scan reading one field of each | ${LOAD[doc_scan_plain]} | ${LOAD[doc_scan_enc]} | $(r "${LOAD[doc_scan_enc]}" "${LOAD[doc_scan_plain]}") | ≤ 1.5 |"
  echo
  echo "Reading the documents' envelopes as \`bytea\` (detoasted): ${LOAD[doc_read_envb]} ms; the \`jsonb\` documents"
  echo "(detoasted): ${LOAD[doc_read_plain]} ms. Parsing the same documents from a \`text\` column (\`d::jsonb->>'k7'\`, no"
  echo "decryption), what every read cost while documents were sealed as JSON text: ${LOAD[doc_scan_parse]} ms."
  echo
  echo "## 10. Equality join of two $ROWS-row tables, and a list lookup in one (ms)"
  echo
  echo "| condition | text | encrypted_text(searchable) | ratio | plan |"
  echo "|---|---|---|---|---|"
  echo "| \`a.s = b.s\` | ${LOAD[join_text]} | ${LOAD[join_enc]} | $(r "${LOAD[join_enc]}" "${LOAD[join_text]}") | ${LOAD[join_plan]} |"
  echo "| \`s IN ('…', '…', '…')\` (one table, no index) | ${LOAD[list_text]} | ${LOAD[list_enc]} | $(r "${LOAD[list_enc]}" "${LOAD[list_text]}") | Seq Scan |"
  echo
  echo "## Client-side"
  echo
  echo "\`colcrypt csv-encrypt\` sealed one 64-character column of a $ROWS-row CSV in ${LOAD[cli_ms]} ms"
  echo "($(python3 -c "print(round($ROWS / max(${LOAD[cli_ms]}, 1) * 1000))") rows/s, one process); the same file through COPY into an encrypted_text column"
  echo "took ${LOAD[copy_csv_enc]} ms ($(python3 -c "print(round($ROWS / max(${LOAD[copy_csv_enc]}, 1) * 1000))") rows/s) server-side."
  echo
  echo "pgcrypto's \`encrypt(data, key, 'aes')\` is AES-CBC with no IV and no authentication; colcrypt is"
  echo "AES-256-GCM with a random nonce and a key commitment. Queries:"
  echo
  for name in $NAMES; do echo "- $name: \`${SQL[$name]}\`"; done
} >"$out"
python3 "$ROOT/bench/chart.py" "$ROOT/bench/results/latest.svg" \
  "INSERT … SELECT ÷ bytea=$ins_ratio" "COPY ÷ bytea=$copy_ratio" "full scan ÷ text=$scan_ratio" \
  "pgbench SELECT ÷ plain=$sel_ratio" "pgbench UPDATE ÷ plain=$upd_ratio" \
  "pgcrypto encrypt() ÷ colcrypt=$(r "$enc_pg" "$enc_cc")" "pgp_sym_encrypt ÷ colcrypt=$(r "$enc_pgp" "$enc_cc")"
cat "$out"
