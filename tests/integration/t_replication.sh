# Replication: a streaming standby built with pg_basebackup reads encrypted columns with the
# master key and fails closed without it; key creation and rotation on the primary reach it; after
# promotion it writes. A logical-replication subscriber (with the publisher's keys) receives an
# encrypted table, both its initial copy and later changes.
set -euo pipefail
P="$RUN/repl-primary"
keyed_cluster "$P" 55454 "wal_level = logical" "max_wal_senders = 10" "max_replication_slots = 10"
p() { sql "$P" postgres "$1"; }
p "SELECT colcrypt.create_key('pii')" >/dev/null
p "CREATE TABLE patients (id int PRIMARY KEY, name colcrypt.encrypted_text(pii, searchable), born colcrypt.encrypted_date(pii))"
p "INSERT INTO patients SELECT i, 'patient ' || i, date '1950-01-01' + i FROM generate_series(1, 1000) i"
# create_key made colcrypt's own keys (__blind_index, __transient for literals) before the
# standby is cloned; a standby cannot create keys (it is read-only), and a lookup with a literal
# needs no other key: `default` never exists here.

# standby DIR PORT KEYFILE|"": a pg_basebackup clone of the primary, streaming from it.
standby() {
  local dir="$1" port="$2" key="$3"
  mkdir -p "$dir"; chown postgres:postgres "$dir"; chmod 700 "$dir"
  as_postgres pg_basebackup -D "$dir/data" -R -X stream -h "$P/socket" -p 55454 -U postgres
  mkdir -p "$dir/socket"; chown postgres:postgres "$dir/socket"
  {
    echo "port = $port"
    echo "unix_socket_directories = '$dir/socket'"
    if [ -n "$key" ]; then echo "colcrypt.master_key_file = '$key'"; else echo "colcrypt.master_key_file = ''"; fi
  } >>"$dir/data/postgresql.conf"
  cluster_start "$dir"
}
replayed() { # DIR: waits until the standby has replayed everything the primary has written
  local lsn; lsn=$(p "SELECT pg_current_wal_lsn()")
  wait_for "$1" postgres "SELECT pg_last_wal_replay_lsn() >= '$lsn'"
}

S="$RUN/repl-standby"
standby "$S" 55455 "$P-keys/master.key"
s() { sql "$S" postgres "$1"; }
assert_eq "standby is in recovery" t "$(s "SELECT pg_is_in_recovery()")"
assert_eq "standby reads every value" 1000 "$(s "SELECT count(*) FROM patients WHERE name::text = 'patient ' || id AND born::date = date '1950-01-01' + id")"
assert_eq "no default key was needed" 0 "$(s "SELECT count(*) FROM colcrypt.keys WHERE name = 'default'")"
assert_eq "standby finds by equality (blind index)" 42 "$(s "SET search_path = public, colcrypt; SELECT id FROM patients WHERE name = 'patient 42'" | tail -n 1)"
# Typed parameters under the default search_path (cross-type =, pg_catalog): read paths, they
# write no key on a standby.
assert_eq "standby finds by a varchar parameter" 43 "$(s "SELECT id FROM patients WHERE name = 'patient 43'::varchar")"
assert_eq "standby compares a date parameter by decrypting" 44 "$(s "SELECT id FROM patients WHERE born = date '1950-01-01' + 44")"
expect_error "$S" postgres 25006 "read-only" "SELECT colcrypt.create_key('nope')"

# Keys created and rotated on the primary reach the standby with the WAL.
p "SELECT colcrypt.create_key('billing')" >/dev/null
p "CREATE TABLE invoices (id int, amount colcrypt.encrypted_numeric(billing))"
p "INSERT INTO invoices VALUES (1, 12.50), (2, 99.99)"
p "SELECT colcrypt.rotate_key('pii')" >/dev/null
p "INSERT INTO patients VALUES (1001, 'after rotation', date '2000-02-29')"
replayed "$S"
assert_eq "a key created on the primary works on the standby" "112.49" "$(s "SELECT sum(amount::numeric) FROM invoices")"
assert_eq "a value under the rotated key version" "after rotation|2000-02-29" "$(s "SELECT name, born FROM patients WHERE id = 1001")"
assert_eq "the standby sees the rotation" "2" "$(s "SELECT max(version) FROM colcrypt.keys WHERE name = 'pii'")"

# A standby without the master key fails closed, with the setting named, and starts anyway.
N="$RUN/repl-nokey"
standby "$N" 55456 ""
expect_error "$N" postgres 55000 "master_key" "SELECT name::text FROM patients WHERE id = 1"
expect_error "$N" postgres 55000 "master_key" "SELECT colcrypt.server_decrypt_text(colcrypt.server_encrypt('pii', 'x'))"
assert_eq "it still serves plain columns" 1001 "$(sql "$N" postgres "SELECT count(id) FROM patients")"
cluster_stop "$N"

