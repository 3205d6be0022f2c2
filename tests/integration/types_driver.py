"""The transparent types through a real driver (psycopg 3) over the extended protocol: text and
binary parameters and results, prepared statements, and COPY in text and binary format.
Run by t_types_driver.sh with the socket directory and port."""
import datetime
import decimal
import sys

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types.json import Jsonb

conn = psycopg.connect(host=sys.argv[1], port=sys.argv[2], user="postgres", dbname="postgres", autocommit=True)
cur = conn.cursor()
cur.execute("SELECT colcrypt.create_key('drv'), colcrypt.create_key('other')")
cur.execute("""CREATE TABLE drv (id int PRIMARY KEY, t colcrypt.encrypted_text(drv), i8 colcrypt.encrypted_int8(drv),
    num colcrypt.encrypted_numeric(drv), f8 colcrypt.encrypted_float8(drv), bo colcrypt.encrypted_bool(drv),
    d colcrypt.encrypted_date(drv), ts colcrypt.encrypted_timestamptz(drv), j colcrypt.encrypted_jsonb(drv),
    b colcrypt.encrypted_bytea(drv))""")
cur.execute("CREATE TABLE other (id int PRIMARY KEY, t colcrypt.encrypted_text(other))")
cur.execute("SET TimeZone = 'UTC'")

rows = [
    (1, "Zürich ✓", 2**62, decimal.Decimal("12345.678900"), 0.1, True, datetime.date(2024, 2, 29),
     datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc), Jsonb({"a": [1, "ü"]}), b"\x00\xff"),
    (2, "", -1, decimal.Decimal("-0.5"), -1e300, False, datetime.date(1, 1, 1),
     datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc), Jsonb([]), b""),
]
# Text-format parameters, prepared statement (extended protocol).
for r in rows:
    cur.execute("INSERT INTO drv VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", r, prepare=True)
cur.execute("INSERT INTO drv (id, t) VALUES (%s, %s)", (3, None))

# Text results: the plaintext.
cur.execute("SELECT id, t, i8::bigint, num::numeric, f8::float8, bo::bool, d::date, ts::timestamptz, j::jsonb, b::bytea FROM drv ORDER BY id")
got = cur.fetchall()
assert got[0] == (1, "Zürich ✓", 2**62, decimal.Decimal("12345.678900"), 0.1, True, datetime.date(2024, 2, 29),
                  datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc), {"a": [1, "ü"]}, b"\x00\xff"), got[0]
assert got[1] == (2, "", -1, decimal.Decimal("-0.5"), -1e300, False, datetime.date(1, 1, 1),
                  datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc), [], b""), got[1]
assert got[2][1] is None
cur.execute("SELECT t FROM drv WHERE id = %s", (1,))
assert cur.fetchone()[0] == "Zürich ✓"  # the type's text output, unknown to psycopg, arrives as str

# Binary results: the plaintext type's binary form (what a driver decodes for it).
import struct
cur.execute("SELECT t, i8, bo FROM drv WHERE id = 1", binary=True)
t_bin, i8_bin, bo_bin = (bytes(v) for v in cur.fetchone())
assert t_bin == "Zürich ✓".encode(), t_bin
assert i8_bin == struct.pack(">q", 2**62), i8_bin
assert bo_bin == b"\x01", bo_bin

oid = conn.execute("SELECT 'colcrypt.encrypted_text'::regtype::oid").fetchone()[0]
i8oid = conn.execute("SELECT 'colcrypt.encrypted_int8'::regtype::oid").fetchone()[0]


class Raw(bytes):
    """Bytes sent as-is in binary format, as the type's binary input."""


class RawDumper(Dumper):
    format = Format.BINARY

    def dump(self, obj):
        return bytes(obj)


class RawI8(bytes):
    pass


class RawI8Dumper(RawDumper):
    pass


RawDumper.oid = oid
RawI8Dumper.oid = i8oid
conn.adapters.register_dumper(Raw, RawDumper)
conn.adapters.register_dumper(RawI8, RawI8Dumper)
cur = conn.cursor()  # a cursor copies the adapters it was made with

# Binary parameters are the plaintext's binary form, sealed under the column's key.
cur.execute("INSERT INTO other VALUES (%s, %b)", (1, Raw("Zürich ✓".encode())))
cur.execute("SELECT t FROM other WHERE id = 1")
assert cur.fetchone()[0] == "Zürich ✓"
cur.execute("""SELECT e.key_id = k.envelope_key_id FROM other, colcrypt.envelope_info(colcrypt.envelope(t)) e,
               colcrypt.keys k WHERE k.name = 'other'""")
assert cur.fetchone()[0] is True, "a binary value must be sealed under the column's key"
cur.execute("INSERT INTO drv (id, i8) VALUES (%s, %b)", (4, RawI8(struct.pack(">q", -2**63))))
assert conn.execute("SELECT i8::bigint FROM drv WHERE id = 4").fetchone()[0] == -2**63

