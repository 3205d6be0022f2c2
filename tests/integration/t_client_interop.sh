# The colcrypt CLI and the server share one envelope: values and CSV columns sealed on the
# client open with colcrypt.decrypt given the key (here as the session key), and the other way
# round; row-bound CSV values open on the server with the context it builds from the row. With log_statement=all, the client-side plaintext canary is nowhere on the server:
# not in its log, not under its data directory, not in a pg_dump.
set -euo pipefail
CLI="$ROOT/target/debug/colcrypt"
[ -x "$CLI" ] || { echo "build the CLI first: cargo build -p colcrypt-client"; exit 1; }
C="$RUN/cli"
keyed_cluster "$C" 55452 "log_statement = 'all'"
W="$RUN/cli-work"; mkdir -p "$W"; chmod 755 "$W"
"$CLI" keygen "$W/client.key" 2>/dev/null
KEYHEX=$(tr -d '\n' <"$W/client.key")
CANARY="cliCaNaRy$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# Session key via startup options (the recommended way): no key in any statement.
s() { as_postgres env PGOPTIONS="-c colcrypt.session_key=$KEYHEX" psql -X -At -v ON_ERROR_STOP=1 -h "$C/socket" -p 55452 -U postgres -d postgres "$@"; }

# Client → server: one value.
ct=$(printf '%s value' "$CANARY" | "$CLI" encrypt -k "$W/client.key" --context "t.v:1")
s -c "CREATE TABLE t (id int, v bytea)" >/dev/null
s -c "INSERT INTO t VALUES (1, '\\x$ct')" >/dev/null
# (With a context the key goes in as an argument; this test's key may reach the log, its plaintext not.)
assert_eq "server opens the client's value" "$CANARY value" "$(s -c "SELECT colcrypt.decrypt_text(v, decode('$KEYHEX', 'hex'), 't.v:1') FROM t WHERE id = 1")"
# Server → client (no context: the session-key functions take none).
sct=$(s -c "SELECT encode(colcrypt.encrypt_text('from the server'), 'hex')")
assert_eq "client opens the server's value" "from the server" "$(echo "$sct" | "$CLI" decrypt -k "$W/client.key")"

# Empty and 1 MiB values, both ways.
assert_eq "empty value" "" "$(printf '' | "$CLI" encrypt -k "$W/client.key" | "$CLI" decrypt -k "$W/client.key")"
head -c 1048576 /dev/urandom >"$W/big.bin"
"$CLI" encrypt -k "$W/client.key" --in raw --out hex -i "$W/big.bin" -o "$W/big.hex"
s -c "CREATE TABLE big (v bytea)" >/dev/null
# COPY's text format reads a backslash as an escape: the bytea literal needs two.
printf '\\\\x%s\n' "$(cat "$W/big.hex")" | s -c "COPY big FROM STDIN" >/dev/null
assert_eq "1 MiB value opened by the server" "$(md5sum <"$W/big.bin" | cut -d' ' -f1)" "$(s -c "SELECT md5(colcrypt.decrypt(v)) FROM big")"

# CSV: encrypt a column on the client, COPY it in, COPY it out, decrypt on the client.
{ echo "id,ssn"; for i in $(seq 1 500); do echo "$i,$CANARY-$i"; done; } >"$W/people.csv"
"$CLI" csv-encrypt -k "$W/client.key" --columns 2 --header -i "$W/people.csv" -o "$W/people.enc.csv" 2>/dev/null
s -c "CREATE TABLE people (id int, ssn bytea)" >/dev/null
s -c "COPY people FROM STDIN (FORMAT csv, HEADER)" <"$W/people.enc.csv" >/dev/null
assert_eq "rows loaded" 500 "$(s -c "SELECT count(*) FROM people")"
# Compared through md5, so that the canary itself is in no statement the server logs.
canary_md5=$(printf '%s' "$CANARY" | md5sum | cut -d' ' -f1)
assert_eq "server opens every CSV value" 500 "$(s -c "SELECT count(*) FROM people, LATERAL (SELECT convert_from(colcrypt.decrypt(ssn), 'UTF8') AS p) d WHERE md5(split_part(d.p, '-', 1)) = '$canary_md5' AND split_part(d.p, '-', 2) = id::text")"
s -c "COPY (SELECT id, ssn FROM people ORDER BY id) TO STDOUT (FORMAT csv, HEADER)" >"$W/people.out.csv"
"$CLI" csv-decrypt -k "$W/client.key" --columns 2 --header -i "$W/people.out.csv" -o "$W/people.back.csv" 2>/dev/null
cmp "$W/people.csv" "$W/people.back.csv"

