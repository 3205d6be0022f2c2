# A plaintext canary written through every path into encrypted columns is absent, after
# CHECKPOINT, from every file under the data directory (heap, TOAST, WAL) and from a
# ciphertext dump; pg_dump / pg_restore (plain and custom format, -j 2) round-trip every value,
# stored once-encrypted.
set -euo pipefail
K="$RUN/canary-keys/master.key"
C="$RUN/canary"; R="$RUN/canary-restore"
keyed_clusters "$K" "$C" 55448 "$R" 55449
CANARY="cAnArY$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
CONTROL="cOnTrOl$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
q() { sql "$C" app "$1"; }
sql "$C" postgres "CREATE DATABASE app" >/dev/null
q "CREATE EXTENSION colcrypt" >/dev/null
q "SELECT colcrypt.create_key('pii')" >/dev/null
q "CREATE TABLE t (id int PRIMARY KEY, v colcrypt.encrypted_text(pii), j colcrypt.encrypted_jsonb(pii), b colcrypt.encrypted_bytea(pii), d colcrypt.encrypted_text)"
# A searchable column with a UNIQUE index: the index holds blind indexes and envelopes only.
q "CREATE TABLE s (id int, v colcrypt.encrypted_text(pii, searchable) UNIQUE)"
q "INSERT INTO s SELECT i, '$CANARY searchable ' || i FROM generate_series(1, 500) i"
q "INSERT INTO t (id, v) VALUES (1, '$CANARY literal')"
q "PREPARE p(int, text) AS INSERT INTO t (id, v) VALUES (\$1, \$2); EXECUTE p(2, '$CANARY parameter')"
q "INSERT INTO t (id, v) VALUES (3, '$CANARY cast'::colcrypt.encrypted_text(pii))"
q "INSERT INTO t (id, v, j, b, d) SELECT 100 + i, '$CANARY select ' || i, jsonb_build_object('k', '$CANARY json'), convert_to('$CANARY bytes', 'UTF8'), '$CANARY default key' FROM generate_series(1, 200) i"
q "INSERT INTO t (id, v) VALUES (1, '$CANARY upsert') ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v"
q "INSERT INTO t (id, v) VALUES (4, repeat('$CANARY toast ', 100000))"
printf '5\t%s copy\n6\t%s copy again\n' "$CANARY" "$CANARY" | cluster_psql "$C" -d app -c "\\copy t (id, v) FROM STDIN"
# Untyped parameters and literals are sealed under __transient before the cast to the column:
# a parameter of the encrypted type, CREATE TABLE AS from a literal (its rows are written before
# the event trigger gives the column default), and a spilled sort of literals held by a WITH HOLD
# cursor, whose temporary file is searched while it exists.
q "PREPARE pe(int, colcrypt.encrypted_text) AS INSERT INTO t (id, v) VALUES (\$1, \$2); EXECUTE pe(7, '$CANARY untyped parameter')"
q "CREATE TABLE ctas AS SELECT '$CANARY ctas'::colcrypt.encrypted_text AS v FROM generate_series(1, 50)"
spill_dir="$C/data/base/pgsql_tmp"
spill=$(cluster_psql "$C" -d app -Atq <<SQL
SET work_mem = '64kB';
BEGIN;
DECLARE held CURSOR WITH HOLD FOR SELECT '$CANARY spilled'::colcrypt.encrypted_text AS v, g FROM generate_series(1, 20000) g ORDER BY g DESC;
COMMIT;
\! ls $spill_dir | wc -l; if grep -rqa '$CANARY' $spill_dir; then echo canary-in-temp-file; fi
CLOSE held;
SQL
)
[ "$(head -n 1 <<<"$spill")" -ge 1 ] || { echo "the cursor did not spill to a temporary file: $spill"; exit 1; }
if grep -q canary-in-temp-file <<<"$spill"; then echo "canary plaintext in a temporary file"; exit 1; fi
# Positive control: the same search does find plaintext that is stored in the clear.
q "CREATE TABLE control (s text)"; q "INSERT INTO control VALUES ('$CONTROL')"
q "CHECKPOINT"
assert_eq "rows" 207 "$(q "SELECT count(*) FROM t")"
assert_eq "ctas rows under default" 50 "$(q "SELECT count(*) FROM ctas, colcrypt.envelope_info(colcrypt.envelope(v)) e, colcrypt.keys k WHERE k.envelope_key_id = e.key_id AND k.name = 'default' AND v::text = '$CANARY ctas'")"
assert_eq "all decrypt" 207 "$(q "SELECT count(*) FROM t WHERE v::text LIKE '$CANARY%'")"
assert_eq "found through the index" 1 "$(sql "$C" app "SET search_path = public, colcrypt; SET enable_seqscan = off; SELECT id FROM s WHERE v = '$CANARY searchable 1'" | tail -n 1)"
grep -rqa "$CONTROL" "$C/data" || { echo "control plaintext not found on disk: the search is broken"; exit 1; }
if found=$(grep -rla "$CANARY" "$C/data"); then echo "canary plaintext on disk in: $found"; exit 1; fi