# An envelope sent where the plaintext's binary form belongs is refused with what to do instead
# (not stored as text that happens to be ciphertext); a malformed int8 is refused; nothing stored.
# An untyped parameter written into an encrypted_text column is typed text (src/param_types.rs),
# so text's input refuses the envelope's bytes (not UTF-8), and the hint says what to send.
env = conn.execute("SELECT colcrypt.envelope(t) FROM other WHERE id = 1").fetchone()[0]
for bad, table, code in [(Raw(env), "other", "22021"), (RawI8(b"\x00\x01\x02"), "drv", "22P03")]:
    try:
        col = "t" if table == "other" else "i8"
        cur.execute(f"INSERT INTO {table} (id, {col}) VALUES (%s, %b)", (99, bad))
        raise AssertionError("bad binary input was accepted")
    except psycopg.Error as e:
        assert e.sqlstate == code, (e.sqlstate, str(e))
        if isinstance(bad, Raw):
            assert "ciphertext_io" in str(e), str(e)
assert conn.execute("SELECT count(*) FROM other").fetchone()[0] == 1
assert conn.execute("SELECT count(*) FROM drv WHERE id = 99").fetchone()[0] == 0

# Under colcrypt.ciphertext_io, binary I/O carries envelopes: out, back in (into a column under
# another key: re-sealed), and a damaged one is refused.
cur.execute("SET colcrypt.ciphertext_io = on")
cur.execute("SELECT t FROM drv WHERE id = 1", binary=True)
env = bytes(cur.fetchone()[0])
assert env[:4] == b"CC\x01\x02" and len(env) == len("Zürich ✓".encode()) + 80, env[:4]
assert "Zürich".encode() not in env
cur.execute("INSERT INTO other VALUES (%s, %b)", (2, Raw(env)))
bad = bytearray(env)
bad[70] ^= 1
try:
    cur.execute("INSERT INTO other VALUES (%s, %b)", (3, Raw(bytes(bad))))
    raise AssertionError("a damaged envelope was accepted")
except psycopg.errors.DataException:
    pass
cur.execute("RESET colcrypt.ciphertext_io")
cur.execute("SELECT t FROM other WHERE id = 2")
assert cur.fetchone()[0] == "Zürich ✓"
cur.execute("""SELECT e.key_id = k.envelope_key_id FROM other, colcrypt.envelope_info(colcrypt.envelope(t)) e,
               colcrypt.keys k WHERE k.name = 'other' AND id = 2""")
assert cur.fetchone()[0] is True, "an envelope for a column under another key must be re-sealed under it"
assert conn.execute("SELECT count(*) FROM other").fetchone()[0] == 2

# COPY, text format: plaintext in, plaintext out.
with cur.copy("COPY other (id, t) FROM STDIN") as copy:
    for i in range(10, 20):
        copy.write_row((i, f"copied {i}"))
with cur.copy("COPY (SELECT id, t FROM other WHERE id >= 10 ORDER BY id) TO STDOUT") as copy:
    text_out = b"".join(bytes(b) for b in copy)
assert text_out.decode().splitlines()[0] == "10\tcopied 10", text_out[:40]

# COPY, binary format: the plaintexts' binary forms out and in (sealed under the target's key).
with cur.copy("COPY (SELECT id, t FROM other WHERE id >= 10) TO STDOUT (FORMAT BINARY)") as copy:
    binary_out = b"".join(bytes(b) for b in copy)
assert b"copied 10" in binary_out
cur.execute("CREATE TABLE other2 (id int, t colcrypt.encrypted_text(drv))")
with cur.copy("COPY other2 FROM STDIN (FORMAT BINARY)") as copy:
    copy.write(binary_out)
cur.execute("SELECT count(*) FROM other2 WHERE t::text = 'copied ' || id")
assert cur.fetchone()[0] == 10
cur.execute("""SELECT count(*) FROM other2, colcrypt.envelope_info(colcrypt.envelope(t)) e, colcrypt.keys k
               WHERE k.name = 'drv' AND k.envelope_key_id = e.key_id""")
assert cur.fetchone()[0] == 10

# COPY, binary format under ciphertext_io: envelopes out (no plaintext) and in (re-sealed).
cur.execute("SET colcrypt.ciphertext_io = on")
with cur.copy("COPY (SELECT id, t FROM other WHERE id >= 10) TO STDOUT (FORMAT BINARY)") as copy:
    env_out = b"".join(bytes(b) for b in copy)
assert b"copied" not in env_out
cur.execute("CREATE TABLE other3 (id int, t colcrypt.encrypted_text(drv))")
with cur.copy("COPY other3 FROM STDIN (FORMAT BINARY)") as copy:
    copy.write(env_out)
cur.execute("RESET colcrypt.ciphertext_io")
cur.execute("SELECT count(*) FROM other3 WHERE t::text = 'copied ' || id")
assert cur.fetchone()[0] == 10
print("driver: text and binary parameters and results, prepared statements, COPY text and binary, ciphertext_io: ok")
