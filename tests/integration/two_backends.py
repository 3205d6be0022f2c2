"""Two sessions: one caches a server-managed key, the other rotates or destroys it; the first
obeys by its next statement. Also reports the cost of a key's first use in a backend (unwrap,
one catalog query) against later uses. Run by t_two_backends.sh."""
import sys
import time

import psycopg2

host, port = sys.argv[1], sys.argv[2]


def connect():
    c = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres")
    c.autocommit = True
    return c


a, b = connect(), connect()
ca, cb = a.cursor(), b.cursor()


def one(cur, sql, args=None):
    cur.execute(sql, args)
    return cur.fetchone()[0]


def sqlstate(cur, sql, args=None):
    try:
        cur.execute(sql, args)
    except psycopg2.Error as e:
        return e.pgcode
    return None


one(cb, "SELECT colcrypt.create_key('shared')")
ct = one(ca, "SELECT colcrypt.server_encrypt_text('shared', 'hello')")
v1 = one(ca, "SELECT envelope_key_id FROM colcrypt.keys WHERE name = 'shared' AND version = 1")
assert one(ca, "SELECT key_id FROM colcrypt.envelope_info(%s)", (ct,)) == v1

# B rotates; A's very next statement seals under version 2.
assert one(cb, "SELECT colcrypt.rotate_key('shared')") == 2
v2 = one(cb, "SELECT envelope_key_id FROM colcrypt.keys WHERE name = 'shared' AND version = 2")
ct2 = one(ca, "SELECT colcrypt.server_encrypt_text('shared', 'hello again')")
got = one(ca, "SELECT key_id FROM colcrypt.envelope_info(%s)", (ct2,))
assert got == v2, f"after another session's rotation A sealed under {got}, not the new version {v2}"
assert one(ca, "SELECT colcrypt.server_decrypt_text(%s)", (ct,)) == "hello"

# The same inside an open transaction of A (READ COMMITTED): the next statement obeys.
a.autocommit = False
assert one(ca, "SELECT colcrypt.server_decrypt_text(%s)", (ct2,)) == "hello again"
one(cb, "SELECT colcrypt.destroy_key('shared')")
state = sqlstate(ca, "SELECT colcrypt.server_decrypt_text(%s)", (ct2,))
assert state == "55000", f"after another session destroyed the key A got {state}, not 55000"
a.rollback()
a.autocommit = True
assert sqlstate(ca, "SELECT colcrypt.server_decrypt_text(%s)", (ct,)) == "55000"
assert sqlstate(ca, "SELECT colcrypt.server_encrypt_text('shared', 'x')") == "55000"

# Cost of the first use in a fresh backend against later uses (medians of several backends).
one(cb, "SELECT colcrypt.create_key('timing')")
# Another session's refused CREATE INDEX CONCURRENTLY, committed while a DDL transaction runs,
# does not fail that transaction: the event trigger took catalog rows with age(xmin) <= 0, which
# includes a later transaction's, as its own (an attacker review failed any role's migration
# this way, and a single long ALTER TABLE too).
one(cb, "SELECT colcrypt.create_key('ddl') > 0")
ca.execute("CREATE TABLE ddl_other (v colcrypt.encrypted_text(ddl))")
a.autocommit = False
ca.execute("CREATE TABLE ddl_mig1 (a int)")
assert sqlstate(cb, "CREATE INDEX CONCURRENTLY ddl_other_ix ON ddl_other (v)") == "0A000"
ca.execute("CREATE TABLE ddl_mig2 (a int)")
a.commit()
a.autocommit = True
assert one(ca, "SELECT count(*) FROM pg_class WHERE relname IN ('ddl_mig1', 'ddl_mig2')") == 2
assert one(ca, "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 'ddl_other_ix'::regclass")

# A row type gains an encrypted field in a REPEATABLE READ transaction whose snapshot predates a
# table partitioned by that type: the event trigger's catalog queries do not see the table, but
# its first partition is refused (an attacker review placed values that are not searchable in
# partitions by their plaintext this way, readable by a role denied them).
a.autocommit = False
ca.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
ca.execute("SELECT 1")
cb.execute("CREATE TYPE ddl_ct AS (a int)")
cb.execute("CREATE TABLE ddl_pp (id int, c ddl_ct) PARTITION BY LIST (c)")
ca.execute("ALTER TYPE ddl_ct ADD ATTRIBUTE e colcrypt.encrypted_text(ddl)")
a.commit()
a.autocommit = True
assert sqlstate(cb, "CREATE TABLE ddl_pp_flu PARTITION OF ddl_pp FOR VALUES IN (ROW(1, 'flu'))") == "0A000"
cb.execute("CREATE TABLE ddl_pp_any (id int, c ddl_ct)")
assert sqlstate(cb, "ALTER TABLE ddl_pp ATTACH PARTITION ddl_pp_any FOR VALUES IN (ROW(2, NULL))") == "0A000"

ct = one(cb, "SELECT colcrypt.server_encrypt_text('timing', 'x')")
first, later = [], []
for _ in range(21):
    c = connect()
    cur = c.cursor()
    cur.execute("SELECT 1")
    t = time.perf_counter()
    cur.execute("SELECT colcrypt.server_decrypt_text(%s)", (ct,))
    first.append(time.perf_counter() - t)
    t = time.perf_counter()
    cur.execute("SELECT colcrypt.server_decrypt_text(%s)", (ct,))
    later.append(time.perf_counter() - t)
    c.close()
med = lambda xs: sorted(xs)[len(xs) // 2] * 1e6
print(f"first use of a key in a backend: {med(first):.0f} us per statement; a later statement: {med(later):.0f} us (round trips included)")
