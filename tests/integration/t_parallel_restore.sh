# pg_dump -Fc / -Fd and pg_restore -j 4 into a fresh cluster with the same master key, for the
# default dump, the explicit ciphertext and the explicit plaintext forms (README, "Dumps"). pg_restore loads colcrypt's key tables as ordinary TABLE DATA items, in parallel and
# largest first, so every encrypted table here (several types, keys, a searchable column, a column
# on the default key, schemas named before and after `colcrypt`) is larger than the key tables and
# loads before them. Every value must come back equal, once-encrypted, under the dumped keys, and
# pg_restore must exit 0; the ciphertext dump files must hold no plaintext.
set -euo pipefail
K="$RUN/parallel-keys/master.key"
A="$RUN/par-src"; R="$RUN/par-dst"
keyed_clusters "$K" "$A" 55460 "$R" 55461
CANARY="cAnArY$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
N=3000
q() { sql "$A" app "$1"; }
sql "$A" postgres "CREATE DATABASE app" >/dev/null
q "CREATE EXTENSION colcrypt" >/dev/null
q "SELECT colcrypt.create_key('pii'), colcrypt.create_key('billing')" >/dev/null
q "SELECT colcrypt.create_key('shredded'); SELECT colcrypt.destroy_key('shredded')" >/dev/null
# `app` sorts before `colcrypt`, `public` after: a serial restore would load app's data first too.
q "CREATE SCHEMA app"
q "CREATE TABLE app.people (id int PRIMARY KEY, name colcrypt.encrypted_text(pii), born colcrypt.encrypted_date(pii),
     profile colcrypt.encrypted_jsonb(pii), email colcrypt.encrypted_text(pii, searchable) UNIQUE)"
q "INSERT INTO app.people SELECT i, '$CANARY name ' || i, date '1950-01-01' + i, jsonb_build_object('note', '$CANARY json', 'i', i),
     'user' || i || '@$CANARY.example' FROM generate_series(1, $N) i"
q "SELECT colcrypt.rotate_key('pii')" >/dev/null
q "UPDATE app.people SET name = '$CANARY renamed ' || id WHERE id % 3 = 0"
q "CREATE TABLE public.invoices (id int PRIMARY KEY, amount colcrypt.encrypted_numeric(billing), cents colcrypt.encrypted_int8(billing),
     paid colcrypt.encrypted_bool(billing), at colcrypt.encrypted_timestamptz(billing), ratio colcrypt.encrypted_float8(billing),
     qty colcrypt.encrypted_int4(billing))"
q "INSERT INTO public.invoices SELECT i, i * 1.25, i * 100, i % 2 = 0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour',
     i / 7.0, i FROM generate_series(1, $N) i"
# No type modifier: the `default` key, created on first use.
q "CREATE TABLE public.blobs (id int PRIMARY KEY, b colcrypt.encrypted_bytea, t colcrypt.encrypted_text)"
q "INSERT INTO public.blobs SELECT i, convert_to('$CANARY bytes ' || i, 'UTF8'), '$CANARY default ' || i FROM generate_series(1, $N) i"
q "CREATE TABLE public.log (id int, v colcrypt.encrypted_text(billing))"
q "INSERT INTO public.log SELECT i, '$CANARY log ' || i FROM generate_series(1, $N) i"
# Literals in the schema: a column default and a view's condition (restored before any key).
q "ALTER TABLE public.log ALTER v SET DEFAULT '$CANARY default literal'"
q "CREATE VIEW app.people_7 AS SELECT id FROM app.people WHERE email = 'user7@$CANARY.example'"

keytables="SELECT pg_total_relation_size('colcrypt.data_keys')"
for t in app.people public.invoices public.blobs public.log; do
  assert_eq "$t is larger than the key table" t "$(q "SELECT pg_relation_size('$t') > 4 * ($keytables)")"
done

# Every column's text form, per table: equal after a restore means every value came back.
values() {
  sql "$1" "$2" "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
      SELECT 'p' || id || name::text || born::text || profile::text || email::text AS x FROM app.people
      UNION ALL SELECT 'i' || id || amount::text || cents::text || paid::text || at::text || ratio::text || qty::text FROM public.invoices
      UNION ALL SELECT 'b' || id || encode(b::bytea, 'escape') || t::text FROM public.blobs
      UNION ALL SELECT 'l' || id || v::text FROM public.log) s"
}
counts() { sql "$1" "$2" "SELECT (SELECT count(*) FROM app.people) || '/' || (SELECT count(*) FROM public.invoices) || '/' || (SELECT count(*) FROM public.blobs) || '/' || (SELECT count(*) FROM public.log)"; }
keys() { sql "$1" "$2" "SELECT string_agg(name || ':' || version || ':' || state || ':' || envelope_key_id, ' ' ORDER BY name, version) FROM colcrypt.keys"; }
want_values=$(values "$A" app); want_keys=$(keys "$A" app)
assert_eq "source rows" "$N/$N/$N/$N" "$(counts "$A" app)"

