# 10,000 encryptions of one plaintext under one key give 10,000 distinct envelopes (and
# nonces): once from a single backend, once from 10,000 fresh connections (pgbench -C), each a
# new backend forked from the postmaster.
set -euo pipefail
q() { cluster_psql "$CLUSTER" -d it -At -c "$1"; }

q "CREATE TABLE envs (ct bytea)"
q "INSERT INTO envs SELECT colcrypt.encrypt_text('same plaintext', decode(repeat('5a', 32), 'hex')) FROM generate_series(1, 10000)"
got=$(q "SELECT count(*) || ' ' || count(DISTINCT ct) || ' ' || count(DISTINCT substr(ct, 37, 12)) FROM envs")
[ "$got" = "10000 10000 10000" ] || { echo "one backend: rows, distinct envelopes, distinct nonces = $got"; exit 1; }

q "TRUNCATE envs"
script="$(mktemp)"; chmod 644 "$script"
echo "INSERT INTO envs VALUES (colcrypt.encrypt_text('same plaintext', decode(repeat('5a', 32), 'hex')));" >"$script"
as_postgres pgbench -n -C -c 4 -j 2 -t 2500 -f "$script" -h "$CLUSTER/socket" -p "$(cluster_port "$CLUSTER")" -U postgres it >"$script.out" 2>&1 \
  || { cat "$script.out"; exit 1; }
rm -f "$script" "$script.out"
got=$(q "SELECT count(*) || ' ' || count(DISTINCT ct) || ' ' || count(DISTINCT substr(ct, 37, 12)) FROM envs")
[ "$got" = "10000 10000 10000" ] || { echo "fresh connections: rows, distinct envelopes, distinct nonces = $got"; exit 1; }
ok=$(q "SELECT count(*) FROM envs WHERE colcrypt.decrypt_text(ct, decode(repeat('5a', 32), 'hex')) = 'same plaintext'")
[ "$ok" = 10000 ] || { echo "only $ok of 10000 envelopes open"; exit 1; }
q "DROP TABLE envs"