# A master key rotation as the README says for standbys: the standby gets the new key as current
# and the old one as previous first (it follows the primary's re-wrap through the WAL, and a
# standby with the old key alone stops reading at that commit), then the primary; after
# rotate_master_key() the previous key goes from both.
OLD="$P-keys/master.key"; NEW="$RUN/repl-keys2/master.key"; make_master_key "$NEW"
keys_to() { # DIR CURRENT [PREVIOUS]: sets the key settings and reloads
  sed -i '/^colcrypt.master_key_file/d; /^colcrypt.previous_master_key_file/d' "$1/data/postgresql.conf"
  echo "colcrypt.master_key_file = '$2'" >>"$1/data/postgresql.conf"
  [ -z "${3:-}" ] || echo "colcrypt.previous_master_key_file = '$3'" >>"$1/data/postgresql.conf"
  sql "$1" postgres "SELECT pg_reload_conf()" >/dev/null
  wait_for "$1" postgres "SELECT count(*) FILTER (WHERE loaded) = $([ -z "${3:-}" ] && echo 1 || echo 2) FROM colcrypt.master_key_info()"
}
keys_to "$S" "$NEW" "$OLD"
keys_to "$P" "$NEW" "$OLD"
assert_eq "the primary re-wraps" t "$(p "SELECT colcrypt.rotate_master_key() > 0")"
replayed "$S"
assert_eq "the standby reads after the re-wrap" 1001 "$(s "SELECT count(*) FROM patients WHERE name::text IS NOT NULL")"
keys_to "$P" "$NEW"
keys_to "$S" "$NEW"
assert_eq "the standby reads with the new key alone" 1001 "$(s "SELECT count(*) FROM patients WHERE name::text IS NOT NULL")"
# The other order: a standby that still has only the old key stops reading at the re-wrap, and
# says what to do there (it cannot re-wrap itself); given the keys, it reads again.
THIRD="$RUN/repl-keys2/third.key"; make_master_key "$THIRD"
keys_to "$P" "$THIRD" "$NEW"
p "SELECT colcrypt.rotate_master_key()" >/dev/null
replayed "$S"
expect_error "$S" postgres 55000 "this server is a standby: give it the master key the primary wraps" "SELECT name::text FROM patients WHERE id = 1"
keys_to "$S" "$THIRD" "$NEW"
assert_eq "the standby reads once it has the keys" 1001 "$(s "SELECT count(*) FROM patients WHERE name::text IS NOT NULL")"
keys_to "$P" "$THIRD"; keys_to "$S" "$THIRD"; NEW="$THIRD"

# Promotion: the standby becomes a primary and writes under its keys.
as_postgres "$PG_BINDIR/pg_ctl" -D "$S/data" -w promote >/dev/null
wait_for "$S" postgres "SELECT NOT pg_is_in_recovery()"
s "INSERT INTO patients VALUES (2000, 'written after promotion', date '2020-01-01')"
assert_eq "promoted standby writes and reads" "written after promotion" "$(s "SELECT name FROM patients WHERE id = 2000")"
assert_eq "every old value still reads" 1002 "$(s "SELECT count(*) FROM patients WHERE name::text IS NOT NULL AND born::date IS NOT NULL")"
cluster_stop "$S"

# Logical replication to a subscriber with its own cluster: it needs the publisher's data keys
# (here: the same master key and the rows of colcrypt.data_keys and key_names copied over).
L="$RUN/repl-sub"
mkdir -p "$L-keys"; cp "$NEW" "$L-keys/master.key"; chown -R postgres:postgres "$L-keys"; chmod 600 "$L-keys/master.key"
cluster_init "$L" 55457 "colcrypt.master_key_file = '$L-keys/master.key'"
cluster_start "$L"
l() { sql "$L" postgres "$1"; }
l "CREATE EXTENSION colcrypt" >/dev/null
for t in colcrypt.data_keys colcrypt.key_names; do
  cluster_psql "$P" -d postgres -Atq -c "COPY $t TO STDOUT" | cluster_psql "$L" -d postgres -q -c "DELETE FROM $t" -c "COPY $t FROM STDIN"
done
l "CREATE TABLE patients (id int PRIMARY KEY, name colcrypt.encrypted_text(pii, searchable), born colcrypt.encrypted_date(pii))"
p "CREATE PUBLICATION pub FOR TABLE patients"
l "CREATE SUBSCRIPTION sub CONNECTION 'host=$P/socket port=55454 user=postgres dbname=postgres' PUBLICATION pub WITH (binary = true)" 2>&1 | grep -v NOTICE || true
wait_for "$L" postgres "SELECT count(*) = 1001 FROM patients"
p "INSERT INTO patients VALUES (3000, 'replicated change', date '2021-06-01')"
p "UPDATE patients SET name = 'renamed' WHERE id = 5"
wait_for "$L" postgres "SELECT count(*) = 1002 FROM patients"
wait_for "$L" postgres "SELECT name::text = 'renamed' FROM patients WHERE id = 5"
assert_eq "subscriber reads every replicated value" 1002 "$(l "SELECT count(*) FROM patients WHERE name::text IS NOT NULL AND born::date IS NOT NULL")"
assert_eq "replicated change" "replicated change|2021-06-01" "$(l "SELECT name, born FROM patients WHERE id = 3000")"
# A key change on the publisher (here a rotation) is not replicated: a value sealed under the new
# version arrives but cannot be read until the subscriber's data keys are copied again (README).
p "SELECT colcrypt.rotate_key('pii')" >/dev/null
p "INSERT INTO patients VALUES (3001, 'after rotation', date '2022-01-01')"
wait_for "$L" postgres "SELECT count(*) = 1003 FROM patients"
expect_error "$L" postgres 22000 "no colcrypt data key in this database matches" "SELECT name::text FROM patients WHERE id = 3001"
cluster_psql "$P" -d postgres -Atq -c "COPY colcrypt.data_keys TO STDOUT" \
  | cluster_psql "$L" -d postgres -q -v ON_ERROR_STOP=1 -c "BEGIN" -c "DELETE FROM colcrypt.data_keys" -c "COPY colcrypt.data_keys FROM STDIN" -c "COMMIT"
assert_eq "readable after the keys are copied again" "after rotation" "$(l "SELECT name FROM patients WHERE id = 3001")"
l "DROP SUBSCRIPTION sub" >/dev/null 2>&1
cluster_stop "$L"
cluster_stop "$P"
