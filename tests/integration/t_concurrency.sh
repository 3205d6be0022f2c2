# Concurrency and resource use: 8 pgbench clients for 60 s mixing inserts, updates and reads of
# encrypted columns and client-key calls, checked against a plaintext shadow table; nonces from
# many fresh backends at once and from parallel workers never repeat; parallel query gives the
# serial result; 100,000 failing decrypts do not grow a backend's memory.
set -euo pipefail
C="$RUN/conc"
keyed_cluster "$C" 55459 "max_connections = 40" "max_worker_processes = 8" "max_parallel_workers = 4"
q() { sql "$C" postgres "$1"; }
KEY=4242424242424242424242424242424242424242424242424242424242424242
q "SELECT colcrypt.create_key('pii')" >/dev/null

# --- 8 clients, 60 seconds, every change mirrored in a plaintext shadow table ----------------
q "CREATE TABLE acct (id bigint PRIMARY KEY, v colcrypt.encrypted_text(pii), n colcrypt.encrypted_int8(pii), c bytea)"
q "CREATE TABLE shadow (id bigint PRIMARY KEY, v text, n int8, c text)"
q "CREATE SEQUENCE ids START 1000001"
q "WITH a AS (INSERT INTO acct SELECT i, 'start ' || i, i, colcrypt.encrypt_text('c' || i, '\\x$KEY') FROM generate_series(1, 5000) i RETURNING id)
   INSERT INTO shadow SELECT id, 'start ' || id, id, 'c' || id FROM a" >/dev/null
B="$RUN/conc.pgbench"; mkdir -p "$B"
cat >"$B/insert.sql" <<SQL
\\set r random(1, 1000000000)
WITH a AS (INSERT INTO acct VALUES (nextval('ids'), 'ins ' || :r, :r, colcrypt.encrypt_text('c' || :r, '\\x$KEY')) RETURNING id)
INSERT INTO shadow SELECT id, 'ins ' || :r, :r, 'c' || :r FROM a;
SQL
cat >"$B/update.sql" <<SQL
\\set id random(1, 5000)
\\set r random(1, 1000000000)
BEGIN;
UPDATE acct SET v = 'upd ' || :r, n = :r, c = colcrypt.encrypt_text('c' || :r, '\\x$KEY') WHERE id = :id;
UPDATE shadow SET v = 'upd ' || :r, n = :r, c = 'c' || :r WHERE id = :id;
COMMIT;
SQL
# Reads compare with the shadow inside the same snapshot; a mismatch divides by zero (an error).
cat >"$B/read.sql" <<SQL
\\set id random(1, 5000)
SELECT 1 / (a.v::text = s.v AND a.n::int8 = s.n AND colcrypt.decrypt_text(a.c, '\\x$KEY') = s.c)::int
  FROM acct a JOIN shadow s USING (id) WHERE id = :id;
