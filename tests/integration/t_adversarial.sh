# The adversarial tier (DESIGN.md, "Privileged code"; tests/integration/adversarial_driver.py).
# Every colcrypt entry point, enumerated from the catalog (functions, procedures, operators, casts,
# each type's text and binary input and output, DDL on encrypted columns), is called as an
# unprivileged role, a key user, a key admin and a role denied plaintext, from hostile sessions
# whose pg_temp holds domains and views named like every type and relation name colcrypt's code
# and catalog entries use (tests/integration/adversarial_names.py), with search_path putting
# pg_temp first; under two key states (every key present, with plaintext denials; and only a
# freshly created key, so colcrypt's own keys get created), with a cold key cache for every call.
# The planted objects call a trap that reports the role it runs as and tries to make the session's
# role a superuser. Fails when a trap ran as another role than the session's own, when a test role
# changed, when a backend crashed, or when the tier's self-checks fail (planted objects fire; the
# reset between calls reaches colcrypt's key cache).
#
# Its own keyed cluster (key creation and loading need a master key, which $CLUSTER has not) and
# its own database. To see every call and its outcome, run the driver by hand with --calls-log.
set -euo pipefail
C="$RUN/adversarial"
# Next to the main cluster's port, so that suites run side by side on other ports do not collide.
PORT_ADV=$(( $(cluster_port "$CLUSTER") + 37 ))
keyed_cluster "$C" "$PORT_ADV"
sql "$C" postgres "CREATE DATABASE adv" >/dev/null
sql "$C" adv "CREATE EXTENSION colcrypt" >/dev/null

status=0
runuser -u postgres -- env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$ROOT/tests/integration/adversarial_driver.py" \
  --host "$C/socket" --port "$PORT_ADV" --db adv --root "$ROOT" || status=$?

# The server's own record, independent of what the driver saw: every trap's WARNING is logged
# with the role it ran as.
if escalations=$(grep -aE "WARNING:  colcrypt-trap ran as " "$C/server.log" \
     | sed -E 's/.*colcrypt-trap ran as (.+) \(session ([^)]+)\) via (.*)$/\1|\2|\3/; s/ value .*//' \
     | awk -F'|' '$1 != $2' | sort | uniq -c | sort -rn) && [ -n "$escalations" ]; then
  echo "FAIL server.log: traps that ran as another role than their session's (count|ran as|session|via):"
  head -n 20 <<<"$escalations" | sed 's/^/  /'
  status=1
fi
for log in "$C/server.log" "$CLUSTER/server.log"; do
  if grep -aE "terminated by signal|PANIC" "$log"; then
    echo "FAIL $log shows a crashed backend"; status=1
  fi
done

supers=$(sql "$C" postgres "SELECT string_agg(rolname, ', ') FROM pg_roles WHERE rolname LIKE 'adv\_%' AND rolsuper")
[ -z "$supers" ] || { echo "FAIL test roles are superusers after the run: $supers"; status=1; }

sql "$C" postgres "DROP DATABASE adv WITH (FORCE)" >/dev/null
sql "$C" postgres "SELECT format('DROP ROLE %I', rolname) FROM pg_roles WHERE rolname LIKE 'adv\_%'" \
  | while read -r stmt; do sql "$C" postgres "$stmt" >/dev/null; done
cluster_stop "$C"
[ "$status" -eq 0 ]
