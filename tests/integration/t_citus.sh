# needs: citus (Citus 13.2.2 is built for the system PostgreSQL 15 only)
# colcrypt on Citus 13.2.2 (issue 14): a coordinator and two workers with one master key file. Key
# changes made on the coordinator reach every node in the same transaction and every backend's
# cache there; no key is ever created on a worker; a node added later gets the keys with
# citus_sync_keys; distributed writes and reads, equality pushed down, distribution by a
# searchable column, shard moves (both transfer modes and the rebalancer) that carry the stored
# envelopes of live and destroyed keys, intermediate result files that hold frames, not
# plaintext, and no canary in any node's files or logs.
set -euo pipefail
bash "$ROOT/scripts/setup-citus.sh"

K="$RUN/citus-keys"
make_master_key "$K/old.key"
NODES=("$RUN/citus0" "$RUN/citus1" "$RUN/citus2")
ALL=("${NODES[@]}" "$RUN/citus3")
stop_citus() { for d in "${ALL[@]}"; do cluster_stop "$d"; done; }
trap stop_citus EXIT
citus_node() { # citus_node DIR PORT
  cluster_init "$1" "$2" "shared_preload_libraries = 'citus,colcrypt'" \
    "colcrypt.master_key_file = '$K/old.key'" "max_prepared_transactions = 20" \
    "wal_level = logical" "citus.node_conninfo = 'sslmode=disable'" "max_connections = 60" \
    "citus.logical_replication_timeout = 60000" \
    "output_plugin_libraries = 'pgoutput, test_decoding, citus'"  # non-blocking splits decode with citus
  cluster_start "$1"
  sql "$1" postgres "CREATE EXTENSION citus" >/dev/null
}
for i in 0 1 2; do citus_node "${NODES[$i]}" $((55511 + i)); done
# The node added later is started now: later, after thousands of connections between the nodes,
# its port may be some connection's ephemeral port (a start then fails: address in use).
N3="$RUN/citus3"
citus_node "$N3" 55514
C="${NODES[0]}"; W1="${NODES[1]}"; W2="${NODES[2]}"
q() { sql "$C" postgres "$1"; }
sql "$C" postgres "SELECT citus_set_coordinator_host('127.0.0.1', 55511)" >/dev/null
q "SELECT citus_add_node('127.0.0.1', 55512)" >/dev/null
q "SELECT citus_add_node('127.0.0.1', 55513)" >/dev/null
# Citus propagates CREATE EXTENSION to the workers.
q "CREATE EXTENSION colcrypt" >/dev/null
for w in "$W1" "$W2"; do
  assert_eq "colcrypt on the worker" 1 "$(sql "$w" postgres "SELECT count(*) FROM pg_extension WHERE extname = 'colcrypt'")"
done

# The key rows of a node (never key bytes): name, id, version, state, envelope key id.
keys_of() { sql "$1" postgres "SELECT coalesce(string_agg(name || ':' || key_id || ':' || version || ':' || state || ':' || envelope_key_id, ',' ORDER BY name, version), '') FROM colcrypt.keys"; }
same_keys_everywhere() { # same_keys_everywhere WHAT
  local want; want="$(keys_of "$C")"
  for w in "$@"; do assert_eq "$w: keys equal the coordinator's" "$want" "$(keys_of "$w")"; done
}

# Nothing is created on a worker, not even colcrypt's own keys by a superuser's untyped literal.
expect_error "$W1" postgres 0A000 "on a Citus worker" "SELECT 'x'::colcrypt.encrypted_text::text"
expect_error "$W1" postgres 0A000 "cannot create keys on a Citus worker" "SELECT colcrypt.create_key('w')"
assert_eq "no key on the worker" "" "$(keys_of "$W1")"

# create_key on the coordinator: the key and colcrypt's own keys are on every node at commit.
q "SELECT colcrypt.create_key('pii')" >/dev/null
assert_eq "four keys on the coordinator" 3 "$(q "SELECT count(*) FROM colcrypt.keys")"
same_keys_everywhere "$W1" "$W2"
# A failed transaction leaves no key anywhere.
expect_error "$C" postgres 22012 "division by zero" "SELECT colcrypt.create_key('rolled_back'); SELECT 1/0"
same_keys_everywhere "$W1" "$W2"
assert_eq "rolled-back key on no worker" 0 "$(sql "$W1" postgres "SELECT count(*) FROM colcrypt.keys WHERE name = 'rolled_back'")"
in_sync() { q "SELECT string_agg(node_port || '=' || CASE WHEN in_sync THEN 'yes' ELSE 'no' END, ',' ORDER BY node_port) FROM colcrypt.citus_keys_in_sync()"; }
assert_eq "citus_keys_in_sync" "55512=yes,55513=yes" "$(in_sync)"
ids_of() { sql "$1" postgres "SELECT string_agg(key_id::text, ',' ORDER BY key_id) FROM (SELECT DISTINCT key_id FROM colcrypt.data_keys WHERE name IN ('pii', '__blind_index', '__transient')) d"; }
ids_before=$(ids_of "$C")

# A key admin that is not a superuser: the change still reaches every node.
q "CREATE ROLE kadmin NOLOGIN; GRANT colcrypt_key_admin TO kadmin" >/dev/null
q "SET ROLE kadmin; SELECT colcrypt.create_key('by_admin')" >/dev/null
assert_eq "the key admin's key is on the worker" 1 "$(sql "$W2" postgres "SELECT count(*) FROM colcrypt.keys WHERE name = 'by_admin'")"
expect_error "$C" postgres 42501 "permission denied for function citus_apply_keys" "SET ROLE kadmin; SELECT colcrypt.citus_apply_keys('{}')"
# A worker whose keys were changed behind the coordinator's back is reported, and repaired.
sql "$W2" postgres "DELETE FROM colcrypt.key_use_grants; INSERT INTO colcrypt.restricted_keys VALUES ('pii')" >/dev/null
assert_eq "a tampered worker is out of sync" "55512=yes,55513=no" "$(in_sync)"
assert_eq "citus_sync_keys counts the workers" 2 "$(q "SELECT colcrypt.citus_sync_keys()")"
assert_eq "repaired" "55512=yes,55513=yes" "$(in_sync)"

# Distributed writes: INSERT, INSERT…SELECT (with a plaintext select list too, below), COPY,
# and reads: router, multi-shard, equality pushed down to the workers.
q "CREATE TABLE people (id int, email colcrypt.encrypted_text(pii, searchable), note colcrypt.encrypted_text(pii))" >/dev/null
q "SELECT create_distributed_table('people', 'id')" >/dev/null
q "INSERT INTO people SELECT i, ('user' || i || '@example.com')::colcrypt.encrypted_text(pii, searchable),
     ('note ' || i)::colcrypt.encrypted_text(pii) FROM generate_series(1, 1000) i" >/dev/null
q "INSERT INTO people VALUES (1001, 'user1001@example.com', 'note 1001')" >/dev/null
printf '1002\tuser1002@example.com\tcAnArY-citus-copy\n' | cluster_psql "$C" -d postgres -q -c "COPY people FROM STDIN"
assert_eq "router read" "note 42" "$(q "SELECT note FROM people WHERE id = 42")"
assert_eq "COPY row read back" "cAnArY-citus-copy" "$(q "SELECT note FROM people WHERE id = 1002")"
assert_eq "multi-shard read decrypts everything" 1002 "$(q "SELECT count(*) FROM people WHERE note::text = 'note ' || id OR id = 1002")"
assert_eq "equality on a searchable column" 1 "$(q "SELECT count(*) FROM people WHERE email = 'user42@example.com'")"
plan=$(q "EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM people WHERE email = 'user42@example.com'")
grep -q "Task Count: 32" <<<"$plan" || { echo "not a multi-shard plan: $plan"; exit 1; }
grep -Eq "Query: SELECT count\(\*\) AS count FROM public.people_[0-9]+ people WHERE \(email OPERATOR\(pg_catalog.=\)" <<<"$plan" \
  || { echo "equality not pushed down to the workers: $plan"; exit 1; }

# Distribution by a searchable column: equal plaintexts land on one shard, so router lookups
# find every row (with per-node blind-index keys 87 of 101 found nothing).
q "CREATE TABLE by_email (email colcrypt.encrypted_text(pii, searchable), n int)" >/dev/null
q "SELECT create_distributed_table('by_email', 'email')" >/dev/null
q "INSERT INTO by_email SELECT ('u' || (i % 101))::colcrypt.encrypted_text(pii, searchable), i FROM generate_series(1, 202) i" >/dev/null
found=0
for i in $(seq 0 100); do
  [ "$(q "SELECT count(*) FROM by_email WHERE email = 'u$i'")" = 2 ] && found=$((found + 1))
done
assert_eq "router lookups on the distribution column that find both rows" 101 "$found"
# So do a driver's: psycopg sends an untyped parameter, over the extended protocol, as a prepared
# statement (its generic plan from the sixth execution). Retyped to text, as it is without Citus,
# Citus' fast-path router planner found no shard for it and every lookup returned no rows.
found=$(runuser -u postgres -- python3 - "$C/socket" 55511 <<'PY'
import sys, psycopg
with psycopg.connect(host=sys.argv[1], port=sys.argv[2], user="postgres", dbname="postgres") as c:
    print(sum(c.execute("SELECT count(*) FROM by_email WHERE email = %s", (f"u{i}",), prepare=True).fetchone()[0] == 2
              for i in range(0, 101, 5)))
PY
)
assert_eq "parameterized router lookups on the distribution column that find both rows" 21 "$found"
# A literal written into the distribution column lands on the shard its lookups search.
q "INSERT INTO by_email VALUES ('u-literal', 1)" >/dev/null
assert_eq "a literal written into the distribution column is found" 1 "$(q "SELECT count(*) FROM by_email WHERE email = 'u-literal'")"