# Row-bound CSV: each value's context is people_bound.ssn:<id>, the string the server builds from
# the row, so the server opens every value with its own row's context and no other.
"$CLI" csv-encrypt -k "$W/client.key" --header --columns ssn --context people_bound --context-column id \
  -i "$W/people.csv" -o "$W/bound.enc.csv" 2>/dev/null
s -c "CREATE TABLE people_bound (id int, ssn bytea)" >/dev/null
s -c "COPY people_bound FROM STDIN (FORMAT csv, HEADER)" <"$W/bound.enc.csv" >/dev/null
assert_eq "server opens every row-bound value with its row's context" 500 "$(s -c "SELECT count(*) FROM people_bound, LATERAL (SELECT convert_from(colcrypt.decrypt(ssn, decode('$KEYHEX', 'hex'), 'people_bound.ssn:' || id), 'UTF8') AS p) d WHERE md5(split_part(d.p, '-', 1)) = '$canary_md5' AND split_part(d.p, '-', 2) = id::text")"
if s -c "SELECT colcrypt.decrypt(ssn, decode('$KEYHEX', 'hex'), 'people_bound.ssn:2') FROM people_bound WHERE id = 1" >/dev/null 2>&1; then
  echo "a row-bound value opened with another row's context"; exit 1
fi
# The server swaps two rows' values: csv-decrypt with the same options fails and writes nothing.
s -c "UPDATE people_bound p SET ssn = q.ssn FROM people_bound q WHERE (p.id, q.id) IN ((1, 2), (2, 1))" >/dev/null
s -c "COPY (SELECT id, ssn FROM people_bound ORDER BY id) TO STDOUT (FORMAT csv, HEADER)" >"$W/bound.out.csv"
if "$CLI" csv-decrypt -k "$W/client.key" --header --columns ssn --context people_bound --context-column id \
  -i "$W/bound.out.csv" -o "$W/bound.back.csv" 2>"$W/bound.err"; then
  echo "csv-decrypt read swapped row-bound values"; exit 1
fi
grep -q "CSV line 2: column ssn: cannot decrypt" "$W/bound.err" || { echo "unexpected failure: $(cat "$W/bound.err")"; exit 1; }
[ ! -e "$W/bound.back.csv" ] || { echo "a failed csv-decrypt left its output"; exit 1; }

# The canary crossed the wire only sealed: not in the log, the data directory, or a dump.
# (It was decrypted server-side above only into query results, which are not logged.)
s -c "CHECKPOINT" >/dev/null
if grep -qa "$CANARY" "$C/server.log"; then echo "canary in the server log"; exit 1; fi
if grep -rqa "$CANARY" "$C/data"; then echo "canary under the data directory"; exit 1; fi
# The CLI makes itself not dumpable (no core file with its key; no same-user ptrace): the kernel
# then gives its /proc entries to root. Run as postgres, holding its key, waiting on a FIFO.
mkdir -p "$W/pg"; chown postgres "$W/pg"; chmod 700 "$W/pg"
as_postgres "$CLI" keygen "$W/pg/k.key" 2>/dev/null
as_postgres mkfifo "$W/pg/in"
as_postgres "$CLI" csv-encrypt -k "$W/pg/k.key" --columns 1 -i "$W/pg/in" -o "$W/pg/out.csv" &
cli_pid=$!
for _ in $(seq 50); do cli=$(pgrep -u postgres -f "csv-encrypt -k $W/pg/k.key" || true); [ -n "$cli" ] && break; sleep 0.1; done
sleep 0.3
owner=$(stat -c %U "/proc/${cli:-0}/environ" 2>&1 || true)
# Let it finish before any assertion: a CLI left waiting would hold this run's files and lock.
echo x | timeout 10 runuser -u postgres -- tee "$W/pg/in" >/dev/null || kill "$cli_pid" 2>/dev/null || true
wait "$cli_pid" || true
assert_eq "the CLI's /proc entries belong to root (not dumpable)" root "$owner"
rm -rf "$W/pg"
as_postgres pg_dump -h "$C/socket" -p 55452 -U postgres postgres >"$W/dump.sql"
if grep -qa "$CANARY" "$W/dump.sql"; then echo "canary in pg_dump"; exit 1; fi
grep -q "COPY public.people" "$W/dump.sql"
cluster_stop "$C"