D="$RUN/par-dumps"; mkdir -p "$D"; chown postgres "$D"
dump() { # dump FILE PGOPTIONS pg_dump-args...
  rm -rf "$1"
  as_postgres env PGOPTIONS="$2" pg_dump -h "$A/socket" -p 55460 -U postgres -f "$1" "${@:3}" app
}
restore() { # restore DB PGOPTIONS DUMP: a fresh database, pg_restore -j 4, exit status 0
  sql "$R" postgres "CREATE DATABASE $1" >/dev/null
  local rc=0
  as_postgres env PGOPTIONS="$2" pg_restore -j 4 -h "$R/socket" -p 55461 -U postgres -d "$1" "$3" >"$RUN/par-$1.log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then echo "pg_restore -j 4 into $1 exited $rc:"; head -n 20 "$RUN/par-$1.log"; return 1; fi
}
check() { # check DB: every value equal, the dumped keys, once-encrypted, the searchable index used
  assert_eq "rows in $1" "$N/$N/$N/$N" "$(counts "$R" "$1")"
  assert_eq "values in $1" "$want_values" "$(values "$R" "$1")"
  assert_eq "keys in $1" "$want_keys" "$(keys "$R" "$1")"
  assert_eq "once-encrypted in $1" t "$(sql "$R" "$1" "SELECT bool_and(length(colcrypt.envelope(v)) = octet_length(v::text) + 80) FROM public.log")"
  assert_eq "search in $1" 42 "$(sql "$R" "$1" "SET search_path = public, colcrypt; SET enable_seqscan = off; SELECT id FROM app.people WHERE email = 'user42@$CANARY.example'" | tail -n 1)"
  assert_eq "the view's literal in $1" 7 "$(sql "$R" "$1" "SELECT id FROM app.people_7")"
  assert_eq "the default literal in $1" "$CANARY default literal" "$(sql "$R" "$1" "BEGIN; INSERT INTO public.log (id) VALUES (-1) RETURNING v::text; ROLLBACK" | sed -n 2p)"
}

CT="-c colcrypt.ciphertext_io=on"
# The ciphertext form, custom and directory formats, uncompressed so that the grep means something.
dump "$D/cipher.dump" "$CT" -Fc -Z0
dump "$D/cipher.dir" "$CT" -Fd -Z0 -j 2
if found=$(grep -rla "$CANARY" "$D/cipher.dump" "$D/cipher.dir"); then echo "canary plaintext in the ciphertext dump: $found"; exit 1; fi
grep -qa "colcrypt" "$D/cipher.dump" || { echo "the ciphertext dump is not readable: the grep above means nothing"; exit 1; }
restore cipher_fc "$CT" "$D/cipher.dump"; check cipher_fc
restore cipher_fd "$CT" "$D/cipher.dir"; check cipher_fd