# INSERT … SELECT with a plaintext select list. Citus casts the list to the column types with a
# one-argument call of colcrypt's cast, which failed ("not enough default arguments") until the
# casts had defaults. Through the coordinator (from a local table), pushed down (from a colocated
# table) and repartitioned (by another column), into tables distributed by id and by the
# searchable column: every value reads back, is stored under its column's key (not __transient,
# which the one-argument call seals under), and the searchable lookups find it.
q "CREATE TABLE staging (id int, email text, n int); INSERT INTO staging SELECT i, 'is' || i, i FROM generate_series(1, 60) i" >/dev/null
q "CREATE TABLE s_dist (id int, email text, n int); SELECT create_distributed_table('s_dist', 'id'); INSERT INTO s_dist SELECT * FROM staging" >/dev/null
value_keys() { q "SELECT string_agg(DISTINCT coalesce(k.name, 'unknown'), ',') FROM $1 t,
                 LATERAL (VALUES (colcrypt.envelope(t.email)), (colcrypt.envelope(t.n))) v(env),
                 LATERAL colcrypt.envelope_info(v.env) e LEFT JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id"; }
methods=""
for target in is_id is_email; do
  q "CREATE TABLE $target (id int, email colcrypt.encrypted_text(pii, searchable), n colcrypt.encrypted_int4(pii))" >/dev/null
  q "SELECT create_distributed_table('$target', '$([ $target = is_id ] && echo id || echo email)')" >/dev/null
  for select in "SELECT id, email, n FROM staging" "SELECT id, email, n FROM s_dist" "SELECT n, email, id FROM s_dist"; do
    plan=$(q "EXPLAIN (COSTS OFF) INSERT INTO $target (id, email, n) $select")
    methods="$methods $target:$(grep -oE 'method: [a-z ]+|Citus Adaptive' <<<"$plan" | head -n 1 | tr ' ' _)"
    q "INSERT INTO $target (id, email, n) $select" >/dev/null
  done
  assert_eq "$target: INSERT … SELECT of plaintext read back" 180 "$(q "SELECT count(*) FROM $target WHERE email::text = 'is' || id AND n::int = id")"
  assert_eq "$target: stored under the columns' key" pii "$(value_keys $target)"
  assert_eq "$target: found by the searchable column" 3 "$(q "SELECT count(*) FROM $target WHERE email = 'is7'")"
done
assert_eq "the INSERT … SELECT methods covered" \
  " is_id:method:_pull_to_coordinator is_id:Citus_Adaptive is_id:method:_repartition is_email:method:_pull_to_coordinator is_email:method:_repartition is_email:method:_repartition" "$methods"

# Intermediate results hold no plaintext (src/citus_intermediate.rs). Citus writes the rows of a
# repartitioned INSERT … SELECT, of one pulled to the coordinator for ON CONFLICT or RETURNING,
# and of a CTE it plans on its own, to files under base/pgsql_job_cache/ that last as long as
# the transaction; in binary COPY form, which for these types was the plaintext's. Checked while
# each transaction is open, as a login role: the files are there, hold frames and no canary (text
# or int4). Before the change every one of them held the canaries.
q "CREATE ROLE xfer LOGIN; CREATE ROLE xfer2 LOGIN" >/dev/null
q "CREATE TABLE xfer_src (id int PRIMARY KEY, k int, note colcrypt.encrypted_text(pii), n colcrypt.encrypted_int4(pii));
   SELECT create_distributed_table('xfer_src', 'id');
   INSERT INTO xfer_src SELECT i, i % 7, ('cAnArY-xfer-' || i)::colcrypt.encrypted_text(pii), (700000 + i)::colcrypt.encrypted_int4(pii)
     FROM generate_series(1, 200) i;
   CREATE TABLE xfer_dst (id int PRIMARY KEY, k int, note colcrypt.encrypted_text(pii), n colcrypt.encrypted_int4(pii));
   SELECT create_distributed_table('xfer_dst', 'id');
   CREATE TABLE xfer_byk (id int, k int, note colcrypt.encrypted_text(pii), n colcrypt.encrypted_int4(pii));
   SELECT create_distributed_table('xfer_byk', 'k');
   CREATE TABLE xfer_bytes (id int, b colcrypt.encrypted_bytea(pii));
   SELECT create_distributed_table('xfer_bytes', 'id');
   GRANT SELECT, INSERT, DELETE ON xfer_src, xfer_dst, xfer_byk, xfer_bytes TO xfer;
   GRANT SELECT, INSERT, DELETE ON xfer_bytes TO xfer2;
   CREATE TABLE xfer_bsrc (id int, b colcrypt.encrypted_bytea(pii)); SELECT create_distributed_table('xfer_bsrc', 'id');
   INSERT INTO xfer_bsrc SELECT i, convert_to('bsecret-' || i, 'UTF8') FROM generate_series(1, 50) i;
   CREATE TABLE xfer_bdst (id int PRIMARY KEY, b colcrypt.encrypted_bytea(pii)); SELECT create_distributed_table('xfer_bdst', 'id');
   GRANT SELECT ON xfer_bsrc TO xfer; GRANT SELECT, INSERT ON xfer_bdst TO xfer; GRANT SELECT ON xfer_bsrc TO xfer2; GRANT SELECT, INSERT ON xfer_bdst TO xfer2; GRANT xfer2 TO xfer" >/dev/null
q "CREATE FUNCTION xfer_touch() RETURNS bigint SECURITY DEFINER LANGUAGE sql AS 'SELECT count(*) FROM xfer_bsrc';
   CREATE FUNCTION xfer_copy() RETURNS void SECURITY DEFINER LANGUAGE sql
     AS 'INSERT INTO xfer_bdst SELECT id, b FROM xfer_bsrc ORDER BY id LIMIT 50 ON CONFLICT DO NOTHING';
   CREATE FUNCTION xfer_right() RETURNS bigint SECURITY DEFINER LANGUAGE sql
     AS \$\$SELECT count(*) FROM xfer_bdst WHERE b::bytea = convert_to('bsecret-' || id, 'UTF8')\$\$;
   ALTER FUNCTION xfer_touch() OWNER TO xfer; ALTER FUNCTION xfer_copy() OWNER TO xfer; ALTER FUNCTION xfer_right() OWNER TO xfer" >/dev/null
as_postgres python3 - "$C/socket" "${NODES[@]}" <<'PY'
import os, struct, sys, psycopg
sock, dirs = sys.argv[1], sys.argv[2:]
MAGIC = b"\0colcrypt:citus\0"
def job_files():
    return [os.path.join(r, f) for d in dirs for r, _, fs in os.walk(f"{d}/data/base/pgsql_job_cache") for f in fs]
def check(what):
    files = job_files()
    if not files:
        sys.exit(f"{what}: no intermediate result file while its transaction is open")
    data = b"".join(open(f, "rb").read() for f in files)
    ints = [struct.pack(">ii", 4, 700000 + i) for i in range(1, 201)]
    if b"cAnArY-xfer" in data or any(i in data for i in ints):
        sys.exit(f"{what}: plaintext in an intermediate result file")
    if MAGIC not in data:
        sys.exit(f"{what}: no frame in the intermediate result files")
def run(conn, what, stmt, method=None):
    if method:
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN (COSTS OFF) " + stmt))
        if method not in plan:
            sys.exit(f"{what}: not planned with {method}: {plan}")
    with conn.transaction():
        cur = conn.execute(stmt)
        rows = cur.fetchall() if cur.description else None
        check(what)
    return rows
with psycopg.connect(host=sys.argv[1], port=55511, user="xfer", dbname="postgres", autocommit=True) as conn:
    run(conn, "repartitioned INSERT … SELECT", "INSERT INTO xfer_byk SELECT id, k, note, n FROM xfer_src", "repartition")
    run(conn, "INSERT … SELECT pulled for ON CONFLICT",
        "INSERT INTO xfer_dst SELECT * FROM xfer_src ORDER BY id LIMIT 150 ON CONFLICT (id) DO NOTHING", "pull to coordinator")
    rows = run(conn, "repartitioned INSERT … SELECT with RETURNING",
        "INSERT INTO xfer_dst SELECT id, k, note, n FROM xfer_byk ON CONFLICT (id) DO NOTHING RETURNING note::text", "repartition")
    if sorted(r[0] for r in rows) != sorted(f"cAnArY-xfer-{i}" for i in range(151, 201)):
        sys.exit(f"RETURNING gave {rows[:3]}…")
    rows = run(conn, "a CTE planned on its own",
        "WITH c AS MATERIALIZED (SELECT id, note, n FROM xfer_src ORDER BY id LIMIT 100) "
        "SELECT count(*) FROM c JOIN xfer_byk b ON b.id = c.id AND b.note::text = c.note::text AND b.n::int = c.n::int")
    if rows != [(100,)]:
        sys.exit(f"the CTE join gave {rows}")
    # A data-modifying CTE's RETURNING rows, which Citus stores before writing them.
    run(conn, "a data-modifying CTE's rows", "WITH moved AS (DELETE FROM xfer_dst WHERE id <= 20 RETURNING id, k, note, n) "
        "INSERT INTO xfer_byk SELECT * FROM moved")
    # A frame read back in its own transaction is the value. Anywhere else it opens as nothing:
    # as another type, in another transaction, or by another role that assigned itself this
    # transaction's id (assign_distributed_transaction_id is PUBLIC), it is plaintext bytes like
    # any other (an attacker review replayed a victim's frame so, and read the victim's value).
    with conn.transaction():
        conn.execute("SELECT create_intermediate_result('xfer_one', 'SELECT note FROM xfer_src WHERE id = 1')")
        check("create_intermediate_result")
        frame = conn.execute("SELECT v FROM read_intermediate_result('xfer_one', 'binary') AS r(v bytea)").fetchone()[0]
        if not frame.startswith(MAGIC):
            sys.exit(f"not a frame: {frame[:20]!r}")
        got = conn.execute("SELECT v::text FROM read_intermediate_result('xfer_one', 'binary') AS r(v colcrypt.encrypted_text)").fetchone()[0]
        if got != "cAnArY-xfer-1":
            sys.exit(f"the frame read back as {got!r}")
        got = conn.execute("SELECT v::bytea FROM read_intermediate_result('xfer_one', 'binary') AS r(v colcrypt.encrypted_bytea)").fetchone()[0]
        if got != frame:
            sys.exit("a frame of encrypted_text opened as encrypted_bytea")
        txid = conn.execute("SELECT initiator_node_identifier, transaction_number, transaction_stamp FROM get_current_transaction_id()").fetchone()
    def replay(c, assign):
        with c.transaction():
            if assign:
                c.execute("SELECT assign_distributed_transaction_id(%s, %s, %s)", txid)
            with c.cursor().copy("COPY xfer_bytes (id, b) FROM STDIN (FORMAT binary)") as copy:
                copy.set_types(["int4", "bytea"])
                copy.write_row((1, frame))
            got = c.execute("SELECT b::bytea FROM xfer_bytes").fetchone()[0]
            c.execute("DELETE FROM xfer_bytes")
        return got
    if replay(conn, False) != frame:
        sys.exit("a frame opened in another transaction")
    with psycopg.connect(host=sys.argv[1], port=55511, user="xfer2", dbname="postgres", autocommit=True) as other:
        if replay(other, True) != frame:
            sys.exit("another role opened a frame in the transaction it came from")
    # A SET ROLE that Citus propagates into the connections it has open (propagate_set_commands
    # = local) leaves the workers' current role another than the coordinator's, under a SECURITY
    # DEFINER function: the frames open by the role the connection logged in as. They were
    # stored as the bytes of an encrypted_bytea (31 of these 50 rows; an attacker review).
    with conn.transaction(force_rollback=True):
        conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        conn.execute("SELECT xfer_touch()")
        conn.execute("SET LOCAL ROLE xfer2")
        conn.execute("SELECT xfer_copy()")
        got = conn.execute("SELECT xfer_right()").fetchone()[0]
        if got != 50:
            sys.exit(f"{50 - got} of 50 values stored wrong across a propagated SET ROLE")
    # A plaintext that starts like a frame is stored and read back as it is, by every path
    # (the first version refused it wherever a worker sent it to the coordinator).
    fake = MAGIC + b"just data"
    conn.execute("INSERT INTO xfer_bytes SELECT i, %s::bytea FROM generate_series(1, 20) i", (fake,))
    for binary in (False, True):
        want = fake if binary else "\\x" + fake.hex()
        got = {r[0] for r in conn.cursor(binary=binary).execute("SELECT b FROM xfer_bytes")}
        if got != {want}:
            sys.exit(f"a frame-like plaintext read back as {got}")
        got = conn.cursor(binary=binary).execute("SELECT b FROM xfer_bytes WHERE id = 7").fetchone()[0]
        if got != want:
            sys.exit(f"a frame-like plaintext read back by id as {got!r}")
PY
assert_eq "intermediate results: every value read back, 20 moved" 220,180 "$(q "SELECT (SELECT count(*) FROM xfer_byk WHERE note::text = 'cAnArY-xfer-' || id AND n::int = 700000 + id)
  || ',' || (SELECT count(*) FROM xfer_dst WHERE note::text = 'cAnArY-xfer-' || id AND n::int = 700000 + id)")"
assert_eq "intermediate results: stored under the columns' key" pii "$(q "SELECT string_agg(DISTINCT coalesce(k.name, 'unknown'), ',')
  FROM (SELECT note, n FROM xfer_byk UNION ALL SELECT note, n FROM xfer_dst) t,
  LATERAL (VALUES (colcrypt.envelope(t.note)), (colcrypt.envelope(t.n))) v(env),
  LATERAL colcrypt.envelope_info(v.env) e LEFT JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id")"
# Code that runs inside a receiver for other reasons gets plaintext, not frames: an INSERT …
# SELECT into a reference table pulled to the coordinator copies into the coordinator's own
# placement from inside the receiver, and that placement's trigger calls the send function (an
# attacker review stored frames so, in some rows; 7,695 of these 10,000 with its first fix).
q "CREATE TABLE xfer_ref (id int, note colcrypt.encrypted_text(pii), raw bytea); SELECT create_reference_table('xfer_ref')" >/dev/null
ref_shard=$(q "SELECT shardid FROM pg_dist_shard WHERE logicalrelid = 'xfer_ref'::regclass")
q "SET citus.enable_manual_changes_to_shards = on;
   CREATE FUNCTION xfer_raw() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.raw := sha256(colcrypt.encrypted_text_send(NEW.note)); RETURN NEW; END \$\$;
   CREATE TRIGGER xfer_raw BEFORE INSERT ON xfer_ref_$ref_shard FOR EACH ROW EXECUTE FUNCTION xfer_raw()" >/dev/null
# Enough rows that the local copy flushes from inside the receiver, not only at its end.
q "INSERT INTO xfer_ref (id, note) SELECT s.id, s.note FROM xfer_src s, generate_series(1, 50) g ORDER BY g LIMIT 10000" >/dev/null
assert_eq "a trigger inside the receiver sends plaintext" 10000 "$(q "SELECT count(*) FROM xfer_ref_$ref_shard WHERE raw = sha256(convert_to('cAnArY-xfer-' || id, 'UTF8'))")"
q "DROP TABLE xfer_ref; DROP FUNCTION xfer_raw()" >/dev/null  # a node added later would need a copy
assert_eq "a lookup is a one-shard router query" 1 "$(q "EXPLAIN (COSTS OFF) SELECT * FROM by_email WHERE email = 'u7'" | sed -nE 's/.*Task Count: ([0-9]+).*/\1/p')"
# A value typed as the plaintext (pgJDBC setString sends varchar) is cast to the column's type
# (src/distribution_lookups.rs). Compared as it was, through the cross-type operator, Citus found
# no shard for it and every one of these returned no rows.
for lookup in "email = 'u7'::text" "email = 'u7'::varchar" "'u7'::text = email" "email = 'u7'::text AND n > 0"; do
  assert_eq "typed lookup: $lookup" 2 "$(q "SELECT count(*) FROM by_email WHERE $lookup")"
done
assert_eq "a typed constant is a one-shard router query" 1 "$(q "EXPLAIN (COSTS OFF) SELECT * FROM by_email WHERE email = 'u7'::text" | sed -nE 's/.*Task Count: ([0-9]+).*/\1/p')"
assert_eq "typed lookup in a subquery" 2 "$(q "SELECT count(*) FROM (SELECT * FROM by_email WHERE email = 'u7'::text OFFSET 0) s")"
assert_eq "typed lookup in a sublink" 2 "$(q "SELECT count(*) FROM generate_series(1, 202) g WHERE g IN (SELECT n FROM by_email WHERE email = 'u7'::varchar)")"
found=$(runuser -u postgres -- python3 - "$C/socket" 55511 <<'PY'
import sys, psycopg
with psycopg.connect(host=sys.argv[1], port=sys.argv[2], user="postgres", dbname="postgres") as c:
    print(sum(c.execute(f"SELECT count(*) FROM by_email WHERE email = %s::{t}", (f"u{i}",), prepare=True).fetchone()[0] == 2
              for t in ("text", "varchar") for i in range(0, 101, 5)))
PY
)
assert_eq "prepared lookups with text and varchar parameters that find both rows" 42 "$found"
# Queries planned inside utility statements and function bodies (an attacker review found them
# still returning no rows when the rewrite was made after parse analysis).
q "CREATE TABLE typed_ctas AS SELECT n FROM by_email WHERE email = 'u7'::text" >/dev/null
assert_eq "typed lookup in CREATE TABLE AS" 2 "$(q "SELECT count(*) FROM typed_ctas")"
q "CREATE MATERIALIZED VIEW typed_mv AS SELECT n FROM by_email WHERE email = 'u7'::varchar" >/dev/null
q "REFRESH MATERIALIZED VIEW typed_mv" >/dev/null
assert_eq "typed lookup in a materialized view" 2 "$(q "SELECT count(*) FROM typed_mv")"
assert_eq "typed lookup in a cursor" 2 "$(cluster_psql "$C" -d postgres -At -c "BEGIN" \
  -c "DECLARE cur CURSOR FOR SELECT n FROM by_email WHERE email = 'u7'::text" -c "FETCH ALL cur" -c "COMMIT" | grep -c '^[0-9]')"
q "CREATE FUNCTION typed_count() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC
     SELECT count(*) FROM by_email WHERE email = 'u7'::text; END" >/dev/null
# A parameter of a SQL function is never known when Citus plans its body: Citus refuses such a
# lookup (it did return no rows).
q "CREATE FUNCTION typed_count_param(e text) RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC
     SELECT count(*) FROM by_email WHERE email = e; END" >/dev/null
expect_error "$C" postgres 0A000 "could not create distributed plan" "SELECT typed_count_param('u7')"
q "CREATE FUNCTION typed_count_pl(e varchar) RETURNS bigint LANGUAGE plpgsql STABLE AS
     \$\$BEGIN RETURN (SELECT count(*) FROM by_email WHERE email = e); END\$\$" >/dev/null
assert_eq "typed lookup in a SQL function body" "2,2,2,2,2,2,2" "$(q "SELECT string_agg(typed_count()::text, ',') FROM generate_series(1, 7)")"
assert_eq "typed lookup in a PL/pgSQL function" "2,2,2,2,2,2,2" "$(q "SELECT string_agg(typed_count_pl('u7')::text, ',') FROM generate_series(1, 7)")"
# A typed parameter's lookup goes to one shard on every execution: its value is cast when the
# (custom) plan is made, and a generic plan, which could not be routed, is never chosen.
executions=(); for i in $(seq 1 8); do executions+=(-c "EXECUTE typed('u$i')"); done
tasks=$(cluster_psql "$C" -d postgres -At -c "PREPARE typed(text) AS SELECT count(*) FROM by_email WHERE email = \$1" \
  "${executions[@]}" -c "EXPLAIN (COSTS OFF) EXECUTE typed('u9')" | sed -nE 's/.*Task Count: ([0-9]+).*/\1/p')
assert_eq "a typed parameter's lookup after eight executions is a one-shard router query" 1 "$tasks"
assert_eq "a name parameter (under its implicit cast to text)" 2 "$(cluster_psql "$C" -d postgres -At \
  -c "PREPARE by_name(name) AS SELECT count(*) FROM by_email WHERE email = \$1" -c "EXECUTE by_name('u7')" | tail -n 1)"
# A generic plan cannot be routed; Citus refuses to run one (it returned no rows).
expect_error "$C" postgres 0A000 "could not create distributed plan" \
  "SET plan_cache_mode = force_generic_plan; PREPARE g(text) AS SELECT count(*) FROM by_email WHERE email = \$1; EXECUTE g('u7')"
# A parameter of a type a cross-type operator converts (an int8 against an encrypted_int4: pgJDBC
# setLong, a Python int bound as int8) is converted as that operator would, then routed; one out
# of the column's range finds no row. These returned no rows at all before (Citus found no shard).
q "CREATE TABLE by_num (n colcrypt.encrypted_int4(pii, searchable), v text)" >/dev/null
q "SELECT create_distributed_table('by_num', 'n')" >/dev/null
q "INSERT INTO by_num SELECT i, 'v' || i FROM generate_series(1, 40) i" >/dev/null
executions=(); for i in $(seq 1 8); do executions+=(-c "EXECUTE wide($i)"); done
assert_eq "int8 parameters against an encrypted_int4 distribution column" "v1 v2 v3 v4 v5 v6 v7 v8 1" \
  "$(cluster_psql "$C" -d postgres -At -c "PREPARE wide(int8) AS SELECT v FROM by_num WHERE n = \$1" "${executions[@]}" \
     -c "EXPLAIN (COSTS OFF) EXECUTE wide(9)" -c "EXECUTE wide(5000000000)" | sed -nE 's/.*Task Count: ([0-9]+).*/\1/p; /^v[0-9]+$/p' | paste -sd ' ')"
assert_eq "an int2 parameter, and int8 and int2 literals" "PREPARE|v3|v4|v5" "$(cluster_psql "$C" -d postgres -At \
  -c "PREPARE narrow(int2) AS SELECT v FROM by_num WHERE n = \$1" -c "EXECUTE narrow(3)" \
  -c "SELECT v FROM by_num WHERE n = 4::int8" -c "SELECT v FROM by_num WHERE n = 5::int2" | paste -sd '|')"
# A numeric (pgJDBC setBigDecimal): an integral one routes to its shard, a fraction finds nothing.
assert_eq "numeric parameters and literals" "PREPARE|v6|v7" "$(cluster_psql "$C" -d postgres -At \
  -c "PREPARE dec(numeric) AS SELECT v FROM by_num WHERE n = \$1" -c "EXECUTE dec(6.00)" -c "EXECUTE dec(6.5)" \
  -c "SELECT v FROM by_num WHERE n = 7.0::numeric" | paste -sd '|')"
# A float (pgJDBC setDouble, a Python float): the same.
assert_eq "float8 parameters and literals" "PREPARE|v6|v7" "$(cluster_psql "$C" -d postgres -At \
  -c "PREPARE dbl(float8) AS SELECT v FROM by_num WHERE n = \$1" -c "EXECUTE dbl(6.0)" -c "EXECUTE dbl(6.5)" \
  -c "SELECT v FROM by_num WHERE n = 7.0::float8" | paste -sd '|')"
q "DROP TABLE by_num" >/dev/null
# Distribution by hash of an encrypted column that is not searchable is refused, as hash
# partitioning is: the shards would group equal plaintexts, and get_shard_id_for_distribution_column
# told a role denied the plaintext which shard its guess was in (an attacker review).
q "CREATE TABLE by_secret (note colcrypt.encrypted_text(pii), id int)" >/dev/null
expect_error "$C" postgres 0A000 "by_secret would be distributed by hash of an encrypted column that is not searchable" \
  "SELECT create_distributed_table('by_secret', 'note')"
q "SELECT create_distributed_table('by_secret', 'id')" >/dev/null
expect_error "$C" postgres 0A000 "by_secret would be distributed by hash of an encrypted column that is not searchable" \
  "SELECT alter_distributed_table('by_secret', distribution_column := 'note')"
assert_eq "still distributed by id" "id" "$(q "SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition WHERE logicalrelid = 'by_secret'::regclass")"
q "DROP TABLE by_secret" >/dev/null

# UPDATE/DELETE/upsert: by the distribution column (or any plain column) with new values; an
# encrypted column in WHERE or on the right of SET is refused by Citus (README: the rewrite).
q "UPDATE people SET note = 'updated' WHERE id = 43" >/dev/null
assert_eq "UPDATE by id" updated "$(q "SELECT note FROM people WHERE id = 43")"
q "CREATE TABLE acct (id int PRIMARY KEY, note colcrypt.encrypted_text(pii))" >/dev/null
q "SELECT create_distributed_table('acct', 'id')" >/dev/null
q "INSERT INTO acct VALUES (1, 'first') ON CONFLICT (id) DO UPDATE SET note = EXCLUDED.note" >/dev/null
q "INSERT INTO acct VALUES (1, 'second') ON CONFLICT (id) DO UPDATE SET note = EXCLUDED.note" >/dev/null
assert_eq "upsert" second "$(q "SELECT note FROM acct WHERE id = 1")"
# A failed write with bind parameters: Citus sends the values to the worker as plaintext
# literals; the worker logs the error without that statement (colcrypt withholds it).
as_postgres python3 - "$C/socket" <<'PY'
import sys, psycopg
with psycopg.connect(host=sys.argv[1], port=55511, user="postgres", dbname="postgres", autocommit=True) as conn:
    try:
        conn.execute("INSERT INTO acct VALUES (%s, %s)", (1, "cAnArY-citus-bind"))
        sys.exit("duplicate key accepted")
    except psycopg.errors.UniqueViolation:
        pass
PY
grep -q "duplicate key value violates unique constraint \"acct_pkey" "$W1/server.log" "$W2/server.log" \
  || { echo "the worker did not log the failed write"; exit 1; }
if grep -aF "cAnArY-citus-bind" "${NODES[@]/%//server.log}"; then echo "a bind parameter's plaintext is in a node's log"; exit 1; fi
expect_error "$C" postgres 0A000 "STABLE functions used in UPDATE queries" "UPDATE people SET note = 'x' WHERE email = 'user44@example.com'"
id=$(q "SELECT id FROM people WHERE email = 'user44@example.com'")
q "DELETE FROM people WHERE id = $id" >/dev/null
assert_eq "the rewrite: look up the id, then DELETE by it" 0 "$(q "SELECT count(*) FROM people WHERE email = 'user44@example.com'")"

# rotate_key on the coordinator: the workers' backends (Citus keeps its connections, and with
# them their key caches) seal new values under version 2 at once.
version_of() { q "SELECT k.version FROM people p, LATERAL colcrypt.envelope_info(colcrypt.envelope(p.note)) e
                  JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id WHERE p.id = $1"; }
assert_eq "version 1 before" 1 "$(version_of 42)"
assert_eq "rotate_key" 2 "$(q "SELECT colcrypt.rotate_key('pii')")"
same_keys_everywhere "$W1" "$W2"
q "INSERT INTO people VALUES (2001, 'user2001@example.com', 'after rotation')" >/dev/null
assert_eq "a new write on a worker uses version 2" 2 "$(version_of 2001)"
# reencrypt runs in every shard; nothing is left under version 1.
out=$(cluster_psql "$C" -d postgres -c "CALL colcrypt.reencrypt('people', 'note', 1)" 2>&1) || { echo "reencrypt failed: $out"; exit 1; }
grep -q "32 of 32 shards done, 0 values left" <<<"$out" || { echo "reencrypt: $out"; exit 1; }
assert_eq "nothing left under version 1" 0 "$(q "SELECT count(*) FROM people WHERE colcrypt.needs_reseal(note)")"
assert_eq "all still readable" 1002 "$(q "SELECT count(*) FROM people WHERE note::text IS NOT NULL")"
expect_error "$C" postgres 0A000 "reference or local table" \
  "CREATE TABLE ref (v colcrypt.encrypted_text(pii)); SELECT create_reference_table('ref'); CALL colcrypt.reencrypt('ref', 'v')"

# Access changes reach every node: a denied role is refused whatever node decrypts.
q "CREATE ROLE app LOGIN; GRANT SELECT ON people TO app" >/dev/null
qa() { q "SET ROLE app; $1" | tail -n 1; }
assert_eq "app reads" "note 42" "$(qa "SELECT note FROM people WHERE id = 42")"
q "SELECT colcrypt.deny_plaintext('pii', 'app')" >/dev/null
same_keys_everywhere "$W1" "$W2"
expect_error "$C" postgres 42501 "permission denied to read the plaintext" "SET ROLE app; SELECT note FROM people WHERE id = 42"
q "SELECT colcrypt.allow_plaintext('pii', 'app')" >/dev/null
assert_eq "allowed again" "note 42" "$(qa "SELECT note FROM people WHERE id = 42")"
q "SELECT colcrypt.restrict_key_use('pii')" >/dev/null
expect_error "$C" postgres 42501 "permission denied to use colcrypt data key" "SET ROLE app; SELECT note FROM people WHERE id = 42"
q "SELECT colcrypt.grant_key_use('pii', 'app')" >/dev/null
assert_eq "granted" "note 42" "$(qa "SELECT note FROM people WHERE id = 42")"
assert_eq "in sync after the access changes" "55512=yes,55513=yes" "$(in_sync)"

# A denied login that switches to a role that is not denied (SET ROLE, set_config, a SECURITY
# DEFINER function) runs nothing on other nodes (src/citus_role_switch.rs): Citus connects to them
# as the current role, which is the session role there, so the workers did not see the denial.
# Before the change each of these gave snoop the plaintext (the cast, COPY and
# run_command_on_shards returned "note 42"); now each is refused on the coordinator.
# One statement per call: Citus runs role changes over one connection per node, which a
# transaction that has touched a distributed table no longer can.
for stmt in "CREATE ROLE snoopr LOGIN" "CREATE ROLE snoopr2 LOGIN" "CREATE ROLE snoop LOGIN IN ROLE snoopr, snoopr2" \
            "GRANT SELECT ON people TO snoopr, snoopr2" "GRANT INSERT ON people TO snoop" "GRANT CREATE ON SCHEMA public TO snoopr"; do
  q "$stmt" >/dev/null
done
# pii is restricted by now (above): each role may use it, so that what stops them is the denial.
q "SELECT colcrypt.grant_key_use('pii', r) FROM unnest(ARRAY['snoop', 'snoopr', 'snoopr2']::regrole[]) r" >/dev/null
q "SELECT colcrypt.deny_plaintext('pii', 'snoop'), colcrypt.deny_plaintext('pii', 'snoopr2')" >/dev/null
q "CREATE FUNCTION snoop_read(i int) RETURNS text LANGUAGE sql SECURITY DEFINER AS \$\$ SELECT note::text FROM people WHERE id = i \$\$;
   ALTER FUNCTION snoop_read(int) OWNER TO snoopr" >/dev/null
q "CREATE PROCEDURE snoop_call(i int) LANGUAGE plpgsql AS \$\$ BEGIN RAISE NOTICE '%', (SELECT note::text FROM people WHERE id = i); END \$\$;
   ALTER PROCEDURE snoop_call(int) OWNER TO snoopr" >/dev/null
q "SELECT create_distributed_function('snoop_call(int)', 'i', colocate_with := 'people')" >/dev/null
q "CREATE PROCEDURE snoop_local() LANGUAGE plpgsql AS \$\$ BEGIN PERFORM 1; END \$\$; GRANT EXECUTE ON PROCEDURE snoop_local() TO snoopr" >/dev/null
as_snoop() { echo "SET SESSION AUTHORIZATION snoop; $1"; }
switched="this session's login is denied the plaintext of colcrypt data key \"pii\", and role \"snoopr\" is not"
# The switch itself is refused, wherever the role changes: also in the middle of a statement,
# before Citus opens its connections (a CTE's set_config gave "note 3" in a review of the first
# fix, which checked only when each statement started).
q "CREATE TABLE snoop_local_rows (v int); INSERT INTO snoop_local_rows VALUES (1); GRANT SELECT ON snoop_local_rows TO snoop" >/dev/null
for stmt in "SET ROLE snoopr" \
            "SELECT set_config('role', 'snoopr', false)" \
            "WITH s AS MATERIALIZED (SELECT set_config('role', 'snoopr', false) v FROM snoop_local_rows) SELECT p.note::text FROM people p WHERE p.id = 3 AND p.id::text NOT IN (SELECT v FROM s)" \
            "PREPARE before_switch AS SELECT note::text FROM people WHERE id = 42; SET ROLE snoopr; EXECUTE before_switch"; do
  expect_error "$C" postgres 42501 "$switched" "$(as_snoop "$stmt")"
done
# A session that starts as the role (options=-c role=…), or a SECURITY DEFINER function, runs
# nothing on other nodes as it: each of these gave the plaintext before ("note 42" from the
# cast, COPY and run_command_on_shards; a shard move copies rows as the role, and a review
# stored every value as plaintext in a generated column that way).
starts_as="dbname=postgres user=snoop options=-crole=snoopr"
for stmt in "SELECT note::text FROM people WHERE id = 42" \
            "SELECT count(*) FROM people" \
            "COPY people TO STDOUT" \
            "SELECT result FROM run_command_on_shards('people', 'SELECT min(note::text) FROM %s')" \
            "SELECT citus_move_shard_placement(0, '127.0.0.1', 1, '127.0.0.1', 2)" \
            "EXPLAIN ANALYZE SELECT note::text FROM people WHERE id = 42" \
            "SET application_name = 'citus_internal gpid=10000000001'; SELECT note::text FROM people WHERE id = 42" \
            "ALTER TABLE people ADD COLUMN leaked text GENERATED ALWAYS AS (note::text) STORED" \
            "CALL snoop_call(42)" \
            "EXPLAIN (VERBOSE) SELECT id FROM people WHERE id = 2"; do
  expect_error "$C" "$starts_as" 42501 "$switched" "$stmt"
done
# Shard moves, copies and splits run partly as each table's owner on the target (its post-load
# DDL): a review had an index expression the login planted read every value there as the
# owner, without any switch. Refused for a denied login, switched or not; EXPLAIN without a
# switch still works.
owner_work="Citus runs shard moves, copies and splits partly as each table's owner"
for stmt in "SELECT citus_move_shard_placement(0, '127.0.0.1', 1, '127.0.0.1', 2)" \
            "SELECT citus_copy_shard_placement(0, '127.0.0.1', 1, '127.0.0.1', 2)" \
            "SELECT citus_rebalance_start()" \
            "SELECT rebalance_table_shards()"; do
  expect_error "$C" postgres 42501 "$owner_work" "$(as_snoop "$stmt")"
done
assert_eq "EXPLAIN without a switch" "1" "$(q "$(as_snoop "EXPLAIN SELECT id FROM people WHERE id = 2")" | grep -c 'Task Count: 1')"
expect_error "$C" postgres 42501 "$switched" "$(as_snoop "SELECT snoop_read(42)")"
# Such a session may RESET to the role at any point, also in the middle of a statement (a RESET
# skips the setting's check; a second review read every value so): its Citus work is refused
# after SET ROLE NONE too.
for stmt in "SET ROLE NONE; SELECT count(*) FROM people" \
            "SET ROLE NONE; WITH s AS MATERIALIZED (SELECT set_config('role', NULL, false) v FROM snoop_local_rows) SELECT p.note::text FROM people p WHERE p.id = 3 AND p.id::text NOT IN (SELECT v FROM s)"; do
  expect_error "$C" "$starts_as" 42501 "$switched" "$stmt"
done
# A SECURITY DEFINER function run by a parallel worker is checked there too (the review's
# PARALLEL SAFE function read every value in the worker before Citus' commit failed).
q "CREATE FUNCTION snoop_parallel() RETURNS text LANGUAGE plpgsql SECURITY DEFINER PARALLEL SAFE AS \$\$
   DECLARE t text; BEGIN SELECT string_agg(note::text, ',') INTO t FROM people; RETURN t; END \$\$" >/dev/null
q "ALTER FUNCTION snoop_parallel() OWNER TO snoopr" >/dev/null
expect_error "$C" postgres 42501 "$switched" "$(as_snoop "SET force_parallel_mode = on; SELECT snoop_parallel()")"
# Without a switch, a denied login creates what Citus propagates: Citus records the object as
# its extension's owner, whose metadata triggers run locally (a review found them refused).
q "GRANT CREATE ON SCHEMA public TO snoop" >/dev/null
q "$(as_snoop "CREATE FUNCTION public.snoop_own() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TYPE public.snoop_pair AS (a int)")" >/dev/null
q "DROP FUNCTION snoop_parallel(); DROP FUNCTION public.snoop_own(); DROP TYPE public.snoop_pair" >/dev/null
assert_eq "the session that starts as the role reads the catalog (Citus' shard filter is local)" "1" \
  "$(cluster_psql "$C" -d "$starts_as" -At -c "SELECT count(*) FROM pg_class WHERE relname = 'people'")"
# Not refused: the same login without a switch, a switch to a role denied too (the workers
# refuse its plaintext themselves), work that stays on this node, and a superuser's SET ROLE to
# the denied login.
assert_eq "no switch" "1002" "$(q "$(as_snoop "SELECT count(*) FROM people")" | tail -n 1)"
assert_eq "switch to a denied role" "1002" "$(q "$(as_snoop "SET ROLE snoopr2; SELECT count(*) FROM people")" | tail -n 1)"
expect_error "$C" postgres 42501 "permission denied to read the plaintext" "$(as_snoop "SET ROLE snoopr2; SELECT note::text FROM people WHERE id = 42")"
assert_eq "local work" "CALL|1" "$(cluster_psql "$C" -d "$starts_as" -At -c "CALL snoop_local(); SELECT count(*) FROM pg_class WHERE relname = 'people'" | paste -sd "|")"
# A key admin denied a key still manages keys: colcrypt's own statements run as the key tables'
# owner, not as work for the admin on other nodes (a review found every key function refused).
q "CREATE ROLE snoopka LOGIN" >/dev/null
q "GRANT colcrypt_key_admin TO snoopka" >/dev/null
q "SELECT colcrypt.deny_plaintext('pii', 'snoopka')" >/dev/null
cluster_psql "$C" -d "dbname=postgres user=snoopka" -q -c "SELECT colcrypt.deny_plaintext('pii', 'snoopr2'), colcrypt.allow_plaintext('pii', 'snoopka')" >/dev/null
assert_eq "a denied key admin changes access (and lifts its own denial)" "0" \
  "$(q "SELECT count(*) FROM colcrypt.plaintext_denials WHERE role = 'snoopka'::regrole")"
expect_error "$C" postgres 42501 "permission denied to read the plaintext" "SET ROLE snoop; SELECT note::text FROM people WHERE id = 42"
# A denied role writes no new values of its key through the coordinator: Citus sends them to the
# worker as text, which is their plaintext (README, "Citus").
expect_error "$C" postgres 42501 "permission denied to read the plaintext" "$(as_snoop "INSERT INTO people VALUES (5000, 'a@example.com', 'n')")"
# Denying the role switched to as well: the workers refuse, and the rest works again.
q "SELECT colcrypt.deny_plaintext('pii', 'snoopr')" >/dev/null
assert_eq "switch once that role is denied too" "1002" "$(q "$(as_snoop "SET ROLE snoopr; SELECT count(*) FROM people")" | tail -n 1)"
assert_eq "and start as it" "1002" "$(cluster_psql "$C" -d "$starts_as" -At -c "SELECT count(*) FROM people")"
expect_error "$C" postgres 42501 "permission denied to read the plaintext" "$(as_snoop "SELECT snoop_read(42)")"
assert_eq "no column was added" "0" "$(q "SELECT count(*) FROM pg_attribute WHERE attrelid = 'people'::regclass AND attname = 'leaked'")"
q "DROP FUNCTION snoop_read(int); DROP PROCEDURE snoop_call(int); DROP PROCEDURE snoop_local(); DROP TABLE snoop_local_rows" >/dev/null
q "SELECT colcrypt.allow_plaintext('pii', r), colcrypt.revoke_key_use('pii', r) FROM unnest(ARRAY['snoop', 'snoopr', 'snoopr2']::regrole[]) r" >/dev/null
for stmt in "REVOKE ALL ON people FROM snoop, snoopr, snoopr2" "REVOKE CREATE ON SCHEMA public FROM snoop, snoopr" "DROP ROLE snoop, snoopr, snoopr2, snoopka"; do
  q "$stmt" >/dev/null
done

# destroy_key: reads fail on every node at once, through the coordinator and on the shards.
q "SELECT colcrypt.create_key('shred')" >/dev/null
q "CREATE TABLE gone (id int, v colcrypt.encrypted_text(shred), live colcrypt.encrypted_text(pii))" >/dev/null
# Co-located with people: the shard moves below carry its values of the destroyed key.
q "SELECT create_distributed_table('gone', 'id', colocate_with => 'people')" >/dev/null
# Written during a logical-replication move, to be carried by its catch-up.
q "CREATE TABLE churn (id int, v colcrypt.encrypted_text(shred), live colcrypt.encrypted_text(pii))" >/dev/null
q "SELECT create_distributed_table('churn', 'id', colocate_with => 'people')" >/dev/null
q "INSERT INTO gone SELECT i, ('v' || i)::colcrypt.encrypted_text(shred), ('live ' || i)::colcrypt.encrypted_text(pii)
     FROM generate_series(1, 50) i" >/dev/null
assert_eq "readable before" 50 "$(q "SELECT count(v::text) FROM gone")"
q "SELECT colcrypt.destroy_key('shred')" >/dev/null
expect_error "$C" postgres 55000 'key "shred" was destroyed' "SELECT v FROM gone WHERE id = 1"
expect_error "$C" postgres 55000 'key "shred" was destroyed' "SELECT count(v::text) FROM gone"
for port in 55512 55513; do
  shard=$(q "SELECT shard_name('gone', shardid) FROM pg_dist_shard_placement WHERE shardid IN (SELECT shardid FROM pg_dist_shard WHERE logicalrelid = 'gone'::regclass) AND nodeport = $port LIMIT 1")
  expect_error "${NODES[$((port - 55511))]}" postgres 55000 'key "shred" was destroyed' "SELECT v FROM $shard"
done

# Destruction stays final on every node (attacker review): a key change from a REPEATABLE READ
# transaction, whose snapshot could predate another session's destroy_key, is refused; and a
# worker refuses a key state that would make a version destroyed there usable again.
expect_error "$C" postgres 0A000 "only in READ COMMITTED" \
  "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT colcrypt.create_key('rr'); COMMIT"
REVIVE="SELECT colcrypt.citus_apply_keys(pg_catalog.jsonb_build_object(
  'data_keys', (SELECT pg_catalog.jsonb_agg(CASE WHEN d.state = 'destroyed'
     THEN pg_catalog.to_jsonb(d) || pg_catalog.jsonb_build_object('state', 'active', 'wrapped', '\\x00'::bytea)
     ELSE pg_catalog.to_jsonb(d) END) FROM colcrypt.data_keys d),
  'plaintext_denials', '[]'::jsonb, 'restricted_keys', '[]'::jsonb, 'key_use_grants', '[]'::jsonb, 'key_names', '[]'::jsonb)::text)"