# Dumps. Only colcrypt.ciphertext_io = off gives a dump that holds plaintext (through the output
# functions); with on, and by default (auto is on in pg_dump's session), it holds envelopes only.
dump() { as_postgres env PGOPTIONS="$1" pg_dump -h "$C/socket" -p 55448 -U postgres "${@:2}" app; }
dump "-c colcrypt.ciphertext_io=off" -Fp >"$RUN/plain.sql"
grep -q "$CANARY" "$RUN/plain.sql" || { echo "expected plaintext in the ciphertext_io=off dump"; exit 1; }
dump "-c colcrypt.ciphertext_io=on" -Fp >"$RUN/cipher.sql"
dump "-c colcrypt.ciphertext_io=on" -Fc -Z0 >"$RUN/cipher.dump"
dump "" -Fc -Z0 >"$RUN/default.dump"
for f in cipher.sql cipher.dump default.dump; do
  if grep -qa "$CANARY" "$RUN/$f"; then echo "canary plaintext in the ciphertext dump $f"; exit 1; fi
done

values() { sql "$1" "$2" "SELECT md5(string_agg(id || ':' || coalesce(v::text, '') || coalesce(j::text, '') || coalesce(b::text, '') || coalesce(d::text, ''), ',' ORDER BY id)) FROM t"; }
once() { sql "$1" "$2" "SELECT bool_and(length(colcrypt.envelope(v)) = octet_length(v::text) + 80) FROM t"; }
want=$(values "$C" app)
restore_check() { # restore_check DB: every value equal, each once-encrypted
  assert_eq "values after restore into $1" "$want" "$(values "$R" "$1")"
  assert_eq "once-encrypted in $1" t "$(once "$R" "$1")"
}
rpsql() { as_postgres env PGOPTIONS="$1" psql -X -q -v ON_ERROR_STOP=1 -h "$R/socket" -p 55449 -U postgres -d "$2" -f "$3" >/dev/null; }

sql "$R" postgres "CREATE DATABASE from_cipher_sql" >/dev/null
rpsql "-c colcrypt.ciphertext_io=on" from_cipher_sql "$RUN/cipher.sql"
restore_check from_cipher_sql

sql "$R" postgres "CREATE DATABASE from_cipher_custom" >/dev/null
as_postgres env PGOPTIONS="-c colcrypt.ciphertext_io=on" pg_restore -j 2 --exit-on-error -h "$R/socket" -p 55449 -U postgres -d from_cipher_custom "$RUN/cipher.dump"
restore_check from_cipher_custom

sql "$R" postgres "CREATE DATABASE from_plain" >/dev/null
rpsql "" from_plain "$RUN/plain.sql"
restore_check from_plain

# The restored data is under the restored keys, and stays readable after a restart.
cluster_stop "$R"; cluster_start "$R"
restore_check from_cipher_custom
for c in "$C" "$R"; do cluster_stop "$c"; done
