# `SET colcrypt.session_key = '…'` is a statement: colcrypt overwrites the key in its text while
# it runs, before pg_stat_statements, pg_stat_activity or a failing statement's log line can keep
# it. A key given in the startup options appears nowhere.
D="$RUN/sktext"
make_master_key "$D-keys/master.key"
cluster_init "$D" 55452 "colcrypt.master_key_file = '$D-keys/master.key'" \
  "shared_preload_libraries = 'colcrypt,pg_stat_statements'" "pg_stat_statements.track_utility = on"
cluster_start "$D"
sql "$D" postgres "CREATE EXTENSION colcrypt; CREATE EXTENSION pg_stat_statements" >/dev/null
KEY=$(printf 'c4' | head -c 2; head -c 31 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
STARTUP=$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')

# A session that sets the key and stays idle; another session looks at it.
( as_postgres psql -X -h "$D/socket" -p 55452 -U postgres -d postgres -q \
    -c "SET colcrypt.session_key = '$KEY'" -c "SELECT pg_sleep(3)" >/dev/null 2>&1 & )
wait_for "$D" postgres "SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()"
# A failing statement after the SET in one query string: its log line shows the masked text.
as_postgres psql -X -h "$D/socket" -p 55452 -U postgres -d postgres -q \
  -c "SET colcrypt.session_key = '$KEY'; SELECT 1/0" >/dev/null 2>&1 || true
# The startup-options way.
as_postgres env PGOPTIONS="-c colcrypt.session_key=$STARTUP" psql -X -h "$D/socket" -p 55452 -U postgres -d postgres -Atq \
  -c "SELECT length(colcrypt.encrypt_text('x'))" >/dev/null
# (PostgreSQL 18's pg_stat_statements replaces a SET's value with $1 itself.)
assert_eq "the masked text is what pg_stat_statements keeps" 1 \
  "$(sql "$D" postgres "SELECT count(*) FROM pg_stat_statements WHERE query = 'SET colcrypt.session_key = ' ||
     CASE WHEN current_setting('server_version_num')::int >= 180000 THEN '\$1' ELSE '''' || repeat('*', 64) || '''' END")"
assert_eq "no key in pg_stat_statements" 0 "$(sql "$D" postgres "SELECT count(*) FROM pg_stat_statements WHERE query ~* '$KEY|$STARTUP'")"
assert_eq "no key in pg_stat_activity" 0 "$(sql "$D" postgres "SELECT count(*) FROM pg_stat_activity WHERE query ~* '$KEY|$STARTUP' AND pid <> pg_backend_pid()")"
sleep 3
sql "$D" postgres "SELECT pg_stat_statements_reset()" >/dev/null
cluster_stop "$D"
if grep -rqi -e "$KEY" -e "$STARTUP" "$D/server.log" "$D/data/pg_stat_tmp" "$D/data/pg_stat" 2>/dev/null; then
  echo "a session key is in the server log or the statistics files:"; grep -i -e "$KEY" "$D/server.log" | head; exit 1
fi
grep -q "STATEMENT:  SET colcrypt.session_key = '\*\{64\}'; SELECT 1/0" "$D/server.log" || { echo "the failing statement was not logged masked"; grep -B2 -A2 "division by zero" "$D/server.log"; exit 1; }
echo "session key text masked in pg_stat_statements, pg_stat_activity and the error log"
