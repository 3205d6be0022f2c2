"""psycopg 3 through colcrypt_drivers.psycopg, in text or binary format (argv[1]), over TLS
(verify-full, from the PG* environment)."""
import datetime
import decimal
import struct
import sys

import psycopg
from psycopg.types.datetime import (DatetimeBinaryDumper, DatetimeDumper, TimestamptzBinaryLoader,
                                    TimestamptzLoader)
from psycopg.types.json import Jsonb

import colcrypt_drivers.psycopg
from common import BIG, INF, NINF, UTC, check_rows, ddl, rows, uses_index

mode = sys.argv[1]
binary = mode == "binary"

# psycopg's documented recipe for infinite timestamps, on the plaintext type: colcrypt's
# registration reuses whatever loader the connection has for timestamptz.
PINF, PNINF = 2**63 - 1, -2**63


class InfLoader(TimestamptzLoader):
    def load(self, data):
        return {b"infinity": INF, b"-infinity": NINF}.get(bytes(data)) or super().load(data)


class InfBinaryLoader(TimestamptzBinaryLoader):
    def load(self, data):
        return {PINF: INF, PNINF: NINF}.get(struct.unpack(">q", data)[0]) or super().load(data)


class InfDumper(DatetimeDumper):
    def dump(self, obj):
        return {INF: b"infinity", NINF: b"-infinity"}.get(obj) or super().dump(obj)


class InfBinaryDumper(DatetimeBinaryDumper):
    def dump(self, obj):
        return {INF: struct.pack(">q", PINF), NINF: struct.pack(">q", PNINF)}.get(obj) or super().dump(obj)


conn = psycopg.connect(autocommit=True)
assert conn.info.pgconn.ssl_in_use
conn.adapters.register_loader("timestamptz", InfLoader)
conn.adapters.register_loader("timestamptz", InfBinaryLoader)
conn.adapters.register_dumper(datetime.datetime, InfDumper)
conn.adapters.register_dumper(datetime.datetime, InfBinaryDumper)
oids = colcrypt_drivers.psycopg.register(conn)
assert len(oids) == 10, oids

T = f"psy_{mode}"
conn.execute(ddl(T))
cur = conn.cursor(binary=binary)
ph = "%b" if binary else "%s"
params = lambda n: ", ".join([ph] * n)  # noqa: E731
want = rows()
as_params = lambda r: tuple(Jsonb(v) if i == 4 and v is not None else v for i, v in enumerate(r))  # noqa: E731
for r in want:
    cur.execute(f"INSERT INTO {T} VALUES ({params(12)})", as_params(r), prepare=True)
cur.execute(f"SELECT * FROM {T} ORDER BY id")
check_rows(f"{mode} select", cur.fetchall(), want)
# A single column, typed: int, Decimal, bytes and datetime, not strings.
cur.execute(f"SELECT i8, n, b, ts FROM {T} WHERE id = 2")
assert cur.fetchone() == (2**63 - 1, want[1][7], b"", NINF)

# Lookup by the searchable column with a typed parameter (text in binary format; psycopg's
# untyped string in text format), through the blind index.
eq = f"ssn = {ph}"
cur.execute(f"SELECT id, t FROM {T} WHERE {eq}", ("ssn-2",))
assert cur.fetchall() == [(2, "")]
# Python ints go as int2/int4/int8 (by size), a Decimal as numeric, a date as date: each
# compares with its encrypted column through a cross-type operator.
cur.execute(f"SELECT id FROM {T} WHERE i8 = {ph} OR i4 = {ph} OR n = {ph} OR d = {ph} ORDER BY id",
            (-2**63, 2**31 - 1, want[1][7], want[0][10]))
