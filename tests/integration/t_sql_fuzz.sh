# SQL-level fuzzing (the adversarial tier): random and mutated input, sent by an UNPRIVILEGED
# login role (PUBLIC's rights plus INSERT/SELECT on its test tables), through every encrypted
# type's text input (plaintext literals, and envelopes under colcrypt.ciphertext_io = on), binary
# input and output (bind parameters, COPY binary, binary arrays: the plaintext type's binary form,
# envelopes only under ciphertext_io = on), type modifiers, casts, the operators (same- and
# cross-type) and the client-key functions (tests/integration/sql_fuzz.py).
#
# Fails on a crashed backend (a lost connection, 57P0x, or the server log), an error of SQLSTATE
# class XX or 58, a statement timeout, a value that reads back other than what was written, forged
# or foreign input that was accepted (an envelope as binary plaintext, binary plaintext that the
# plaintext type refuses, a forged envelope under ciphertext_io), a value stored under another key
# than its column's, a stored blind index that is not its plaintext's, an operator that disagrees
# with the plaintext type's, and key names or keys created by the unprivileged role.
#
# FUZZ_SEED=N replays a run (the seed is printed first); FUZZ_CASES=N changes its length (5000
# cases, about 6500 statements, by default), FUZZ_SECONDS=S its time limit (30, for loaded
# machines); FUZZ_VERBOSE=1 also lists every error by SQLSTATE, case and message.
#
# Its own keyed cluster ($CLUSTER has no master key, and keys need one) and database.
set -euo pipefail
C="$RUN/sqlfuzz"
# Next to the main cluster's port, as t_adversarial's (+37), so suites run side by side do not collide.
PORT_FZ=$(( $(cluster_port "$CLUSTER") + 41 ))
keyed_cluster "$C" "$PORT_FZ"
sql "$C" postgres "CREATE DATABASE fuzz" >/dev/null
sql "$C" fuzz "CREATE EXTENSION colcrypt" >/dev/null

# fz_user: a login role with no rights but PUBLIC's; the driver grants it INSERT and SELECT on
# its tables. fz: its key; fz2: another key; fzd: a key whose plaintext fz_user is denied;
# fzr: a restricted key fz_user is not granted. default and __blind_index are made up front
# by a superuser write, so that any key or key name created later is the fuzzed role's doing.
sql "$C" postgres "CREATE ROLE fz_user LOGIN" >/dev/null
for k in fz fz2 fzd fzr; do sql "$C" fuzz "SELECT colcrypt.create_key('$k')" >/dev/null; done
sql "$C" fuzz "SELECT colcrypt.deny_plaintext('fzd', 'fz_user')" >/dev/null
sql "$C" fuzz "SELECT colcrypt.restrict_key_use('fzr')" >/dev/null
sql "$C" fuzz "SELECT 'x'::colcrypt.encrypted_text::text, 'x'::colcrypt.encrypted_text(fz, searchable)::text" >/dev/null

status=0
runuser -u postgres -- env PYTHONDONTWRITEBYTECODE=1 ${FUZZ_SEED:+FUZZ_SEED="$FUZZ_SEED"} ${FUZZ_CASES:+FUZZ_CASES="$FUZZ_CASES"} \
  ${FUZZ_SECONDS:+FUZZ_SECONDS="$FUZZ_SECONDS"} ${FUZZ_VERBOSE:+FUZZ_VERBOSE="$FUZZ_VERBOSE"} \
  /usr/bin/python3 "$ROOT/tests/integration/sql_fuzz.py" \
  --host "$C/socket" --port "$PORT_FZ" --db fuzz --user fz_user --log "$C/server.log" || status=$?

for log in "$C/server.log" "$CLUSTER/server.log"; do
  if grep -aE "terminated by signal|PANIC|server process .* was terminated" "$log"; then
    echo "FAIL $log shows a crashed backend"; status=1
  fi
done

sql "$C" postgres "DROP DATABASE fuzz WITH (FORCE)" >/dev/null
sql "$C" postgres "DROP ROLE fz_user" >/dev/null
cluster_stop "$C"
[ "$status" -eq 0 ]