expect_error "$W1" postgres 55000 "destroyed here usable again" "$REVIVE"
assert_eq "the worker's shred key is still destroyed" destroyed \
  "$(sql "$W1" postgres "SELECT state FROM colcrypt.data_keys WHERE name = 'shred'")"

# rotate_master_key: every node reloads previous + new key; the coordinator re-wraps and
# every node gets the re-wrapped rows; then the old key goes and everything still opens.
make_master_key "$K/new.key"
set_master() { # set_master CURRENT [PREVIOUS] on every node, reloaded
  for d in "${NODES[@]}"; do
    sed -i '/^colcrypt\.\(previous_\)\?master_key_file/d' "$d/data/postgresql.conf"
    echo "colcrypt.master_key_file = '$1'" >>"$d/data/postgresql.conf"
    [ -z "${2:-}" ] || echo "colcrypt.previous_master_key_file = '$2'" >>"$d/data/postgresql.conf"
    sql "$d" postgres "SELECT pg_reload_conf()" >/dev/null
  done
}
set_master "$K/new.key" "$K/old.key"
sleep 1
n=$(q "SELECT colcrypt.rotate_master_key()")
# pii versions 1 and 2, by_admin, __blind_index, __transient (shred is destroyed: nothing to
# re-wrap).
assert_eq "rotate_master_key re-wrapped" 5 "$n"
same_keys_everywhere "$W1" "$W2"
# The digest covers the wrapped keys: the workers hold the re-wrapped rows.
assert_eq "in sync after rotate_master_key" "55512=yes,55513=yes" "$(in_sync)"
set_master "$K/new.key"
sleep 1
assert_eq "readable under the new master key alone" 1002 "$(q "SELECT count(note::text) FROM people")"

