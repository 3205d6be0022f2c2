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
# Statements in which the setting's check hook never takes the key (refused, or never reached)
# still log their text with an error, and log_statement logs them before they run: the log hook
# masks a key written into any statement that names the setting (an attacker review's cases).
newkey() { head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }
K_ROLE=$(newkey); K_FUNC=$(newkey); K_ABORTED=$(newkey); K_SETCONFIG=$(newkey); K_LOGGED=$(newkey); K_SYSTEM=$(newkey); K_EXEC=$(newkey)
assert_contains() { grep -qF -- "$2" <<<"$3" || { echo "$1: expected [$2] in [$3]"; return 1; }; }
psql_err() { as_postgres psql -X -h "$D/socket" -p 55452 -U postgres -d postgres -q "$@" 2>&1 >/dev/null; }
assert_contains "ALTER ROLE … SET is refused" "42501" "$(psql_err -v VERBOSITY=verbose -c "ALTER ROLE postgres SET colcrypt.session_key = '$K_ROLE'")"
assert_contains "a function SET clause is refused" "42501" \
  "$(psql_err -v VERBOSITY=verbose -c "CREATE FUNCTION f_key() RETURNS int LANGUAGE sql SET colcrypt.session_key = '$K_FUNC' AS 'SELECT 1'")"
assert_contains "SET in an aborted transaction is not run" "25P02" \
  "$(psql_err -v VERBOSITY=verbose -c "BEGIN" -c "SELECT 1/0" -c "SET colcrypt.session_key = '$K_ABORTED'")"
assert_contains "set_config in a statement that fails before the call" "22012" \
  "$(psql_err -v VERBOSITY=verbose -c "SELECT set_config('colcrypt.session_key', '$K_SETCONFIG', false) FROM generate_series(1, 2) i WHERE 1 / (i - i) = 1")"
assert_contains "ALTER SYSTEM is refused" "ERROR" "$(psql_err -c "ALTER SYSTEM SET colcrypt.session_key = '$K_SYSTEM'")"
psql_err -c "SET log_statement = 'all'" -c "SET colcrypt.session_key = '$K_LOGGED'" \
  -c "PREPARE p(text) AS SELECT set_config('colcrypt.session_key', \$1, false)" -c "EXECUTE p('$K_EXEC')" >/dev/null
# The second attacker review's cases: pg_stat_activity keeps the text of a session left idle in an
# aborted transaction; a key split in two literals is taken whole; an EXECUTE of a prepared
# statement that sets the key does not name the setting.
K_IDLE=$(newkey); K_SPLIT=$(newkey); K_PREPARED=$(newkey)
( as_postgres psql -X -h "$D/socket" -p 55452 -U postgres -d postgres -q -c "BEGIN" -c "SELECT 1/0" \
    -c "SET colcrypt.session_key = '$K_IDLE'" -c '\! sleep 3' >/dev/null 2>&1 & )
wait_for "$D" postgres "SELECT count(*) > 0 FROM pg_stat_activity WHERE state = 'idle in transaction (aborted)'"
assert_eq "the aborted session's text in pg_stat_activity is masked" 1 \
  "$(sql "$D" postgres "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction (aborted)' AND query LIKE '%session_key = ''*%'")"
assert_eq "no key in pg_stat_activity after an aborted SET" 0 "$(sql "$D" postgres "SELECT count(*) FROM pg_stat_activity WHERE query ~* '$K_IDLE' AND pid <> pg_backend_pid()")"
psql_err -c "SELECT length(set_config('colcrypt.session_key', '${K_SPLIT:0:32}' || '${K_SPLIT:32}', false))" >/dev/null
psql_err -c "PREPARE q(text) AS SELECT set_config('colcrypt.session_key', \$1, false)" -c "BEGIN" -c "SELECT 1/0" \
  -c "EXECUTE q('$K_PREPARED')" >/dev/null || true
assert_eq "no half of a split key in pg_stat_statements" 0 \
  "$(sql "$D" postgres "SELECT count(*) FROM pg_stat_statements WHERE query ~* '${K_SPLIT:0:32}|${K_SPLIT:32}'")"
sleep 3
sql "$D" postgres "SELECT pg_stat_statements_reset()" >/dev/null
cluster_stop "$D"
for k in "$KEY" "$STARTUP" "$K_ROLE" "$K_FUNC" "$K_ABORTED" "$K_SETCONFIG" "$K_LOGGED" "$K_SYSTEM" "$K_EXEC" "$K_IDLE" "${K_SPLIT:0:32}" "${K_SPLIT:32}" "$K_PREPARED"; do
  if grep -rqi -e "$k" "$D/server.log" "$D/data/pg_stat_tmp" "$D/data/pg_stat" 2>/dev/null; then
    echo "a session key is in the server log or the statistics files:"; grep -i -e "$k" "$D/server.log" | head; exit 1
  fi
done
# Each of those statements was logged (so the check above looked at a line that held it).
for what in "ALTER ROLE postgres SET colcrypt.session_key" "CREATE FUNCTION f_key" "current transaction is aborted" \
  "set_config('colcrypt.session_key'" "ALTER SYSTEM SET colcrypt.session_key" "statement: SET colcrypt.session_key" "EXECUTE p(" \
  "STATEMENT:  EXECUTE q("; do
  grep -qF "$what" "$D/server.log" || { echo "not logged: $what"; tail -30 "$D/server.log"; exit 1; }
done
grep -q "STATEMENT:  SET colcrypt.session_key = '\*\{64\}'; SELECT 1/0" "$D/server.log" || { echo "the failing statement was not logged masked"; grep -B2 -A2 "division by zero" "$D/server.log"; exit 1; }
echo "session key text masked in pg_stat_statements, pg_stat_activity and the error log"