SQL
cat >"$B/client_key.sql" <<SQL
\\set r random(1, 1000000000)
SELECT 1 / (colcrypt.decrypt_text(colcrypt.encrypt_text('k' || :r, '\\x$KEY'), '\\x$KEY') = 'k' || :r)::int;
SQL
chown -R postgres "$B"; chmod 644 "$B"/*.sql
secs="${COLCRYPT_SOAK_SECONDS:-60}"
if ! as_postgres pgbench -n -c 8 -j 2 -T "$secs" -h "$C/socket" -p 55459 -U postgres \
    -f "$B/insert.sql@2" -f "$B/update.sql@4" -f "$B/read.sql@3" -f "$B/client_key.sql@1" postgres >"$B/out" 2>&1; then
  echo "pgbench failed:"; cat "$B/out"; exit 1
fi
grep -E "^(number of transactions actually processed|tps)" "$B/out"
if grep -Ei "error|aborted" "$B/out"; then echo "pgbench reported errors"; exit 1; fi
processed=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$B/out")
[ "$processed" -gt 1000 ] || { echo "only $processed transactions in ${secs}s"; exit 1; }
assert_eq "row counts match the shadow" "$(q "SELECT count(*) FROM shadow")" "$(q "SELECT count(*) FROM acct")"
assert_eq "checksums of decrypted values match the shadow" \
  "$(q "SELECT md5(string_agg(id || ':' || v || ':' || n || ':' || c, ',' ORDER BY id)) FROM shadow")" \
  "$(q "SELECT md5(string_agg(id || ':' || v::text || ':' || n::int8 || ':' || colcrypt.decrypt_text(c, '\\x$KEY'), ',' ORDER BY id)) FROM acct")"
# Stored envelopes read back as hex under colcrypt.ciphertext_io: nonces at bytes 52..64 (suite 2).
assert_eq "no nonce repeats among the 8 clients' stored values" "$(q "SELECT count(*) * 2 FROM acct")" \
  "$(cluster_psql "$C" -d postgres -Atq -c "SET colcrypt.ciphertext_io = on" -c "SELECT count(DISTINCT substr(decode(substr(x, 3), 'hex'), 53, 12)) FROM (SELECT v::text AS x FROM acct UNION ALL SELECT n::text FROM acct) e")"

# --- nonces from many fresh backends at once (server-managed key, suite 2) ---------------------
q "CREATE TABLE nonces (pid int, e bytea)"
printf "INSERT INTO nonces SELECT pg_backend_pid(), colcrypt.server_encrypt('pii', 'x') FROM generate_series(1, 20);\n" >"$B/fresh.sql"; chmod 644 "$B/fresh.sql"
as_postgres pgbench -n -C -c 8 -j 2 -t 250 -h "$C/socket" -p 55459 -U postgres -f "$B/fresh.sql" postgres >"$B/fresh.out" 2>&1 \
  || { cat "$B/fresh.out"; exit 1; }
assert_eq "envelopes from 2,000 fresh connections" 40000 "$(q "SELECT count(*) FROM nonces")"
assert_eq "no nonce repeats across backends" 40000 "$(q "SELECT count(DISTINCT substr(e, 53, 12)) FROM nonces")"
# Every connection draws a salt, and may draw another if its key cache is reset (a shared
# invalidation reset under load does that); no salt is ever drawn by two backends.
salts=$(q "SELECT count(DISTINCT substr(e, 37, 16)) FROM nonces")
[ "$salts" -ge 2000 ] || { echo "only $salts salts for 2,000 connections"; exit 1; }
assert_eq "no salt shared by two backends" 0 "$(q "SELECT count(*) FROM (SELECT substr(e, 37, 16) FROM nonces GROUP BY 1 HAVING count(DISTINCT pid) > 1) s")"

# --- parallel workers: nonces, and the serial result -------------------------------------------
q "CREATE TABLE big AS SELECT i, 'row ' || i AS s FROM generate_series(1, 200000) i"
q "ALTER TABLE big ADD COLUMN e colcrypt.encrypted_text(pii)"
q "UPDATE big SET e = s"
q "VACUUM ANALYZE big"
PAR="SET max_parallel_workers_per_gather = 4; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
sealed="SELECT substr(colcrypt.encrypt(convert_to(s, 'UTF8'), '\\x$KEY'), 37, 12) AS nonce FROM big"
plan=$(cluster_psql "$C" -d postgres -At -c "$PAR EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) SELECT count(DISTINCT nonce) FROM ($sealed) x")
grep -Eq "Workers Launched: [1-9]" <<<"$plan" || { echo "no parallel workers ran:"; echo "$plan"; exit 1; }
# The encryption runs below the Gather, in the workers (and the leader).
awk '/Gather/{g=1} g && /colcrypt.encrypt/{f=1} END{exit !f}' <<<"$plan" || { echo "encrypt did not run in the workers:"; echo "$plan"; exit 1; }
assert_eq "no nonce repeats across parallel workers" 200000 "$(cluster_psql "$C" -d postgres -At -c "$PAR SELECT count(DISTINCT nonce) FROM ($sealed) x" | tail -n 1)"
# Workers scan, decrypt the encrypted column (type output is PARALLEL SAFE) and run the
# client-key functions in their filter; the leader gathers and aggregates.
agg="SELECT count(*), md5(string_agg(i || '|' || e::text, ',' ORDER BY i)) FROM big WHERE e::text LIKE 'row 1%' AND colcrypt.decrypt_text(colcrypt.encrypt_text(s, '\\x$KEY'), '\\x$KEY') = e::text"
serial=$(cluster_psql "$C" -d postgres -Atq -c "SET max_parallel_workers_per_gather = 0" -c "$agg")
parallel=$(cluster_psql "$C" -d postgres -Atq -c "$PAR" -c "$agg")
plan=$(cluster_psql "$C" -d postgres -Atq -c "$PAR" -c "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) $agg")
grep -Eq "Workers Launched: [1-9]" <<<"$plan" || { echo "the parallel run had no workers:"; echo "$plan"; exit 1; }
awk '/Parallel Seq Scan/{p=1} p && /Filter: .*e\)::text ~~/{f=1} END{exit !f}' <<<"$plan" \
  || { echo "the decrypting filter did not run in the workers:"; echo "$plan"; exit 1; }
assert_eq "serial result is what was written" "$(q "SELECT count(*), md5(string_agg(i || '|' || s, ',' ORDER BY i)) FROM big WHERE s LIKE 'row 1%'")" "$serial"
assert_eq "parallel query gives the serial result" "$serial" "$parallel"
echo "parallel = serial: $parallel"
# A role denied the plaintext is denied in the workers too.
q "CREATE ROLE cc_denied; GRANT SELECT ON big TO cc_denied; GRANT colcrypt_key_user TO cc_denied"
q "SELECT colcrypt.deny_plaintext('pii', 'cc_denied')" >/dev/null
expect_error "$C" postgres 42501 "permission denied to read the plaintext" "SET ROLE cc_denied; $PAR SELECT count(*) FROM big WHERE e::text LIKE 'row 1%'"
grep -Eq "Workers Planned: [1-9]" <<<"$(cluster_psql "$C" -d postgres -Atq -c "SET ROLE cc_denied" -c "$PAR" -c "EXPLAIN SELECT count(*) FROM big WHERE e::text LIKE 'row 1%'")" \
  || { echo "the denied query was not planned in parallel"; exit 1; }

# --- memory: 100,000 failing decrypts in one backend ----------------------------------------
/usr/bin/python3 - "$C/socket" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(host=sys.argv[1], port=55459, user="postgres", dbname="postgres")
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT pg_backend_pid()")
pid = cur.fetchone()[0]
def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])
KEY = "\\x" + "42" * 32
WRONG = "\\x" + "43" * 32
# Three ways to fail: a wrong client key, a flipped bit under a server key, a truncated envelope.
loop = """
DO $$
DECLARE good bytea := colcrypt.encrypt_text('secret-1', %(key)s::bytea);
        srv bytea := colcrypt.server_encrypt('pii', 'secret-2');
        bad_srv bytea := set_byte(srv, 70, get_byte(srv, 70) # 1);
BEGIN
  FOR i IN 1..%(n)s LOOP
    BEGIN PERFORM colcrypt.decrypt(good, %(wrong)s::bytea); RAISE 'decrypted with a wrong key'; EXCEPTION WHEN data_exception THEN NULL; END;
    BEGIN PERFORM colcrypt.server_decrypt(bad_srv); RAISE 'opened a tampered value'; EXCEPTION WHEN data_exception THEN NULL; END;
    BEGIN PERFORM colcrypt.decrypt(substr(good, 1, 60), %(key)s::bytea); RAISE 'opened a truncated value'; EXCEPTION WHEN data_exception THEN NULL; END;
  END LOOP;
END $$"""
def run(n):
    cur.execute(loop, {"key": KEY, "wrong": WRONG, "n": n})
run(5000)   # warm-up: caches, plan, allocator high-water mark
before = rss_kb()
run(34000)  # 102,000 failing decrypts
after = rss_kb()
growth = after - before
print(f"memory: backend RSS {before} kB before, {after} kB after 102,000 failing decrypts (+{growth} kB)")
if growth > 2048:
    sys.exit(f"backend memory grew by {growth} kB over 102,000 failing decrypts")
PY
cluster_stop "$C"