# Ids: only the coordinator's sequence makes them; the workers' sequences were never used and
# their rows carry the coordinator's ids.
assert_eq "workers never drew an id" "f,f" "$(for w in "$W1" "$W2"; do sql "$w" postgres "SELECT is_called FROM colcrypt.data_key_id_seq"; done | paste -sd,)"
assert_eq "ids of the first keys unchanged on every node" "$ids_before,$ids_before" "$(ids_of "$W1"),$(ids_of "$W2")"

# A node added later: out of sync until citus_sync_keys, then a shard moved to it is readable.
sed -i '/^colcrypt\.\(previous_\)\?master_key_file/d' "$N3/data/postgresql.conf"
echo "colcrypt.master_key_file = '$K/new.key'" >>"$N3/data/postgresql.conf"
sql "$N3" postgres "SELECT pg_reload_conf()" >/dev/null
# A reference table that the new node will lack until something copies it there (below).
q "CREATE TABLE lazy_ref (id int PRIMARY KEY)" >/dev/null
q "SELECT create_reference_table('lazy_ref')" >/dev/null
q "SELECT citus_add_node('127.0.0.1', 55514)" >/dev/null
assert_eq "colcrypt on the new node" 1 "$(sql "$N3" postgres "SELECT count(*) FROM pg_extension WHERE extname = 'colcrypt'")"
assert_eq "the new node is reported" "55512=yes,55513=yes,55514=no" "$(in_sync)"
assert_eq "citus_sync_keys" 3 "$(q "SELECT colcrypt.citus_sync_keys()")"
assert_eq "all in sync" "55512=yes,55513=yes,55514=yes" "$(in_sync)"
same_keys_everywhere "$N3"
# A login denied a key sets off no copy of a reference table to a node that lacks one: Citus
# copies them when a table is distributed (or added to its metadata, also implicitly), as a
# shard copy whose target builds the table's indexes as its owner, and a review read every
# value so through an index expression it had planted. Refused until an administrator
# replicates them.
for stmt in "CREATE ROLE lazyx LOGIN" "GRANT CREATE ON SCHEMA public TO lazyx"; do q "$stmt" >/dev/null; done
q "SELECT colcrypt.deny_plaintext('pii', 'lazyx')" >/dev/null
q "CREATE TABLE lazy_owned (id int); ALTER TABLE lazy_owned OWNER TO lazyx" >/dev/null
lazy="a Citus node lacks a reference table"
expect_error "$C" "dbname=postgres user=lazyx" 42501 "$lazy" "SELECT create_distributed_table('lazy_owned', 'id')"
expect_error "$C" "dbname=postgres user=lazyx" 42501 "$lazy" "CREATE TABLE lazy_mine (id int REFERENCES lazy_ref (id))"
q "SELECT replicate_reference_tables()" >/dev/null
assert_eq "once replicated, the denied login distributes its table" "" \
  "$(cluster_psql "$C" -d "dbname=postgres user=lazyx" -At -c "SELECT create_distributed_table('lazy_owned', 'id')")"