assert [r[0] for r in cur.fetchall()] == [1, 2]
# A float against the numeric column, a Decimal against an integer one, a datetime against the
# date column (its midnight in the session's TimeZone: UTC here).
cur.execute(f"SELECT id FROM {T} WHERE n = {ph} AND i4 = {ph} ORDER BY id", (12345.6789, decimal.Decimal("2147483647.0")))
assert [r[0] for r in cur.fetchall()] == [2]
# Floats against the integer columns: equal only to the integer they are.
cur.execute(f"SELECT id FROM {T} WHERE i4 = {ph} OR i8 = {ph} ORDER BY id", (2147483647.0, float(-2**63)))
assert [r[0] for r in cur.fetchall()] == [1, 2]
cur.execute(f"SELECT id FROM {T} WHERE i4 = {ph}", (2147483646.5,))
assert cur.fetchall() == []
cur.execute("SET TimeZone = 'UTC'")
cur.execute(f"SELECT id FROM {T} WHERE d = {ph}", (datetime.datetime(2024, 2, 29, tzinfo=UTC),))
assert [r[0] for r in cur.fetchall()] == [1]
cur.execute("SET enable_seqscan = off")
cur.execute(f"EXPLAIN SELECT id FROM {T} WHERE {eq}", ("ssn-2",))
uses_index([r[0] for r in cur.fetchall()], f"{T}_ssn_key")
cur.execute("RESET enable_seqscan")

# Update and upsert on the searchable UNIQUE column.
cur.execute(f"UPDATE {T} SET t = {ph}, i8 = {ph}, j = {ph} WHERE id = {ph}", ("updated ✓", -7, Jsonb({"u": 1}), 2))
cur.execute(f"SELECT t, i8, j FROM {T} WHERE id = 2")
assert cur.fetchone() == ("updated ✓", -7, {"u": 1})
for new_id, text in ((4, "inserted"), (5, "upserted")):
    cur.execute(f"INSERT INTO {T} (id, ssn, t) VALUES ({params(3)}) ON CONFLICT (ssn) DO UPDATE SET t = EXCLUDED.t",
                (new_id, "ssn-upsert", text))
cur.execute(f"SELECT id, t FROM {T} WHERE id >= 4")
assert cur.fetchall() == [(4, "upserted")]

# COPY in this format: rows in with write_row, out with rows().
C = f"{T}_copy"
conn.execute(ddl(C))
types = ["int4"] + [f"colcrypt.{t}" for t in ("encrypted_text", "encrypted_text", "encrypted_bytea", "encrypted_jsonb",
         "encrypted_int4", "encrypted_int8", "encrypted_numeric", "encrypted_float8", "encrypted_bool",
         "encrypted_date", "encrypted_timestamptz")]
fmt = " (FORMAT BINARY)" if binary else ""
with cur.copy(f"COPY {C} FROM STDIN{fmt}") as copy:
    copy.set_types(types)
    for r in want:
        copy.write_row(as_params(r))
with cur.copy(f"COPY (SELECT * FROM {C} ORDER BY id) TO STDOUT{fmt}") as copy:
    copy.set_types(types)
    got = list(copy.rows())
check_rows(f"{mode} copy", got, want)
cur.execute(f"SELECT count(*) FROM {C} c JOIN {T} t ON t.id = c.id AND t.ssn = c.ssn")
assert cur.fetchone()[0] == 3  # equal blind indexes across the two tables join

# A client that sends the wrong binary form gets told which one to send, and nothing is stored:
# int8's 8 bytes for an encrypted_int4 column, and an envelope (colcrypt.envelope()) as plaintext.
if binary:
    for wrong_types, row, needle in (
            # int4recv reads 4 of the 8 bytes; colcrypt reports the rest, naming the type to send.
            (["int4", "int8"], (9, 1), "send the binary form of int4"),
            (["int4", "bytea"], (9, bytes(conn.execute("SELECT colcrypt.envelope(i4) FROM psy_binary WHERE id = 1").fetchone()[0])),
             "colcrypt.ciphertext_io = on")):
        try:
            with cur.copy(f"COPY {C} (id, i4) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(wrong_types)
                copy.write_row(row)
            raise AssertionError(f"COPY with {wrong_types} was accepted")
        except psycopg.errors.InvalidBinaryRepresentation as e:
            assert needle in str(e), str(e)
    assert conn.execute(f"SELECT count(*) FROM {C} WHERE id = 9").fetchone()[0] == 0
print(f"psycopg {mode}: {len(BIG)} character value, all ten types, lookup, update, upsert, COPY")
