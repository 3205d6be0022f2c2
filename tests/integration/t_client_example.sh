# needs: tls (the server side of its TLS connections; a PostgreSQL built without OpenSSL has none)
# The example application (crates/client/examples/patients.rs) through a real driver over
# verified TLS: it stores client-side encrypted fields and wrapped column keys, and reads them
# back. With log_statement=all, its plaintext appears nowhere on the server (log, data
# directory, pg_dump); a second run shares the stored column keys; another master key fails;
# values are bound to their row, so two patients' diagnoses swapped in the table fail to read.
set -euo pipefail
source "$ROOT/scripts/tls.sh"
EX="$ROOT/target/debug/examples/patients"
[ -x "$EX" ] || { echo "build the example first: cargo build -p colcrypt-client --features db --example patients"; exit 1; }
C="$RUN/example"; CERTS="$RUN/example-certs"
make_tls "$CERTS" localhost 127.0.0.1
mapfile -t tlsconf < <(tls_conf "$CERTS")
keyed_cluster "$C" 55453 "${tlsconf[@]}" "log_statement = 'all'"
W="$RUN/example-work"; mkdir -p "$W"
NAME="exCaNaRy$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
run_example() { "$EX" --host localhost --port 55453 --dbname postgres --ca "$CERTS/ca.crt" --master-key "$1" "${@:2}"; }
out=$(run_example "$W/master.key" "$NAME")
grep -q "$NAME" <<<"$out" || { echo "example did not read back its record: $out"; exit 1; }
out2=$(run_example "$W/master.key" "second run")
grep -q "$NAME" <<<"$out2" && grep -q "second run" <<<"$out2" || { echo "second run could not read the first one's records: $out2"; exit 1; }
assert_eq "one wrapped key per column, shared" 2 "$(sql "$C" postgres "SELECT count(*) FROM colcrypt.client_column_keys")"
if run_example "$W/other.key" "intruder" >"$W/other.out" 2>&1; then echo "another master key read the column keys"; exit 1; fi
grep -q "not the one" "$W/other.out" || { echo "unexpected failure: $(cat "$W/other.out")"; exit 1; }
# Whoever can write to the table swaps the diagnoses of rows 1 and 2: the example refuses to read them.
sql "$C" postgres "UPDATE patient_records p SET diagnosis = q.diagnosis FROM patient_records q WHERE (p.id, q.id) IN ((1, 2), (2, 1))" >/dev/null
if run_example "$W/master.key" >"$W/swapped.out" 2>&1; then echo "swapped diagnoses were read: $(cat "$W/swapped.out")"; exit 1; fi
grep -q "row 1, column diagnosis: cannot decrypt" "$W/swapped.out" || { echo "unexpected failure: $(cat "$W/swapped.out")"; exit 1; }
sql "$C" postgres "CHECKPOINT" >/dev/null
if grep -qa "$NAME" "$C/server.log"; then echo "canary in the server log"; exit 1; fi
if grep -rqa "$NAME" "$C/data"; then echo "canary under the data directory"; exit 1; fi
as_postgres pg_dump -h "$C/socket" -p 55453 -U postgres postgres >"$W/dump.sql"
if grep -qa "$NAME" "$W/dump.sql"; then echo "canary in pg_dump"; exit 1; fi
grep -q "client_column_keys" "$W/dump.sql" || { echo "wrapped column keys are not in the dump"; exit 1; }
cluster_stop "$C"