q "DROP TABLE lazy_owned, lazy_ref" >/dev/null
# Only what adds a table or a shard is checked: midway through a DROP of the only reference table
# with a table referencing it, Citus' drop trigger functions see a node lacking it (a review
# found that DROP refused).
cluster_psql "$C" -d "dbname=postgres user=lazyx" -q -c "CREATE TABLE lazy_xt (id int, w int)" \
  -c "SELECT create_distributed_table('lazy_xt', 'id')" -c "CREATE TABLE lazy_xr (a int PRIMARY KEY)" \
  -c "SELECT create_reference_table('lazy_xr')" -c "ALTER TABLE lazy_xt ADD CONSTRAINT lazy_fk FOREIGN KEY (w) REFERENCES lazy_xr (a)" \
  -c "DROP TABLE lazy_xt, lazy_xr" >/dev/null
q "SELECT colcrypt.allow_plaintext('pii', 'lazyx')" >/dev/null
for stmt in "REVOKE CREATE ON SCHEMA public FROM lazyx" "DROP ROLE lazyx"; do q "$stmt" >/dev/null; done
# Shard moves carry the stored envelopes (issue 14 item 3): the co-located shard of gone holds
# values of the destroyed key, which cannot be decrypted to be sent. Every moved value must arrive
# byte-identical (nothing decrypted and sealed again), live values read back, destroyed ones
# still fail 55000.
envelopes() { q "SELECT md5(string_agg(id || ':' || encode(colcrypt.envelope(v), 'hex') || ':' || encode(colcrypt.envelope(live), 'hex'), ',' ORDER BY id)) FROM gone"
              q "SELECT md5(string_agg(id || ':' || encode(colcrypt.envelope(email), 'hex') || ':' || encode(colcrypt.envelope(note), 'hex'), ',' ORDER BY id)) FROM people"; }