# The default form: pg_dump and pg_restore without settings (colcrypt.ciphertext_io = auto is on in
# their sessions). No plaintext in the dump, and -j 4 restores every value.
dump "$D/default.dump" "" -Fc -Z0
dump "$D/default.sql" "" -Fp
if found=$(grep -la "$CANARY" "$D/default.dump" "$D/default.sql"); then echo "canary plaintext in the default dump: $found"; exit 1; fi
restore default_fc "" "$D/default.dump"; check default_fc
# Into a server with another master key: the restore loads everything (the keys as they were
# wrapped), values fail closed until the documented re-wrap, then all read back.
K2="$RUN/parallel-keys/other.key"; make_master_key "$K2"
O="$RUN/par-other"; cluster_init "$O" 55463 "colcrypt.master_key_file = '$K2'"; cluster_start "$O"
sql "$O" postgres "CREATE DATABASE app" >/dev/null
as_postgres pg_restore -j 4 --exit-on-error -h "$O/socket" -p 55463 -U postgres -d app "$D/default.dump"
expect_error "$O" app 55000 "not the one these data keys were wrapped with" "SELECT name::text FROM app.people LIMIT 1"
cluster_stop "$O"; echo "colcrypt.previous_master_key_file = '$K'" >>"$O/data/postgresql.conf"; cluster_start "$O"
sql "$O" app "SELECT colcrypt.rotate_master_key()" >/dev/null
cluster_stop "$O"; sed -i '/^colcrypt.previous_master_key_file/d' "$O/data/postgresql.conf"; cluster_start "$O"
assert_eq "values under another master key after the re-wrap" "$want_values" "$(values "$O" app)"
cluster_stop "$O"
# A plain-format dump restored by psql without the setting: refused (22P02), not sealed as data.
sql "$R" postgres "CREATE DATABASE default_sql" >/dev/null
rpsql() { as_postgres env PGOPTIONS="$1" psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -h "$R/socket" -p 55461 -U postgres -d "$2" -f "$D/default.sql"; }
if out=$(rpsql "" default_sql 2>&1); then echo "psql restored a ciphertext dump without colcrypt.ciphertext_io"; exit 1; fi
grep -q "ERROR:  22P02: input for type encrypted_.* is the text form of a colcrypt envelope" <<<"$out" || { echo "unexpected error: $out"; exit 1; }
# (psql stops at the first refusal, which may be a literal of the schema, before some tables exist.)
assert_eq "nothing stored from envelope text" 0 "$(sql "$R" default_sql "CREATE FUNCTION pg_temp.n(t text) RETURNS bigint LANGUAGE plpgsql AS \$f\$
  DECLARE n bigint := 0; BEGIN IF to_regclass(t) IS NOT NULL THEN EXECUTE 'SELECT count(*) FROM ' || t INTO n; END IF; RETURN n; END \$f\$;
  SELECT pg_temp.n('app.people') + pg_temp.n('public.blobs') + pg_temp.n('public.log')" | tail -n 1)"
sql "$R" postgres "DROP DATABASE default_sql" >/dev/null; sql "$R" postgres "CREATE DATABASE default_sql" >/dev/null
rpsql "$CT" default_sql >/dev/null; check default_sql
# The same guard outside restores: under auto, envelope text is refused as plaintext; `off` stores it
# as data, as asked.
env=$(sql "$R" default_sql "SET colcrypt.ciphertext_io = on; SELECT v FROM public.log LIMIT 1" | tail -n 1)
expect_error "$R" default_sql 22P02 "text form of a colcrypt envelope" "CREATE TEMP TABLE x (v colcrypt.encrypted_text(billing)); INSERT INTO x VALUES ('$env')"
assert_eq "off stores envelope text as data" t "$(sql "$R" default_sql "SET colcrypt.ciphertext_io = off; CREATE TEMP TABLE x (v colcrypt.encrypted_text(billing)); INSERT INTO x VALUES ('$env'); SELECT v::text = '$env' FROM x" | tail -n 1)"

assert_eq "default setting" auto "$(sql "$R" default_sql "SHOW colcrypt.ciphertext_io")"
assert_eq "a bool spelling" "on,off" "$(sql "$R" default_sql "SET colcrypt.ciphertext_io = yes; SELECT current_setting('colcrypt.ciphertext_io') || ',' || set_config('colcrypt.ciphertext_io', '0', false)" | tail -n 1)"

# The plaintext form (colcrypt.ciphertext_io = off). Its tables, and the literals of its schema,
# need their keys while they load, so colcrypt and its key tables are restored first (README,
# "Dumps"), the rest with -j 4. (Restoring all pre-data first, as this recipe once did, made the
# default's literal create colcrypt's own keys, and the key tables then failed to load.)
OFF="-c colcrypt.ciphertext_io=off"
dump "$D/plain.dump" "$OFF" -Fc -Z0
grep -qa "$CANARY" "$D/plain.dump" || { echo "expected plaintext in the plaintext dump"; exit 1; }
sql "$R" postgres "CREATE DATABASE plain_fc" >/dev/null
pr() { as_postgres env PGOPTIONS="$OFF" pg_restore -h "$R/socket" -p 55461 -U postgres -d plain_fc --exit-on-error "$@" "$D/plain.dump"; }
L="$D/plain"; as_postgres pg_restore -l "$D/plain.dump" >"$L.list"
grep -E ' (SCHEMA|EXTENSION) - colcrypt |^[0-9]+; [0-9]+ [0-9]+ (TABLE DATA|SEQUENCE SET) colcrypt ' "$L.list" >"$L.keys"
grep -vxFf "$L.keys" "$L.list" >"$L.rest"; chmod 644 "$L".*
pr -L "$L.keys"
pr -L "$L.rest" --section=pre-data
pr -L "$L.rest" --section=data -j 4
pr -L "$L.rest" --section=post-data -j 4
check plain_fc

for c in "$A" "$R"; do cluster_stop "$c"; done
