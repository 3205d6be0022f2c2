# Re-encryption after rotate_key runs while another session writes, is killed halfway with
# kill -9 (the server crash-restarts), and resumes: every value readable, none lost or doubled,
# all on the newest key version in the end.
set -euo pipefail
C="$RUN/reenc"
keyed_cluster "$C" 55450
q() { sql "$C" postgres "$1"; }
q "SELECT colcrypt.create_key('pii')" >/dev/null
q "CREATE TABLE t (id int PRIMARY KEY, v colcrypt.encrypted_text(pii, searchable))"
q "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 60000) i"
q "SELECT colcrypt.rotate_key('pii')" >/dev/null
left() { q "SELECT count(*) FROM t WHERE colcrypt.needs_reseal(v)"; }
assert_eq "all on the old version" 60000 "$(left)"

log="$RUN/reenc.notices"; touch "$log"; chown postgres "$log"
as_postgres psql -X -h "$C/socket" -p 55450 -U postgres -d postgres -c "CALL colcrypt.reencrypt('t', 'v', 4)" >/dev/null 2>"$log" &
# Another session writes meanwhile (new rows go straight to the new version).
for b in 0 1 2 3 4; do
  q "INSERT INTO t SELECT i, 'w' || i FROM generate_series(100000 + $b * 1000, 100000 + $b * 1000 + 999) i" >/dev/null
done
for _ in $(seq 1 200); do [ "$(grep -c 'values done' "$log")" -ge 20 ] && break; sleep 0.1; done
grep -q "values to move" "$log"
[ "$(grep -c 'values done' "$log")" -ge 20 ] || { echo "no progress reported"; cat "$log"; exit 1; }
pid=$(q "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL colcrypt.reencrypt%'")
[ -n "$pid" ] || { echo "re-encryption finished before it could be killed"; cat "$log"; exit 1; }
kill -9 "$pid"
wait || true
for _ in $(seq 1 100); do as_postgres pg_isready -q -h "$C/socket" -p 55450 && break; sleep 0.2; done
sleep 1

moved_before=$(( 60000 - $(left) ))
echo "killed after moving $moved_before of 60000 values"
[ "$moved_before" -gt 0 ] && [ "$moved_before" -lt 60000 ] || { echo "expected a partial run, moved $moved_before"; exit 1; }
assert_eq "no row lost or doubled" 65000 "$(q "SELECT count(*) FROM t")"
assert_eq "every value readable after the crash" 65000 "$(q "SELECT count(*) FROM t WHERE v::text = CASE WHEN id < 100000 THEN 'v' ELSE 'w' END || id")"

# Resume: run it again to completion.
q "CALL colcrypt.reencrypt('t', 'v', 64)" >/dev/null 2>&1
assert_eq "nothing left on the old version" 0 "$(left)"
assert_eq "no row lost or doubled" 65000 "$(q "SELECT count(*) FROM t")"
assert_eq "every value readable" 65000 "$(q "SELECT count(*) FROM t WHERE v::text = CASE WHEN id < 100000 THEN 'v' ELSE 'w' END || id")"
assert_eq "still found by equality" 1 "$(sql "$C" postgres "SET search_path = public, colcrypt; SELECT count(*) FROM t WHERE v = 'v4242'" | tail -n 1)"
cluster_stop "$C"
