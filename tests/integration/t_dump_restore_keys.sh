# pg_dump / pg_restore into a fresh cluster: with the same master key every value decrypts;
# with a different one the error is clear, and the documented re-wrap (old key as previous,
# rotate_master_key) makes everything readable.
set -euo pipefail
K="$RUN/dump-keys"
A="$RUN/dumpsrc"; B="$RUN/dumpsame"; D="$RUN/dumpother"
keyed_clusters "$K/a.key" "$A" 55444 "$B" 55445
keyed_clusters "$K/b.key" "$D" 55446

sql "$A" postgres "CREATE DATABASE app" >/dev/null
sql "$A" app "CREATE EXTENSION colcrypt" >/dev/null
sql "$A" app "SELECT colcrypt.create_key('pii'), colcrypt.create_key('billing')" >/dev/null
sql "$A" app "CREATE TABLE t AS SELECT i, colcrypt.server_encrypt_text(CASE WHEN i % 2 = 0 THEN 'pii' ELSE 'billing' END, 'v-' || i) AS v FROM generate_series(1, 2000) i"
sql "$A" app "CREATE TABLE people (id int, ssn colcrypt.encrypted_text(pii, searchable)); INSERT INTO people SELECT i, 'ssn-' || i FROM generate_series(1, 100) i"
sql "$A" app "SELECT colcrypt.rotate_key('pii')" >/dev/null
sql "$A" app "INSERT INTO t SELECT i, colcrypt.server_encrypt_text('pii', 'v-' || i) FROM generate_series(2001, 3000) i"
sql "$A" app "SELECT colcrypt.create_key('shredded'); SELECT colcrypt.destroy_key('shredded')" >/dev/null
readable() { sql "$1" app "SELECT count(*) FROM t WHERE colcrypt.server_decrypt_text(v) = 'v-' || i"; }
assert_eq "source readable" 3000 "$(readable "$A")"

dump="$RUN/app.dump"; touch "$dump"; chown postgres "$dump"
as_postgres pg_dump -Fc -h "$A/socket" -p 55444 -U postgres -f "$dump" app
restore_into() {
  sql "$1" postgres "CREATE DATABASE app" >/dev/null
  as_postgres pg_restore -h "$1/socket" -p "$2" -U postgres -d app --exit-on-error "$dump"
}

restore_into "$B" 55445
assert_eq "same master key: every value decrypts" 3000 "$(readable "$B")"
assert_eq "key states survive" "__blind_index:1:active __transient:1:active billing:1:active pii:1:decrypt_only pii:2:active shredded:1:destroyed" \
  "$(sql "$B" app "SELECT string_agg(name || ':' || version || ':' || state, ' ' ORDER BY name, version) FROM colcrypt.keys")"
# A restore as a key admin that is not a superuser (README, "Dumps"): a superuser creates the
# extension and loads the key tables, then the role restores the rest. Without the first two
# steps every encrypted table failed and stayed empty.
sql "$B" postgres "CREATE ROLE restorer LOGIN IN ROLE colcrypt_key_admin" >/dev/null
sql "$B" postgres "CREATE DATABASE app2 OWNER restorer" >/dev/null
sql "$B" app2 "CREATE EXTENSION colcrypt" >/dev/null
as_postgres pg_restore -h "$B/socket" -p 55445 -U postgres -d app2 --exit-on-error --data-only -n colcrypt "$dump"
rest="$RUN/rest.list"
as_postgres pg_restore -l "$dump" | grep -v -E '(SCHEMA|EXTENSION|TABLE DATA|SEQUENCE SET) (- )?colcrypt ' >"$rest"; chmod 644 "$rest"
as_postgres pg_restore -h "$B/socket" -p 55445 -U restorer --no-owner -d app2 --exit-on-error -L "$rest" -j 2 "$dump"
assert_eq "restored by a non-superuser: owner, values, lookup" "restorer|3000|1" \
  "$(sql "$B" app2 "SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'people'), (SELECT count(*) FROM t WHERE colcrypt.server_decrypt_text(v) = 'v-' || i), (SELECT count(*) FROM people WHERE ssn = 'ssn-42'::text)")"
assert_eq "new keys continue the id sequence" t "$(sql "$B" app "SELECT colcrypt.create_key('fresh') > max(key_id) FROM colcrypt.keys WHERE name <> 'fresh'")"

restore_into "$D" 55446
expect_error "$D" app 55000 "not the one these data keys were wrapped with" "SELECT colcrypt.server_decrypt_text(v) FROM t LIMIT 1"
expect_error "$D" app 55000 "not the one these data keys were wrapped with" "SELECT colcrypt.create_key('mixed')"
# Documented re-wrap: the old master key as previous, then rotate_master_key(), then drop it.
cluster_stop "$D"
echo "colcrypt.previous_master_key_file = '$K/a.key'" >>"$D/data/postgresql.conf"
cluster_start "$D"
# billing, pii v1 and v2, __blind_index and __transient (the destroyed key has nothing to re-wrap).
assert_eq "re-wrapped under the new cluster's key" 5 "$(sql "$D" app "SELECT colcrypt.rotate_master_key()")"
cluster_stop "$D"
sed -i '/^colcrypt.previous_master_key_file/d' "$D/data/postgresql.conf"
cluster_start "$D"
assert_eq "readable under the other master key after re-wrap" 3000 "$(readable "$D")"
for c in "$A" "$B" "$D"; do cluster_stop "$c"; done
