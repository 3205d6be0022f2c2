# Key management leaves an audit trail in the server log: each call that changes a key or who
# may use it logs one LOG line as its transaction commits, naming the call, the key and the role
# (and the session role under SET ROLE). A call whose transaction or savepoint rolls back is
# logged as it rolls back, saying so (it was in effect until then: a key admin denied a key can
# lift its own denial, read and roll back), also when a released savepoint's parent rolls back; a
# prepared transaction's line says so. A role name cannot forge a line. No line carries key
# material (the master key, a wrapped data key).
D="$RUN/audit"
keyed_cluster "$D" 55465 "max_prepared_transactions = 2"
q() { cluster_psql "$D" -d postgres -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
q "CREATE ROLE audit_admin IN ROLE colcrypt_key_admin; CREATE ROLE audit_reader; GRANT audit_admin TO postgres"

q "SELECT colcrypt.create_key('aud')"
q "SELECT colcrypt.rotate_key('aud')"
q "SET ROLE audit_admin; SELECT colcrypt.deny_plaintext('aud', 'audit_reader'); SELECT colcrypt.grant_key_use('aud', 'audit_reader');
   SELECT colcrypt.restrict_key_use('aud'); SELECT colcrypt.unrestrict_key_use('aud');
   SELECT colcrypt.revoke_key_use('aud', 'audit_reader'); SELECT colcrypt.allow_plaintext('aud', 'audit_reader')"
# A role named to forge a second audit line: the line stays one line, the name escaped.
q "CREATE ROLE \"forger\"\" x
LOG:  colcrypt key management: z\"; SELECT colcrypt.deny_plaintext('aud', (SELECT oid FROM pg_roles WHERE rolname LIKE 'forger%')::regrole)"
# A call that finds nothing to change is still logged (the key tables are written under lock).
q "SELECT colcrypt.allow_plaintext('aud', 'audit_reader')"
# More than 1,000 calls in one transaction: 1,000 lines, then one that counts the rest.
q "SELECT count(colcrypt.create_key('bulk_' || i)) FROM generate_series(1, 1002) i"
# Rolled back: logged as such, never as done.
q "BEGIN; SELECT colcrypt.destroy_key('aud'); ROLLBACK"
q "BEGIN; SAVEPOINT s; SELECT colcrypt.create_key('sp_rolled'); ROLLBACK TO s; SELECT colcrypt.create_key('sp_kept'); COMMIT"
q "BEGIN; SAVEPOINT a; SELECT colcrypt.create_key('released_then_rolled'); RELEASE a; ROLLBACK"
q "BEGIN; SAVEPOINT a; SAVEPOINT b; SELECT colcrypt.create_key('nested_rolled'); RELEASE b; ROLLBACK TO a; COMMIT"
q "BEGIN; SELECT colcrypt.create_key('prepared'); PREPARE TRANSACTION 'audit'"
# A PREPARE that fails (its GID is taken) after the call: no line, the change is undone.
if cluster_psql "$D" -d postgres -q -c "BEGIN; SELECT colcrypt.create_key('failed_prepare'); PREPARE TRANSACTION 'audit'" >/dev/null 2>&1; then
  echo "PREPARE with a GID in use succeeded"; exit 1
fi
q "COMMIT PREPARED 'audit'"
# A key admin denied a key lifts its own denial, reads, and rolls back.
q "CREATE TABLE aud_t (v colcrypt.encrypted_text(aud)); INSERT INTO aud_t VALUES ('audit-secret');
   GRANT SELECT ON aud_t TO audit_admin; SELECT colcrypt.deny_plaintext('aud', 'audit_admin')"
read=$(cluster_psql "$D" -d postgres -Atq -v ON_ERROR_STOP=1 <<'SQL'
SET ROLE audit_admin;
BEGIN;
\o /dev/null
SELECT colcrypt.allow_plaintext('aud', 'audit_admin');
\o
SELECT v FROM aud_t;
ROLLBACK;
SQL
)
assert_eq "the admin's own read inside a rolled-back allow" audit-secret "$read"
# The same lift after 1,000 other calls, inside a savepoint: still listed by name (lifts are never
# only counted), and the calls counted past the limit are logged as committed.
read=$(cluster_psql "$D" -d postgres -Atq -v ON_ERROR_STOP=1 <<'SQL'
SET ROLE audit_admin;
BEGIN;
\o /dev/null
SELECT count(colcrypt.deny_plaintext('aud', 'audit_reader')) FROM generate_series(1, 1001);
SAVEPOINT s;
SELECT colcrypt.grant_key_use('aud', 'audit_admin');
SELECT colcrypt.allow_plaintext('aud', 'audit_admin');
\o
SELECT v FROM aud_t;
ROLLBACK TO s;
COMMIT;
SQL
)
assert_eq "the admin's read after a flood" audit-secret "$read"
wrapped=$(sql "$D" postgres "SELECT pg_catalog.string_agg(encode(wrapped, 'hex'), ' ') FROM colcrypt.data_keys WHERE wrapped IS NOT NULL")
q "SELECT colcrypt.destroy_key('aud')"
cluster_stop "$D"

# The server's own lines (with the log_line_prefix), not a statement text that imitates one.
full=$(grep -E '^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] LOG:  colcrypt key management: ' "$D/server.log" | sed -E 's/^[^]]*\] LOG:  colcrypt key management: //')
rolled_lines=$(grep -E ' \(rolled back (with|to a savepoint in) (its transaction|transaction [0-9]+); in effect (inside it )?until then\)$' <<<"$full")
full=$(grep -Ev ' \(rolled back ' <<<"$full")
# Every line ends with its transaction; the rest is compared below.
if grep -Ev ' \(((prepared )?transaction [0-9]+(: in effect only if COMMIT PREPARED follows)?|changed no row)\)$' <<<"$full"; then
  echo "an audit line without its transaction (above)"; exit 1
fi
expect_line() { grep -Fxq -- "$1" <<<"$log" || { echo "missing audit line: $1"; exit 1; }; }
log=$(sed -E 's/ \(((prepared )?transaction [0-9]+(: in effect only if COMMIT PREPARED follows)?|changed no row)\)$//' <<<"$full")
expect_line "allow_plaintext('aud', role \"audit_reader\") by role \"postgres\""
# And no STATEMENT line after them: the committing statement could hold anything.
if grep -A1 "colcrypt key management: " "$D/server.log" | grep -q "STATEMENT:"; then echo "an audit line was followed by its statement"; exit 1; fi
grep -v "^create_key('bulk_" <<<"$log"
expect_line "create_key('aud') made key id 1 version 1 by role \"postgres\""
expect_line "rotate_key('aud') made version 2 by role \"postgres\""
for call in deny_plaintext grant_key_use revoke_key_use allow_plaintext; do
  expect_line "$call('aud', role \"audit_reader\") by role \"audit_admin\" (session role \"postgres\")"
done
for call in restrict_key_use unrestrict_key_use; do
  expect_line "$call('aud') by role \"audit_admin\" (session role \"postgres\")"
done
grep -Eq "^create_key\('sp_kept'\) made key id [0-9]+ version 1 by role \"postgres\"$" <<<"$log" || { echo "missing sp_kept"; exit 1; }
grep -Eq "^create_key\('prepared'\) made key id [0-9]+ version 1 by role \"postgres\" \(prepared transaction [0-9]+: in effect only if COMMIT PREPARED follows\)$" <<<"$full" \
  || { echo "missing the prepared transaction's line"; exit 1; }
# The transaction a line names is the one that made the change, and it committed.
xid=$(sed -nE "s/^create_key\('sp_kept'\).* \(transaction ([0-9]+)\)$/\1/p" <<<"$full")
cluster_start "$D"
assert_eq "sp_kept's transaction" committed "$(sql "$D" postgres "SELECT pg_catalog.pg_xact_status('$xid'::pg_catalog.xid8)")"
assert_eq "sp_kept's key" 1 "$(sql "$D" postgres "SELECT count(*) FROM colcrypt.keys WHERE name = 'sp_kept'")"
cluster_stop "$D"
# destroy_key was called twice, once rolled back: one line, for both versions.
assert_eq "destroy lines" "destroy_key('aud') destroyed 2 version(s) by role \"postgres\"" "$(grep "^destroy_key" <<<"$log")"
for rolled in sp_rolled released_then_rolled nested_rolled failed_prepare; do
  if grep -q "$rolled" <<<"$log"; then echo "a rolled-back call was logged as done: $rolled"; exit 1; fi
done
expect_rolled() { grep -Eq -- "$1" <<<"$rolled_lines" || { echo "missing rolled-back line: $1"; echo "$rolled_lines"; exit 1; }; }
expect_rolled "^destroy_key\('aud'\) destroyed 2 version\(s\) by role \"postgres\" \(rolled back with transaction [0-9]+; "
expect_rolled "^create_key\('sp_rolled'\) .* \(rolled back to a savepoint in transaction [0-9]+; in effect until then\)$"
expect_rolled "^create_key\('released_then_rolled'\) .* \(rolled back with transaction [0-9]+; "
expect_rolled "^create_key\('nested_rolled'\) .* \(rolled back to a savepoint in "
expect_rolled "^create_key\('failed_prepare'\) .* \(rolled back with "
expect_rolled "^allow_plaintext\('aud', role \"audit_admin\"\) by role \"audit_admin\" \(session role \"postgres\"\) \(rolled back with transaction [0-9]+; in effect inside it until then\)$"
expect_rolled "^allow_plaintext\('aud', role \"audit_admin\"\) by role \"audit_admin\" \(session role \"postgres\"\) \(rolled back to a savepoint in transaction [0-9]+; in effect until then\)$"
expect_rolled "^grant_key_use\('aud', role \"audit_admin\"\) .* \(rolled back to a savepoint in transaction [0-9]+; in effect until then\)$"
assert_eq "rolled-back lines" 8 "$(grep -c . <<<"$rolled_lines")"
expect_line "deny_plaintext('aud', role \"forger\"\" x\\x0aLOG:  colcrypt key management: z\") by role \"postgres\""
assert_eq "bulk lines" 1000 "$(grep -c "^create_key('bulk_" <<<"$log")"
grep -Fxq "and up to 2 more such calls, not listed one by one" <<<"$log" || { echo "missing the line that counts the rest"; exit 1; }
assert_eq "audit lines" 2018 "$(grep -c . <<<"$log")"
# No key material in the log at all.
master=$(cat "$D-keys/master.key")
for secret in "$master" $wrapped; do
  if grep -qi -- "$secret" "$D/server.log"; then echo "the server log holds key material"; exit 1; fi
done
echo "2018 audit lines, 8 for rolled-back calls saying so, none forged, no key material"
