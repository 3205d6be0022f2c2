# Master key rotation over 1,000 data keys, a kill -9 of the postmaster in the middle of a
# master-key rotation and of a data-key rotation: after restart every value decrypts and the
# rotation can be completed.
set -euo pipefail
C="$RUN/mkrot"; K="$RUN/mkrot-keys"
make_master_key "$K/old.key"; make_master_key "$K/new.key"
cluster_init "$C" 55442 "colcrypt.master_key_file = '$K/old.key'"
cluster_start "$C"
q() { sql "$C" postgres "$1"; }
q "CREATE EXTENSION colcrypt" >/dev/null
q "SELECT count(colcrypt.create_key('k' || i)) FROM generate_series(1, 1000) i" >/dev/null
q "CREATE TABLE t AS SELECT i, colcrypt.server_encrypt_text('k' || (i % 1000 + 1), 'v-' || i) AS v FROM generate_series(1, 5000) i"
readable() { q "SELECT count(*) FROM t WHERE colcrypt.server_decrypt_text(v) = 'v-' || i"; }
assert_eq "readable at start" 5000 "$(readable)"

set_keys() { # set_keys CURRENT [PREVIOUS]
  sed -i '/^colcrypt\.\(previous_\)\?master_key_file/d' "$C/data/postgresql.conf"
  echo "colcrypt.master_key_file = '$1'" >>"$C/data/postgresql.conf"
  [ -z "${2:-}" ] || echo "colcrypt.previous_master_key_file = '$2'" >>"$C/data/postgresql.conf"
}
bg_psql() { # runs SQL in the background in one session; its errors are expected (the crash)
  as_postgres psql -X -h "$C/socket" -p 55442 -U postgres -d postgres -c "$1" >/dev/null 2>&1 &
}

# Step 1 of the documented rotation: new key current, old key previous, restart.
cluster_stop "$C"; set_keys "$K/new.key" "$K/old.key"; cluster_start "$C"
assert_eq "readable mid-rotation through the previous key" 5000 "$(readable)"

# kill -9 while rotate_master_key() has run but not committed.
bg_psql "BEGIN; SELECT colcrypt.rotate_master_key(); SELECT pg_sleep(60); COMMIT;"
wait_for "$C" postgres "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep')"
kill_cluster "$C"; cluster_start "$C"
assert_eq "readable after a crash mid master rotation" 5000 "$(readable)"

# Complete the rotation; time it.
start=$(date +%s%N)
n=$(q "SELECT colcrypt.rotate_master_key()")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "rotate_master_key re-wrapped $n data keys in ${ms} ms"
# 1,000 keys and the blind index and transient keys that the first create_key made.
assert_eq "every data key re-wrapped" 1002 "$n"
assert_eq "running it again re-wraps nothing" 0 "$(q "SELECT colcrypt.rotate_master_key()")"

# Step 2: drop the old key and restart: everything opens under the new key alone.
cluster_stop "$C"; set_keys "$K/new.key"; cluster_start "$C"
assert_eq "readable under the new master key only" 5000 "$(readable)"
q "SELECT colcrypt.create_key('after_rotation')" >/dev/null
# And the old key alone no longer opens them: the rotation really happened.
cluster_stop "$C"; set_keys "$K/old.key"; cluster_start "$C"
expect_error "$C" postgres 55000 "not the one these data keys were wrapped with" "SELECT colcrypt.server_decrypt_text(v) FROM t LIMIT 1"
cluster_stop "$C"; set_keys "$K/new.key"; cluster_start "$C"

# kill -9 in the middle of a data-key rotation with new values written under the new version.
bg_psql "BEGIN; SELECT colcrypt.rotate_key('k1'); INSERT INTO t SELECT 100000 + i, colcrypt.server_encrypt_text('k1', 'v-' || (100000 + i)) FROM generate_series(1, 100) i; SELECT pg_sleep(60); COMMIT;"
wait_for "$C" postgres "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep')"
kill_cluster "$C"; cluster_start "$C"
assert_eq "readable after a crash mid data-key rotation" 5000 "$(readable)"
assert_eq "uncommitted values are gone, not half there" 5000 "$(q "SELECT count(*) FROM t")"
assert_eq "k1 still has one active version" "1 active" "$(q "SELECT version || ' ' || state FROM colcrypt.keys WHERE name = 'k1'")"
assert_eq "the rotation completes" 2 "$(q "SELECT colcrypt.rotate_key('k1')")"
q "INSERT INTO t SELECT 100000 + i, colcrypt.server_encrypt_text('k1', 'v-' || (100000 + i)) FROM generate_series(1, 100) i" >/dev/null
assert_eq "old and new versions readable" 5100 "$(readable)"
cluster_stop "$C"