before=$(envelopes)
# A shard of people on PORT that holds rows of gone.
shard_with_gone() { q "SELECT min(shardid) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid)
  WHERE s.logicalrelid = 'people'::regclass AND p.nodeport = $1
  AND shardid IN (SELECT get_shard_id_for_distribution_column('people', i) FROM generate_series(1, 50) i)"; }
check_moved() { # check_moved WHAT SHARD PORT NODE_DIR
  assert_eq "$1: the moved shard is on the new node" "$3" "$(q "SELECT nodeport FROM pg_dist_shard_placement WHERE shardid = $2")"
  assert_eq "$1: envelopes byte-identical" "$before" "$(envelopes)"
  assert_eq "$1: live values read back" 50 "$(q "SELECT count(*) FROM gone WHERE live::text = 'live ' || id")"
  local gshard; gshard=$(q "SELECT shard_name('gone', s.shardid) FROM pg_dist_shard s JOIN pg_dist_shard p ON p.shardminvalue = s.shardminvalue
    WHERE s.logicalrelid = 'gone'::regclass AND p.logicalrelid = 'people'::regclass AND p.shardid = $2")
  assert_eq "$1: the co-located shard of gone has rows on the new node" t "$(sql "$4" postgres "SELECT count(*) > 0 FROM $gshard")"
  expect_error "$4" postgres 55000 'key "shred" was destroyed' "SELECT v FROM $gshard"
  assert_eq "$1: its live values read on the new node" 0 "$(sql "$4" postgres "SELECT count(*) FROM $gshard WHERE live::text <> 'live ' || id")"
}
SECONDS=0
shard=$(shard_with_gone 55512)
q "SELECT citus_move_shard_placement($shard, '127.0.0.1', 55512, '127.0.0.1', 55514, shard_transfer_mode => 'block_writes')" >/dev/null
check_moved "block_writes" "$shard" 55514 "$N3"
assert_eq "all readable after the move" 1002 "$(q "SELECT count(note::text) FROM people")"
moved_id=$(q "SELECT min(i) FROM generate_series(1, 1000) i WHERE i <> 44 AND get_shard_id_for_distribution_column('people', i) = $shard")
assert_eq "an equality lookup finds a row of the moved shard" "$moved_id" "$(q "SELECT id FROM people WHERE email = 'user$moved_id@example.com'")"
# The logical-replication mode (the default; force_logical as the tables have no replica
# identity): the initial copy, then the catch-up.
# Rows written during the move (a destroyed key's envelope copied on the worker, by an
# INSERT…SELECT pushed down to the shard) reach the new node through the catch-up, whose apply
# worker runs as Citus' demoted subscription owner.
shard2=$(shard_with_gone 55513)
cid=$(q "SELECT min(i) FROM generate_series(1, 50) i WHERE get_shard_id_for_distribution_column('people', i) = $shard2")
for i in $(seq 1 150); do echo "INSERT INTO churn SELECT id, v, live FROM gone WHERE id = $cid; SELECT pg_sleep(0.02);"; done \
  | cluster_psql "$C" -d postgres -At >"$RUN/churn.log" 2>&1 &
churn=$!
sleep 0.5
q "SELECT citus_move_shard_placement($shard2, '127.0.0.1', 55513, '127.0.0.1', 55514, shard_transfer_mode => 'force_logical')" >/dev/null
wait "$churn" || true
check_moved "force_logical" "$shard2" 55514 "$N3"
inserted=$(grep -c "^INSERT 0 1$" "$RUN/churn.log" || true)
[ "$inserted" -ge 1 ] || { echo "no write during the move: $(head -5 "$RUN/churn.log")"; exit 1; }
assert_eq "every row written during the move is on the new node" "$inserted" "$(q "SELECT count(*) FROM churn")"
assert_eq "written during the move: envelopes as written" "$inserted" "$(q "SELECT count(*) FROM churn c JOIN gone g USING (id)
  WHERE colcrypt.envelope(c.v) = colcrypt.envelope(g.v) AND colcrypt.envelope(c.live) = colcrypt.envelope(g.live)")"
echo "t_citus: $inserted rows written during the logical move, $(grep -c "ERROR" "$RUN/churn.log" || true) writes refused"
# The rebalancer: draining the new node moves both shards (and gone's) back.
q "SELECT citus_drain_node('127.0.0.1', 55514, shard_transfer_mode => 'block_writes')" >/dev/null
assert_eq "drained" 0 "$(q "SELECT count(*) FROM pg_dist_shard_placement WHERE nodeport = 55514")"
assert_eq "rebalancer: envelopes byte-identical" "$before" "$(envelopes)"
assert_eq "rebalancer: live values read back" 50 "$(q "SELECT count(*) FROM gone WHERE live::text = 'live ' || id")"
expect_error "$C" postgres 55000 'key "shred" was destroyed' "SELECT count(v::text) FROM gone"
# A table owned by an ordinary role (the usual case): Citus' catch-up then runs as a demoted
# member of that role, not of the bootstrap superuser, and must still load the rows the source
# shard stores (envelopes) as they are. A restricted key the owner is granted is in the path too.
# The catch-up also runs the owner's own code (CHECK constraints, triggers), which must get none
# of the catch-up's trust (an attacker review read a restricted key's values from a CHECK
# function): peek() tries, inside the catch-up, to read vault's values under a key app may not use.
q "SELECT colcrypt.create_key('own'), colcrypt.restrict_key_use('own')" >/dev/null
q "SELECT colcrypt.grant_key_use('own', 'app')" >/dev/null
q "SELECT colcrypt.create_key('topsec'), colcrypt.restrict_key_use('topsec')" >/dev/null
q "CREATE TABLE vault (id int, s colcrypt.encrypted_text(topsec))" >/dev/null
q "SELECT create_distributed_table('vault', 'id')" >/dev/null
q "INSERT INTO vault SELECT i, ('topsecret ' || i)::colcrypt.encrypted_text(topsec) FROM generate_series(1, 40) i" >/dev/null
q "GRANT SELECT ON vault TO app" >/dev/null
for w in "$W1" "$W2"; do sql "$w" postgres "CREATE TABLE public.peek_log (who text, v text); GRANT INSERT, SELECT ON public.peek_log TO PUBLIC" >/dev/null; done
cluster_psql "$C" -d postgres -q <<'SQL'
CREATE FUNCTION public.peek(int) RETURNS bool LANGUAGE plpgsql AS $f$
DECLARE r record;
BEGIN
  IF current_user::text LIKE 'citus_shard_%' THEN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c WHERE c.relname ~ '^vault_[0-9]+$' AND c.relkind = 'r' LOOP
      BEGIN
        EXECUTE format('INSERT INTO public.peek_log SELECT current_user, s::text FROM %s', r.rel);
      EXCEPTION WHEN others THEN INSERT INTO public.peek_log VALUES (current_user, 'refused ' || SQLSTATE);
      END;
    END LOOP;
  END IF;
  RETURN true;
END $f$;
SQL
q "CREATE TABLE owned (id int PRIMARY KEY, v colcrypt.encrypted_text(own), CHECK (public.peek(id)))" >/dev/null
q "SELECT create_distributed_table('owned', 'id', colocate_with => 'none')" >/dev/null
q "GRANT CREATE ON SCHEMA public TO app" >/dev/null  # the move creates the shard as its owner
q "ALTER TABLE owned OWNER TO app" >/dev/null
q "INSERT INTO owned SELECT i, ('owned ' || i)::colcrypt.encrypted_text(own) FROM generate_series(1, 200) i" >/dev/null
oshard=$(q "SELECT min(shardid) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'owned'::regclass AND p.nodeport = 55512")
owned_env() { q "SELECT md5(string_agg(id || ':' || encode(colcrypt.envelope(v), 'hex'), ',' ORDER BY id)) FROM owned WHERE id <= 200"; }
owned_before=$(owned_env)
# churn_owned SHARD FIRST: 150 single-row INSERTs into owned in the background ($churn), with
# ids from FIRST on that fall in SHARD; psql's output in owned_churn.log.
churn_owned() {
  q "SELECT string_agg(i::text, ' ') FROM (SELECT i FROM generate_series($2, $2 + 40000) i WHERE get_shard_id_for_distribution_column('owned', i) = $1 LIMIT 150) s" >"$RUN/owned_ids"
  for i in $(cat "$RUN/owned_ids"); do echo "INSERT INTO owned VALUES ($i, 'churn $i'); SELECT pg_sleep(0.02);"; done \
    | cluster_psql "$C" -d postgres -At >"$RUN/owned_churn.log" 2>&1 &
  churn=$!
  sleep 0.5
}
churn_owned "$oshard" 1000
q "SELECT citus_move_shard_placement($oshard, '127.0.0.1', 55512, '127.0.0.1', 55513, shard_transfer_mode => 'force_logical')" >/dev/null
wait "$churn" || true
assert_eq "owned by app: the moved shard is on the other worker" 55513 "$(q "SELECT nodeport FROM pg_dist_shard_placement WHERE shardid = $oshard")"
owned_inserted=$(grep -c "^INSERT 0 1$" "$RUN/owned_churn.log" || true)
[ "$owned_inserted" -ge 1 ] || { echo "no write during the move: $(head -5 "$RUN/owned_churn.log")"; exit 1; }
assert_eq "owned by app: envelopes byte-identical" "$owned_before" "$(owned_env)"
assert_eq "owned by app: every row written during the move reads back" "$owned_inserted" "$(q "SELECT count(*) FROM owned WHERE id > 200 AND v::text = 'churn ' || id")"
echo "t_citus: $owned_inserted rows written during the logical move of a table owned by app"
assert_eq "the owner's code in the catch-up read no restricted value" 0 "$(sql "$W2" postgres "SELECT count(*) FROM peek_log WHERE v LIKE 'topsecret%'")"
assert_eq "and was refused the key (so it ran there)" t "$(sql "$W2" postgres "SELECT count(*) > 0 FROM peek_log WHERE v = 'refused 42501'")"
# Shard splits carry envelopes too (worker_split_copy): a blocking split of a shard co-located
# with gone's destroyed-key values, one new shard on the same node (a local copy), one on the
# other worker (Citus' COPY into a shard its metadata does not hold yet).
split_at() { # split_at SHARD MODE NODE_PORT NODE_PORT: at the middle of the shard's hash range
  local lo hi n1 n2
  IFS='|' read -r lo hi <<<"$(q "SELECT shardminvalue, shardmaxvalue FROM pg_dist_shard WHERE shardid = $1")"
  n1=$(q "SELECT nodeid FROM pg_dist_node WHERE nodeport = $3"); n2=$(q "SELECT nodeid FROM pg_dist_node WHERE nodeport = $4")
  q "SELECT citus_split_shard_by_split_points($1, ARRAY['$(( (lo + hi) / 2 ))'], ARRAY[$n1, $n2], shard_transfer_mode => '$2')" >/dev/null
}
sshard=$(shard_with_gone 55512)
split_at "$sshard" block_writes 55512 55513
assert_eq "split: the old shard is gone" 0 "$(q "SELECT count(*) FROM pg_dist_shard WHERE shardid = $sshard")"
assert_eq "split: envelopes byte-identical" "$before" "$(envelopes)"
assert_eq "split: live values read back" 50 "$(q "SELECT count(*) FROM gone WHERE live::text = 'live ' || id")"
assert_eq "split: every row of people reads back" 1002 "$(q "SELECT count(note::text) FROM people")"
expect_error "$C" postgres 55000 'key "shred" was destroyed' "SELECT count(v::text) FROM gone"
split_id=$(q "SELECT min(i) FROM generate_series(1, 50) i WHERE i <> 44 AND get_shard_id_for_distribution_column('people', i) IN
  (SELECT shardid FROM pg_dist_shard_placement WHERE nodeport = 55513) AND i IN (SELECT id FROM gone)")
assert_eq "split: an equality lookup finds a row of a new shard" "$split_id" "$(q "SELECT id FROM people WHERE email = 'user$split_id@example.com'")"
# A non-blocking split (logical replication) of app's table, with writes during the split that
# reach the new shards through the catch-up (Citus' split subscription role).
oshard=$(q "SELECT min(shardid) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'owned'::regclass AND p.nodeport = 55513")
owned_before=$(owned_env)
churn_owned "$oshard" 50000
split_at "$oshard" force_logical 55513 55512
wait "$churn" || true
assert_eq "logical split: the old shard is gone" 0 "$(q "SELECT count(*) FROM pg_dist_shard WHERE shardid = $oshard")"
assert_eq "logical split: envelopes byte-identical" "$owned_before" "$(owned_env)"
split_inserted=$(grep -c "^INSERT 0 1$" "$RUN/owned_churn.log" || true)
[ "$split_inserted" -ge 1 ] || { echo "no write during the split: $(head -5 "$RUN/owned_churn.log")"; exit 1; }
assert_eq "logical split: every row written during the split reads back" "$((owned_inserted + split_inserted))" \
  "$(q "SELECT count(*) FROM owned WHERE id > 200 AND v::text = 'churn ' || id")"
echo "t_citus: $split_inserted rows written during the logical split"
for w in "$W1" "$W2"; do
  assert_eq "the owner's code in the split's catch-up read no restricted value" 0 "$(sql "$w" postgres "SELECT count(*) FROM peek_log WHERE v LIKE 'topsecret%'")"
done
# create_distributed_table_concurrently distributes a local table through the split copy, from
# the coordinator: its destroyed-key and live values arrive as they were stored.
q "CREATE TABLE later (id int PRIMARY KEY, v colcrypt.encrypted_text(pii), gone colcrypt.encrypted_text(shred2))" >/dev/null
q "SELECT colcrypt.create_key('shred2')" >/dev/null
q "INSERT INTO later SELECT i, 'later ' || i, 'doomed ' || i FROM generate_series(1, 100) i" >/dev/null
q "SELECT colcrypt.destroy_key('shred2')" >/dev/null
later_env() { q "SELECT md5(string_agg(id || ':' || encode(colcrypt.envelope(v), 'hex') || ':' || encode(colcrypt.envelope(gone), 'hex'), ',' ORDER BY id)) FROM later"; }
later_before=$(later_env)
q "SELECT create_distributed_table_concurrently('later', 'id')" >/dev/null
assert_eq "create_distributed_table_concurrently: distributed" t "$(q "SELECT count(*) > 1 FROM pg_dist_shard WHERE logicalrelid = 'later'::regclass")"
assert_eq "create_distributed_table_concurrently: envelopes byte-identical" "$later_before" "$(later_env)"
assert_eq "create_distributed_table_concurrently: live values read back" 100 "$(q "SELECT count(*) FROM later WHERE v::text = 'later ' || id")"
echo "t_citus: shard moves took ${SECONDS}s"
# The target's marker is narrow: binary COPY of envelopes (made under ciphertext_io) into a shard
# placed on the node, as Citus' shape, is refused as before, even for a superuser; so is one into
# a table named like a shard placed elsewhere (the marker faked), not over Citus' connection.
placed=$(q "SELECT shard_name('people', shardid) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'people'::regclass AND p.nodeport = 55512 ORDER BY shardid LIMIT 1")
cluster_psql "$W1" -d postgres -q -c "SET colcrypt.ciphertext_io = on" \
  -c "COPY (SELECT id, email, note FROM $placed LIMIT 1) TO STDOUT WITH (format binary)" >"$RUN/envelopes.bin"
elsewhere=$(q "SELECT shard_name('people', shardid) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'people'::regclass AND p.nodeport = 55513 ORDER BY shardid LIMIT 1")
copy_in() { # copy_in ROLE TABLE: Citus' COPY statement, envelopes.bin on stdin
  cluster_psql "$W1" -d postgres -At -v VERBOSITY=verbose -c "SET ROLE $1" -c "SET citus.enable_manual_changes_to_shards = on" \
    -c "COPY $2 (id, email, note) FROM STDIN WITH (format binary);" <"$RUN/envelopes.bin" 2>&1
}
out=$(copy_in postgres "public.$placed") && { echo "envelopes accepted into a placed shard: $out"; exit 1; }
grep -q "ERROR:  22P03:" <<<"$out" || { echo "placed shard: $out"; exit 1; }
sql "$W1" postgres "SET ROLE app; CREATE TABLE $elsewhere (id int, email colcrypt.encrypted_text(pii, searchable), note colcrypt.encrypted_text(pii))" >/dev/null
# Not over Citus' own connection, such a trap is no shard copy's target: by its owner or by a
# superuser (whom an owner could ask to load a file), envelopes are refused as anywhere.
for role in app postgres; do
  out=$(copy_in $role "public.$elsewhere") && { echo "a faked shard copy by $role loaded envelopes: $out"; exit 1; }
  grep -q "ERROR:  22P03:" <<<"$out" || { echo "faked shard copy by $role: $out"; exit 1; }
done
assert_eq "nothing loaded" 0 "$(sql "$W1" postgres "SELECT count(*) FROM $elsewhere")"
sql "$W1" postgres "SET citus.enable_manual_changes_to_shards = on; DROP TABLE $elsewhere" >/dev/null
# A trap named like a split's new shard (a shard id Citus does not know) that a table owner made:
# a superuser's COPY of envelopes into it is refused, as into any table (only Citus' own
# connections write a split's new shards; an attacker review had stolen envelopes loaded so).
sql "$W1" postgres "SET ROLE app; CREATE TABLE public.people_999999 (id int, email colcrypt.encrypted_text(pii, searchable), note colcrypt.encrypted_text(pii))" >/dev/null
out=$(copy_in postgres "public.people_999999") && { echo "envelopes loaded into a split-shard trap: $out"; exit 1; }
grep -q "ERROR:  22P03:" <<<"$out" || { echo "split-shard trap: $out"; exit 1; }
sql "$W1" postgres "DROP TABLE public.people_999999" >/dev/null

# No canary (COPY's plaintext) in any node's files or logs.
for d in "${ALL[@]}"; do sql "$d" postgres "CHECKPOINT" >/dev/null; done
if grep -rlaF -e "cAnArY-citus-copy" -e "cAnArY-xfer" "${ALL[@]/%//data}" "${ALL[@]/%//server.log}" 2>/dev/null; then
  echo "the COPY canary is in a node's files or logs"; exit 1
fi
echo "t_citus: all assertions passed"
