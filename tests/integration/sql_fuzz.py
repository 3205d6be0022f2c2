"""SQL-level fuzzing of colcrypt's transparent types (run by t_sql_fuzz.sh; the adversarial tier).

An UNPRIVILEGED login role (PUBLIC's rights plus INSERT and SELECT on the test tables) sends random
and mutated input through every encrypted type:
- text input: plaintext literals (valid, edge, mutated, random), and under colcrypt.ciphertext_io = on
  envelope literals ('\\x' + hex), genuine, mutated, of another type or key, or in the searchable
  forms ('CB' or the older 'CI' + 16-byte blind index + envelope) with a true or forged index; under
  ciphertext_io = auto a genuine envelope literal, which must be refused (22P02);
- binary input (bind parameters in binary format, COPY ... (FORMAT binary), binary arrays) is the
  PLAINTEXT TYPE'S BINARY FORM: valid values (from the plaintext type's send function), edge cases,
  mutated and random bytes, each sent beside the same bytes for the row's plaintext column: bytes
  the plaintext type's receive function accepts are valid input (bytea takes anything), and must
  read back as that column does; bytes it refuses must be refused by colcrypt too (with its
  SQLSTATE); an envelope sent as binary plaintext must be refused (22P03). Only under
  colcrypt.ciphertext_io = on is binary input the envelope: then genuine, truncated, bit-flipped and
  foreign (other type, other key, client-key) envelopes, taken from colcrypt.envelope(col), are sent;
- binary output: the plaintext's binary form (refused, 42501, for a denied or restricted key), under
  ciphertext_io the stored envelope as colcrypt.envelope() gives it;
- type modifiers: random names, (name, searchable), (name, bogus), three arguments, numbers, strings,
  quoted identifiers, very long and non-ASCII names, in casts, temporary tables, format_type and
  direct calls of the typmod, input and coercion functions;
- casts between the types and to and from plaintext types, INSERT ... SELECT between columns;
- the operators = and <> (pg_catalog, also cross-type with plaintext types: encrypted_text = text,
  encrypted_int4 = int8, ...) and <#, <=#, >#, >=# (colcrypt), and scans, indexes, DISTINCT and GROUP BY;
- colcrypt.encrypt/decrypt/encrypt_text/decrypt_text/envelope_info/needs_reseal/reseal/gen_key
  with random bytea;
- session settings (DateStyle, TimeZone, extra_float_digits, bytea_output, client_encoding,
  search_path, ciphertext_io off/on/auto and invalid values).

Errors are expected and counted by SQLSTATE. Failures:
- a crashed backend: a lost connection, SQLSTATE 57P0x, or a crash in the server log;
- SQLSTATE class XX (internal error) or 58 (system error); a statement timeout (57014);
- a value that reads back (as a superuser) different from what was written, when the write
  succeeded: plaintext literals and binary plaintext against the same literal or bytes stored in
  the row's plaintext column, envelopes against the plaintext they were sealed from;
- under ciphertext_io, forged or foreign input that was accepted (random bytes, a mutated envelope,
  another type's envelope, a client-key envelope); an envelope accepted as binary plaintext, or
  binary plaintext accepted that the plaintext type refuses; a restricted key used, or plaintext of
  a denied key read or moved, by the role;
- a stored value under another key than its column's, a searchable column's value without a
  blind index, a stored blind index that is not its plaintext's;
- an operator that disagrees with the plaintext type's =, or whose order is not a total order
  (exactly one of <#, =, ># holds); a scan, index scan or DISTINCT that disagrees with the same on
  the plaintext; a client-key round trip that does not give back its input;
- a key or key name created by the role (the key tables are compared before and after).

Usage: sql_fuzz.py --host SOCKET_DIR --port PORT --db DB --user ROLE --log SERVER_LOG
Environment: FUZZ_SEED (replay a run: the decisions repeat, the random nonces in envelopes do not),
FUZZ_CASES (how many cases, 5000; each is one to a few statements), FUZZ_SECONDS (stop after this
long even if cases remain, 30), FUZZ_VERBOSE (list the errors by SQLSTATE, case and message),
FUZZ_TIMING (time per case kind).
"""
import argparse
import collections
import os
import random
import re
import struct
import sys
import time

import psycopg
from psycopg import pq

# type suffix -> plaintext type
TYPES = {
    "text": "text", "bytea": "bytea", "jsonb": "jsonb", "int4": "integer", "int8": "bigint",
    "numeric": "numeric", "float8": "double precision", "bool": "boolean", "date": "date",
    "timestamptz": "timestamp with time zone",
}
# Columns of every test table public.fz_<type>: (key, searchable, type modifier).
COLS = {
    "p": ("fz", False, "(fz)"),
    "s": ("fz", True, "(fz, searchable)"),
    "d": ("default", False, ""),              # declared without a key name: becomes ("default")
    "o": ("fz2", False, "(fz2)"),
    "x": ("fzd", True, "(fzd, searchable)"),   # the role is denied this key's plaintext
    "k": ("fzr", False, "(fzr)"),              # restricted key the role is not granted
}
# type suffix -> (plaintext type oid, its send function): binary I/O is the plaintext's binary form.
PLAIN_BIN = {
    "text": (25, "pg_catalog.textsend"), "bytea": (17, "pg_catalog.byteasend"), "jsonb": (3802, "pg_catalog.jsonb_send"),
    "int4": (23, "pg_catalog.int4send"), "int8": (20, "pg_catalog.int8send"), "numeric": (1700, "pg_catalog.numeric_send"),
    "float8": (701, "pg_catalog.float8send"), "bool": (16, "pg_catalog.boolsend"), "date": (1082, "pg_catalog.date_send"),
    "timestamptz": (1184, "pg_catalog.timestamptz_send"),
}
I32, I64 = 2 ** 31, 2 ** 63


def num_bin(ndigits, weight, sign, dscale, digits):
    return struct.pack("!hhHh", ndigits, weight, sign, dscale) + b"".join(struct.pack("!h", d) for d in digits)


# Edge cases of each plaintext type's binary form, valid and not (the plaintext type's receive
# function decides which: colcrypt must accept exactly what it accepts, with its SQLSTATE).
EDGE_BIN = {
    "text": [b"", b"a", b"\xff", b"\xff\xfe", b"a\x00b", b"\xc3", b"\xed\xa0\x80", "\u00fc\u4e2d\U0001F600".encode(), b"x" * 3000,
             b"\\x4343"],
    "bytea": [b"", b"\x00", b"\x00" * 40, b"CC", b"CC\x01\x02", b"CB" + b"\x00" * 16, b"\\x4343", b"\xff" * 200],
    "jsonb": [b"\x01null", b"\x01{}", b"\x01[1,2]", b'\x01{"a":1,"a":2}', b"\x01", b"", b"\x02{}", b"\x00{}", b"\x01{",
              b'\x01"\\u0000"', b"\x01" + b"[" * 5000, b"\x011e400000", b"\x01-0", b"\x01\xff"],
    "int4": [struct.pack("!i", v) for v in (0, -1, 1, -I32, I32 - 1)] + [b"", b"\x00", b"\x00" * 3, b"\x00" * 5, b"\x00" * 8],
    "int8": [struct.pack("!q", v) for v in (0, -1, -I64, I64 - 1)] + [b"", b"\x00" * 4, b"\x00" * 7, b"\x00" * 9],
    "numeric": [num_bin(0, 0, 0xC000, 0, []), num_bin(0, 0, 0xD000, 0, []), num_bin(0, 0, 0xF000, 0, []),
                num_bin(0, 0, 0, 0, []), num_bin(1, 0, 0, 2, [1]), num_bin(1, 0, 0x4000, 0, [9999]),
                num_bin(1, 0, 0, 0, [10000]), num_bin(1, 0, 0, 0, [-1]), num_bin(1, 0, 0x1234, 0, [1]),
                num_bin(0, 0, 0, -1, []), num_bin(0, 0, 0, 0x3FFF, []), num_bin(0, 0, 0, 0x4000, []), num_bin(2, 0, 0, 0, [1]),
                num_bin(-1, 0, 0, 0, []), num_bin(1, 32767, 0, 0, [1]), num_bin(1, -32768, 0, 0, [1]),
                num_bin(3, 2, 0, 4, [1, 0, 5]), b"", b"\x00" * 7, num_bin(1, 0, 0, 0, [1]) + b"\x00"],
    "float8": [struct.pack("!d", v) for v in (0.0, -0.0, float("inf"), float("-inf"), 5e-324, 1.7976931348623157e308, 0.1)]
              + [bytes.fromhex(h) for h in ("7ff8000000000000", "fff8000000000000", "7ff0000000000001", "7fffffffffffffff")]
              + [b"", b"\x00" * 4, b"\x00" * 9],
    "bool": [b"\x00", b"\x01", b"\x02", b"\xff", b"", b"\x01\x01"],
    "date": [struct.pack("!i", v) for v in (0, -I32, I32 - 1, -2451545, -2451546, 2147483494 - 2451545, 2147483494 - 2451544,
                                            -I32 + 1, I32 - 2)] + [b"", b"\x00" * 3, b"\x00" * 8],
    "timestamptz": [struct.pack("!q", v) for v in (0, -I64, I64 - 1, -211813488000000000, -211813488000000001,
                                                   9223371331200000000 - 1, 9223371331200000000, -I64 + 1, I64 - 2)]
                   + [b"", b"\x00" * 4, b"\x00" * 9],
}
READABLE = ["p", "s", "d", "o"]
OPS = ["=", "<>", "<#", "<=#", ">#", ">=#"]
KEYS = ["fz", "fz2", "fzd", "fzr", "default", "__blind_index"]
# run.sh fails when an error message carries one of these; no generated value may.
CANARY = re.compile(r"canary|secret-[0-9]|z\u00fcrich", re.I)
SEEDS_PER_TYPE = 6
MAX_REPORTS = 5  # examples printed per failure kind


def opr(o):
    """= and <> live in pg_catalog (they resolve under any search_path); the order operators in colcrypt."""
    return f"OPERATOR({'pg_catalog' if o in ('=', '<>') else 'colcrypt'}.{o})"


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def enc(t, mods=""):
    return f"colcrypt.encrypted_{t}{mods}"


def same(a, b, t):
    """SQL: a and b, converted to encrypted_<t>'s plaintext type, are equal and print the same
    (numeric scale, -0 and jsonb number forms count; equal text alone would miss lost float
    digits under a low extra_float_digits)."""
    p = TYPES[t]
    return f"((({a})::{p} IS NOT DISTINCT FROM ({b})::{p}) AND (({a})::{p}::text IS NOT DISTINCT FROM ({b})::{p}::text))"


# Tags of stored values that carry a blind index (docs/FORMAT.md, "Searchable values"): "CB" binds
# the index into the envelope's authenticated data, "CI" (written by 0.1.0) does not.
INDEX_TAGS = (b"CB", b"CI")


def split(datum):
    """(tag, index, envelope) as the server splits a stored value; tag and index None without one."""
    if len(datum) >= 18 and datum[:2] in INDEX_TAGS:
        return datum[:2], datum[2:18], datum[18:]
    return None, None, datum


def authentic(b, datum):
    """Whether the bytes b carry the genuine envelope of the stored value datum, so that they
    must open: the same envelope, and for an index bound into it ("CB") the same index."""
    tag, idx, env = split(b)
    otag, oidx, oenv = split(datum)
    if env != oenv:
        return False
    if otag == b"CB":
        return tag == b"CB" and idx == oidx
    return tag != b"CB"  # an unbound index ("CI") may be forged: it is checked, or dropped


# ---------------------------------------------------------------- value generators

class Gen:
    UNI = "\u00e9\u00fc\u00df\u00e7\u00f8\u4e2d\u6587\ud55c\U0001F600\U0001F389\u200b\u202e\u0301\u00a0\ufeff\u0394\u05d0\u0627"
    ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,:;'\"\\{}[]()%$#@!?/|~`^&*+=<>"

    def __init__(self, rng):
        self.r = rng

    def text(self):
        r = self.r
        n = r.choice([0, 1, 2, 3, 8, 20, 60, 200, 1000, 5000, 20000]) if r.random() < 0.9 else r.randrange(0, 300)
        roll = r.random()
        if roll < 0.35:
            alphabet = self.ASCII
        elif roll < 0.6:
            alphabet = self.ASCII + self.UNI
        elif roll < 0.75:
            alphabet = "".join(chr(c) for c in range(1, 32)) + "\\'x0"
        elif roll < 0.85:
            # looks like an envelope literal: must stay plaintext while ciphertext_io is off
            return "\\x4343" + "".join(r.choice("0123456789abcdef") for _ in range(r.choice([0, 2, 124, 160])))
        else:
            alphabet = "".join(chr(r.randrange(0x20, 0x2FFF)) for _ in range(20))
        s = "".join(r.choice(alphabet) for _ in range(n))
        return CANARY.sub("x", s.replace("\x00", ""))

    def bytea(self):
        r = self.r
        b = os_bytes(r, r.choice([0, 1, 4, 16, 100, 3000]))
        roll = r.random()
        if roll < 0.6:
            return "\\x" + (b.hex().upper() if r.random() < 0.2 else b.hex())
        if roll < 0.8:
            return "".join(chr(c) if 32 <= c < 127 and c != 92 else "\\%03o" % c for c in b)
        return r.choice(["\\x", "", "\\x0", "\\xzz", "\\\\", "\\", "\\400", "abc\\", "\\x 41 42", "\\X4142"])

    def json_value(self, depth=0):
        r = self.r
        roll = r.random()
        if depth > 3 or roll < 0.45:
            return r.choice([
                "null", "true", "false", str(r.randrange(-10**6, 10**6)), "1.0", "1.00", "-0", "0.0", "1e5", "1E-3",
                "123456789012345678901234567890.5", '"' + self.json_str() + '"', '""', "-1.50", "1e-300",
            ])
        if roll < 0.75:
            items = [self.json_value(depth + 1) for _ in range(r.randrange(0, 5))]
            return "[" + r.choice([",", ", ", " ,"]).join(items) + "]"
        keys = [self.json_str() for _ in range(r.randrange(0, 5))]
        if keys and r.random() < 0.2:
            keys.append(keys[0])  # duplicate key
        return "{" + ",".join(f'"{k}":{self.json_value(depth + 1)}' for k in keys) + "}"

    def json_str(self):
        r = self.r
        return "".join(r.choice(["a", "b", "\u00fc", "\\n", "\\u00e9", "\\\"", " ", "z", "\u4e2d", "\\ud83d\\ude00", "k"])
                       for _ in range(r.randrange(0, 6)))

    def jsonb(self):
        r = self.r
        if r.random() < 0.9:
            return self.json_value()
        return r.choice(['{"a":', "[1,2", "nul", '"\\u0000"', '{"a":1}}', "[" * 200 + "]" * 200, "'a'", "NaN", "01",
                         '"\\ud800"', "1e400000"])

    def integer(self, bits):
        r = self.r
        lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        roll = r.random()
        if roll < 0.5:
            return str(r.randrange(lo, hi + 1))
        if roll < 0.8:
            return r.choice([str(lo), str(hi), "0", "-0", "+7", " 42 ", str(hi + 1), str(lo - 1), str(r.randrange(-1000, 1000))])
        return r.choice(["abc", "", "1e3", "0x1F", "1_000", "1.5", "--1", "9" * 30, "\u0661", "12 34", "+", "-"])

    def numeric(self):
        r = self.r
        roll = r.random()
        if roll < 0.6:
            ip = str(r.randrange(0, 10 ** r.randrange(1, 25)))
            fp = "".join(r.choice("0123456789") for _ in range(r.randrange(0, 20)))
            s = r.choice(["", "-", "+"]) + ip + ("." + fp if fp or r.random() < 0.3 else "")
            if r.random() < 0.15:
                s += "e" + str(r.randrange(-30, 30))
            return s
        if roll < 0.85:
            return r.choice(["NaN", "nan", "Infinity", "-Infinity", "inf", "1.50", "1.5", "0.000", "-0", "-0.00100",
                             "1e-1000", "1e1000", "9" * 1000, "0." + "0" * 500 + "1", ".5", "5."])
        return r.choice(["abc", "", "1.2.3", "1e", "e5", "1e99999", "0x10", "--1", "1,5", "١"])

    def float8(self):
        r = self.r
        roll = r.random()
        if roll < 0.4:
            return repr(r.uniform(-1e6, 1e6))
        if roll < 0.6:
            v = struct.unpack("!d", os_bytes(r, 8))[0]
            return "NaN" if v != v else ("Infinity" if v == float("inf") else ("-Infinity" if v == float("-inf") else repr(v)))
        if roll < 0.9:
            return r.choice(["-0", "0", "NaN", "Infinity", "-Infinity", "inf", "-inf", "1e309", "-1e309", "4.9e-324",
                             "2.2250738585072014e-308", "1e-400", "0.1", "1.7976931348623157e308", " 1.5 ", "nan"])
        return r.choice(["abc", "", "1e", "0x10", "1.5.5", "--1", "infinityy"])

    def bool(self):
        return self.r.choice(["t", "f", "true", "false", "TRUE", " yes ", "no", "on", "off", "1", "0", "y", "n",
                              "tru", "maybe", "", "2", "of"])

    def date(self):
        r = self.r
        roll = r.random()
        if roll < 0.6:
            return "%04d-%02d-%02d" % (r.randrange(1, 10000), r.randrange(1, 13), r.randrange(1, 29))
        if roll < 0.85:
            return r.choice(["infinity", "-infinity", "epoch", "today", "tomorrow", "4713-01-01 BC", "4714-11-24 BC",
                             "5874897-12-31", "2024-02-29", "J2451187", "January 8, 1999", "1999-01-08 04:05:06+02",
                             "20240131", "0001-01-01"])
        return r.choice(["5874898-01-01", "4714-11-23 BC", "2024-02-30", "2023-02-29", "2024-13-01", "abc", "", "01/02/2024",
                         "2024-1-1-1", "99999999-01-01", "now-ish"])

    def timestamptz(self):
        r = self.r
        roll = r.random()
        if roll < 0.6:
            frac = ("." + "".join(r.choice("0123456789") for _ in range(r.randrange(1, 10)))) if r.random() < 0.5 else ""
            zone = r.choice(["", "+00", "Z", "-05:30", "+14", " UTC", " America/New_York", " Europe/Berlin", "+02:30:15"])
            return "%04d-%02d-%02d %02d:%02d:%02d%s%s" % (r.randrange(1, 10000), r.randrange(1, 13), r.randrange(1, 29),
                                                        r.randrange(0, 24), r.randrange(0, 60), r.randrange(0, 60), frac, zone)
        if roll < 0.85:
            return r.choice(["infinity", "-infinity", "epoch", "now", "today", "allballs", "294276-12-31 23:59:59+00",
                             "4713-01-01 00:00:00+00 BC", "2024-03-31 02:30:00 Europe/Berlin", "2000-01-01 24:00:00",
                             "1999-12-31 23:59:60", "J2451187 04:05"])
        return r.choice(["294277-01-01 00:00:00+00", "2024-01-01 25:00", "abc", "", "2024-01-01 00:00:00+99",
                         "2024-01-01 00:00:00 Mars/Olympus", "2024-02-30 00:00"])

    def plain(self, t):
        v = {
            "text": self.text, "bytea": self.bytea, "jsonb": self.jsonb, "int4": lambda: self.integer(32),
            "int8": lambda: self.integer(64), "numeric": self.numeric, "float8": self.float8, "bool": self.bool,
            "date": self.date, "timestamptz": self.timestamptz,
        }[t]()
        if self.r.random() < 0.12:
            v = self.mutate(v)
        return CANARY.sub("x", v.replace("\x00", ""))

    def mutate(self, s):
        r = self.r
        for _ in range(r.randrange(1, 4)):
            op = r.randrange(7)
            pos = r.randrange(len(s) + 1)
            if op == 0:
                s = s[:pos] + r.choice(self.ASCII + self.UNI) + s[pos:]
            elif op == 1 and s:
                s = s[:pos] + s[pos + 1:]
            elif op == 2:
                s = s + s[:pos]
            elif op == 3:
                s = s[:pos] + r.choice(["'", "\\", "\n", "\t", " ", "-", "e", "9" * 40, "\u00e9", "\x01", "\\x", ","]) + s[pos:]
            elif op == 4:
                s = s.upper() if r.random() < 0.5 else s.lower()
            elif op == 5:
                s = s[:pos]
            else:
                s = " " * r.randrange(3) + s + " " * r.randrange(3)
        return s

    def ident(self):
        r = self.r
        n = r.choice([1, 3, 8, 20, 63, 64, 100])
        s = r.choice("abcdefghijklmnopqrstuvwxyz_") + "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789_") for _ in range(n - 1))
        return CANARY.sub("x", s)

    def mods(self):
        """A random type modifier list, mostly of the forms users write."""
        r = self.r
        names = KEYS + [
            self.ident(), self.ident(), '"fz"', '"FZ"', "'fz'", "'fz2'", "5", "-1", "0", "2147483647", "1.5", "'a b'",
            '"a""b"', "\u00fc", '"\u00e9' + "\u00e9" * r.randrange(1, 60) + '"', "x" * r.choice([63, 64, 200, 2000]),
            '"' + "Y" * 70 + '"', "searchable", "null", "true", "e'fz'", "U&'fz'", '""', "fz.fz", "1+1", "fz::text",
            "$1", "'" + "z" * 100 + "'", "'fz''s'", "'\u4e2d'",
        ]
        roll = r.random()
        first = r.choice(names[:6]) if r.random() < 0.5 else r.choice(names)
        if roll < 0.5:
            args = [first]
        elif roll < 0.8:
            args = [first, r.choice(["searchable", "SEARCHABLE", '"searchable"', "'searchable'", "bogus", "searchable_",
                                     "1", "null", "fz", '"Searchable"'])]
        elif roll < 0.95:
            args = [first, "searchable", r.choice(["searchable", "x", "1", "fz"])]
        else:
            args = [r.choice(names) for _ in range(r.randrange(4, 9))]
        if r.random() < 0.02:
            return "()"
        return "(" + ", ".join(args) + ")"

    def typmod_int(self, registered):
        r = self.r
        roll = r.random()
        if roll < 0.4 and registered:
            return r.choice(registered) | r.randrange(2)
        return r.choice([0, 1, -1, -2, 2, 3, 2147483647, -2147483648, 1 << 30, (1 << 31) - 2,
                         r.randrange(0, 1 << 31), -r.randrange(1, 1 << 31)])


def t_retyped_text(stmt):
    """Whether a fuzz statement writes a parameter into (or compares one with) an encrypted_text
    column, where colcrypt types the parameter text."""
    return "fz_text" in stmt or "encrypted_text" in stmt


def os_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


# ---------------------------------------------------------------- connections

class Res:
    __slots__ = ("ok", "state", "msg", "rows", "lost", "ctx")

    def __init__(self, ok, state, msg, rows, lost=False, ctx=None):
        self.ok, self.state, self.msg, self.rows, self.lost, self.ctx = ok, state, msg, rows, lost, ctx

    def one(self):
        return self.rows[0][0] if self.rows and self.rows[0] else None


class Conn:
    """A connection used through libpq directly (full control of parameter types and formats);
    reconnects after a lost connection."""

    def __init__(self, args, user, on_lost, options=""):
        self.args, self.user, self.on_lost, self.options = args, user, on_lost, options
        self.connect()

    def reconnect(self):
        try:
            self.conn.close()
        except Exception:
            pass
        self.connect()

    def connect(self):
        deadline = time.time() + 90
        while True:
            try:
                self.conn = psycopg.connect(host=self.args.host, port=self.args.port, dbname=self.args.db, user=self.user,
                                            autocommit=True, connect_timeout=10, options=self.options)
                break
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        self.pg = self.conn.pgconn
        self.cio = "on" in self.options and "ciphertext_io" in self.options
        self.utf8 = True

    def run(self, sql, params=None, types=None, formats=None, simple=False, label="", binary_out=False):
        try:
            if simple:
                res = self.pg.exec_(sql.encode())
            else:
                n = len(params or [])
                res = self.pg.exec_params(sql.encode(), list(params or []), list(types or [0] * n),
                                          list(formats or [0] * n), 1 if binary_out else 0)
        except (psycopg.Error, MemoryError) as e:  # no result at all: the connection is gone
            self.on_lost(self, sql, params, label, None, str(e))
            return Res(False, "client", str(e), [], True)
        return self.result(res, sql, params, label)

    def result(self, res, sql, params, label):
        st = res.status
        if st in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK, pq.ExecStatus.EMPTY_QUERY):
            rows = [[res.get_value(i, j) for j in range(res.nfields)] for i in range(res.ntuples)]
            return Res(True, None, None, rows)
        state = res.error_field(pq.DiagnosticField.SQLSTATE)
        msg = res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or self.pg.error_message
        state = state.decode() if state else None
        msg = msg.decode("utf-8", "replace") if msg else ""
        ctx = res.error_field(pq.DiagnosticField.CONTEXT)
        lost = self.pg.status != pq.ConnStatus.OK or (state or "").startswith("57P")
        if lost:
            self.on_lost(self, sql, params, label, state, msg)
        return Res(False, state or "client", msg, [], lost, ctx.decode("utf-8", "replace") if ctx else None)

    def copy(self, sql, data, label=""):
        try:
            with self.conn.cursor() as cur:
                with cur.copy(sql) as cp:
                    cp.write(data)
            return Res(True, None, None, [])
        except psycopg.Error as e:
            state = getattr(e, "sqlstate", None)
            lost = self.pg.status != pq.ConnStatus.OK or (state or "").startswith("57P")
            if lost:
                self.on_lost(self, sql, [data], label, state, str(e))
            return Res(False, state or "client", str(e).splitlines()[0] if str(e) else "", [], lost,
                       getattr(getattr(e, "diag", None), "context", None))


# ---------------------------------------------------------------- the fuzzer

class Entry:
    """A genuine envelope from the pool."""
    __slots__ = ("t", "col", "key", "datum", "plain", "seed")

    def __init__(self, t, col, key, datum, plain, seed):
        self.t, self.col, self.key, self.datum, self.plain, self.seed = t, col, key, datum, plain, seed


class Fuzzer:
    def __init__(self, args, seed):
        self.args = args
        self.rng = random.Random(seed)
        self.gen = Gen(self.rng)
        self.statements = 0
        self.errors = collections.Counter()
        self.crashes = 0
        self.failures = collections.Counter()
        self.reported = collections.Counter()
        self.next_id = 1
        self.last = collections.deque(maxlen=3)
        self.su = Conn(args, "postgres", self.lost, "-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=1")
        self.suc = Conn(args, "postgres", self.lost, "-c colcrypt.ciphertext_io=on")
        self.u = Conn(args, args.user, self.lost, "-c statement_timeout=5s")
        self.ids = collections.defaultdict(list)       # (t, col) -> ids with a value the role wrote
        self.client_pool = []                          # (envelope, data, key, context)
        self.timing = collections.Counter()
        self.messages = collections.Counter()            # (SQLSTATE, case, message shape) -> count
        self.r_rows = collections.defaultdict(list)    # t -> ids whose values were written with r as their plaintext

    # -- reporting

    def fail(self, kind, detail, session=False):
        """session: found in the fuzzed role's session, whose settings are shown with it."""
        self.failures[kind] += 1
        if self.reported[kind] < MAX_REPORTS:
            self.reported[kind] += 1
            if session:
                r = self.u.run("SELECT current_setting('DateStyle'), current_setting('TimeZone'), current_setting('extra_float_digits'), "
                               "current_setting('bytea_output'), current_setting('client_encoding'), current_setting('colcrypt.ciphertext_io')")
                if r.ok:
                    detail += " [session: DateStyle=%s TimeZone=%s extra_float_digits=%s bytea_output=%s client_encoding=%s " \
                              "ciphertext_io=%s]" % tuple(v.decode() for v in r.rows[0])
            print(f"FAIL {kind}: {detail}", flush=True)

    @staticmethod
    def show(sql, params):
        s = sql if len(sql) < 600 else sql[:600] + f"... ({len(sql)} chars)"
        if params:
            ps = []
            for p in params:
                if p is None:
                    ps.append("NULL")
                elif isinstance(p, (bytes, bytearray)):
                    ps.append("\\x" + bytes(p[:120]).hex() + ("..." if len(p) > 120 else ""))
                else:
                    ps.append(repr(p))
            s += "  -- params: " + ", ".join(ps)
        return s

    def lost(self, conn, sql, params, label, state, msg):
        self.crashes += 1
        who = "the fuzzed role's" if conn is self.u else "a superuser check's"
        self.fail("crash", f"{who} connection was lost ({state or 'no SQLSTATE'}: {msg.strip()}) on [{label}] "
                  f"{self.show(sql, params)}; statements before it: {[self.show(*x) for x in self.last]}")
        # A crashed backend takes every session down with it: all start over.
        for c in (self.u, self.su, self.suc):
            c.reconnect()

    # -- statements of the fuzzed role

    def run(self, sql, params=None, types=None, formats=None, simple=False, label="", binary_out=False):
        self.statements += 1
        self.last.append((sql, params))
        t0 = time.time()
        r = self.u.run(sql, params, types, formats, simple, label, binary_out)
        self.timing[label] += time.time() - t0
        self.classify(r, sql, params, label)
        if r.ok and re.match(r"(?i)\s*(SET|RESET)\b.*(client_encoding|ALL)", sql):
            s = self.u.run("SHOW client_encoding", simple=True)
            self.u.utf8 = s.ok and s.one() in (b"UTF8", b"SQL_ASCII")
        return r

    def ensure_utf8(self):
        """Known plaintexts are sent as UTF-8."""
        if not self.u.utf8:
            self.run("SET client_encoding = UTF8", simple=True, label="setting")

    def copy(self, sql, data, label):
        self.statements += 1
        self.last.append((sql, None))
        r = self.u.copy(sql, data, label)
        self.classify(r, sql, None, label)
        return r

    def classify(self, r, sql, params, label):
        if r.ok:
            return
        self.errors["lost" if r.lost else r.state] += 1
        self.messages[(r.state, label, re.sub(r'"[^"]*"|[0-9]+', "…", r.msg or ""))] += 1
        if r.state and (r.state.startswith("XX") or r.state.startswith("58")):
            self.fail(f"SQLSTATE {r.state}", f"[{label}] {r.msg!r} from: {self.show(sql, params)}")
        elif r.state == "57014":
            self.fail("statement timeout", f"[{label}] {self.show(sql, params)}")

    def set_cio(self, on):
        if self.u.cio != on:
            r = self.run(f"SET colcrypt.ciphertext_io = {'on' if on else 'off'}", simple=True, label="setting")
            if r.ok:
                self.u.cio = on
        return self.u.cio == on

    def new_id(self):
        self.next_id += 1
        return self.next_id

    # -- superuser side

    def su_one(self, sql, params=None, conn=None):
        r = (conn or self.su).run(sql, params, label="check")
        if not r.ok:
            if not r.lost and r.state and (r.state.startswith("XX") or r.state.startswith("58")):
                self.fail(f"SQLSTATE {r.state}", f"[superuser check] {r.msg!r} from: {self.show(sql, params)}")
            return None, r
        return r.rows, r

    def setup(self):
        su = self.su
        for t, plain in TYPES.items():
            cols = ", ".join(f"{c} {enc(t, m)}" for c, (_, _, m) in COLS.items())
            for sql in [
                f"DROP TABLE IF EXISTS public.fz_{t}",
                f"CREATE TABLE public.fz_{t} (id int PRIMARY KEY, r {plain}, {cols})",
                f"CREATE INDEX ON public.fz_{t} (s)",
                f"CREATE INDEX ON public.fz_{t} USING hash (s)",
                f"GRANT INSERT, SELECT ON public.fz_{t} TO {self.args.user}",
            ]:
                r = su.run(sql)
                assert r.ok, (sql, r.state, r.msg)
            # An index on a column that is not searchable (decrypting comparisons), where allowed.
            su.run(f"CREATE INDEX ON public.fz_{t} USING hash (p)")
        self.oid = {}
        self.arr_oid = {}
        self.arr_oid_plain = {}
        for t in TYPES:
            r = su.run(f"SELECT oid::int8, typarray::int8 FROM pg_type WHERE oid = '{enc(t)}'::regtype")
            self.oid[t], self.arr_oid[t] = int(r.rows[0][0]), int(r.rows[0][1])
            r = su.run(f"SELECT typarray::int8 FROM pg_type WHERE oid = {PLAIN_BIN[t][0]}")
            self.arr_oid_plain[t] = int(r.rows[0][0])
        # Cross-type equality operators (pg_catalog): encrypted_<t> = some plaintext type.
        self.cross = collections.defaultdict(list)    # t -> [right operand type]
        r = su.run("SELECT oprleft::regtype::text, oprright::regtype::text FROM pg_operator WHERE oprname = '=' "
                   "AND oprnamespace = 'pg_catalog'::regnamespace AND oprleft::regtype::text LIKE 'colcrypt.encrypted_%' "
                   "AND oprright::regtype::text NOT LIKE 'colcrypt.%'")
        for left, right in r.rows:
            self.cross[left.decode().removeprefix("colcrypt.encrypted_")].append(right.decode())
        r = su.run("SELECT typmod FROM colcrypt.key_names")
        self.registered = [int(v[0]) for v in r.rows]

        # Seeds: the same plaintext in every column, written by the superuser.
        self.pool = collections.defaultdict(list)    # t -> [Entry]
        self.bin_pool = collections.defaultdict(list)  # t -> binary forms of valid plaintexts
        self.index_of = {}                           # (t, seed) -> blind index
        self.key_fp = {}                             # key name -> commitment (bytes 4..36 of an envelope)
        fixed = {
            "text": ["", "a", "\\x4343010200"], "bytea": ["\\x", "\\x00ff"], "jsonb": ['{"a": [1, "\u00fc"]}', "1.50"],
            "int4": ["0", "-2147483648"], "int8": ["9223372036854775807"], "numeric": ["1.50", "NaN", "-0.00100"],
            "float8": ["-0", "NaN", "Infinity"], "bool": ["t", "f"], "date": ["infinity", "2024-02-29"],
            "timestamptz": ["2024-01-02 03:04:05.123456+00", "-infinity"],
        }
        for t, plain in TYPES.items():
            values = list(fixed[t])
            while len(values) < SEEDS_PER_TYPE:
                v = self.gen.plain(t)
                # small: the btree index on s holds whole values (at most 2704 bytes)
                if len(v) < 500 and su.run(f"SELECT {lit(v)}::{plain}").ok:
                    values.append(v)
            for i, v in enumerate(values, 1):
                cols = ", ".join(COLS)
                r = su.run(f"INSERT INTO public.fz_{t} (id, r, {cols}) VALUES (-{i}, {lit(v)}" + "".join(f", {lit(v)}" for _ in COLS) + ")")
                assert r.ok, (t, v, r.state, r.msg)
            rows, _ = self.su_one(f"SELECT -id, r::text FROM public.fz_{t} WHERE id < 0 ORDER BY id DESC")
            plains = {int(a): b.decode() for a, b in rows}
            # the envelopes, as colcrypt.envelope() gives them (the stored form)
            rows, _ = self.su_one(f"SELECT -id, {', '.join(f'colcrypt.envelope({c})' for c in COLS)} FROM public.fz_{t} WHERE id < 0")
            for row in rows:
                i = int(row[0])
                for c, h in zip(COLS, row[1:]):
                    datum = bytes.fromhex(h.decode()[2:])
                    key = COLS[c][0]
                    self.pool[t].append(Entry(t, c, key, datum, plains[i], i))
                    _, idx, env = split(datum)
                    self.key_fp.setdefault(key, env[4:36])
                    if idx is not None:
                        if self.index_of.setdefault((t, i), idx) != idx:
                            self.fail("blind index", f"seed {t} #{i}: two searchable columns store different indexes for one plaintext")
            # binary send form: the plaintext's binary form, and under ciphertext_io the stored envelope
            rows, _ = self.su_one(f"SELECT colcrypt.encrypted_{t}_send(s), {PLAIN_BIN[t][1]}(s::{TYPES[t]}), "
                                  f"colcrypt.envelope(s) FROM public.fz_{t} WHERE id < 0")
            for sent, want, _ in rows:
                self.bin_pool[t].append(bytes.fromhex(want.decode()[2:]))
                if sent != want:
                    self.fail("send", f"encrypted_{t}_send is not {PLAIN_BIN[t][1]} of its plaintext")
            rows, _ = self.su_one(f"SELECT colcrypt.encrypted_{t}_send(s), colcrypt.envelope(s) FROM public.fz_{t} WHERE id < 0",
                                  conn=self.suc)
            for sent, want in rows:
                if sent != want:
                    self.fail("send", f"under ciphertext_io, encrypted_{t}_send is not colcrypt.envelope() of the value")
        self.snapshot = self.key_tables()

    def key_tables(self):
        rows, _ = self.su_one("SELECT (SELECT string_agg(typmod || '=' || name, ',' ORDER BY typmod) FROM colcrypt.key_names), "
                              "(SELECT string_agg(name || '/' || version || '/' || state, ',' ORDER BY name, version) FROM colcrypt.data_keys)")
        return rows[0] if rows else None

    # -- payloads: (bytes, expected plaintext or None if not authentic, source entry)

    def payload(self, t):
        r = self.rng
        e = r.choice(self.pool[t])
        env = split(e.datum)[2]
        roll = r.random()
        if roll < 0.2:
            b = e.datum
        elif roll < 0.3:
            b = env
        elif roll < 0.4:
            good = self.index_of.get((e.t, e.seed))
            forged = r.choice([good, os_bytes(r, 16), self.index_of.get((t, r.randrange(1, SEEDS_PER_TYPE + 1)))]) or os_bytes(r, 16)
            b = r.choice(INDEX_TAGS) + forged + env
        elif roll < 0.5:
            other = r.choice([x for x in TYPES if x != t])
            b = r.choice(self.pool[other]).datum
        elif roll < 0.7:
            b = bytearray(e.datum)
            for _ in range(r.choice([1, 1, 1, 2, 8])):
                if b:
                    b[r.randrange(len(b))] ^= 1 << r.randrange(8)
            b = bytes(b)
        elif roll < 0.77:
            b = e.datum[: r.randrange(len(e.datum))]
        elif roll < 0.82:
            b = e.datum + os_bytes(r, r.choice([1, 16, 100]))
        elif roll < 0.87:
            b = bytearray(env)
            b[r.choice([0, 1, 2, 3])] = r.randrange(256)
            b = bytes(b)
        elif roll < 0.9 and self.client_pool:
            b = r.choice(self.client_pool)[0]
        else:
            b = r.choice([b"", b"CC", b"CI", b"CC\x01\x02", b"CC\x01\x01", b"CC\x02\x02", b"CI" + b"\x00" * 16, b"CB",
                          b"CB" + b"\x00" * 16, b"CB" + b"\x00" * 16 + b"CC\x01\x02"]) \
                + os_bytes(r, r.choice([0, 1, 17, 60, 76, 80, 200]))
        return b, (e.plain if authentic(b, e.datum) else None), e

    # -- post-write checks (as a superuser)

    def check_row(self, t, i, col, expected_sql, src, label, stmt, raw_copy=False):
        """The value the role wrote in row i: decrypts to the expected plaintext, is stored under
        the column's key (or, in the column without a modifier, under the key it came with),
        carries a blind index iff the column is searchable, and any index is its plaintext's.
        expected_sql None: the plaintext was compared by the caller."""
        if expected_sql is None:
            expected_sql = f"{col}::{TYPES[t]}"
        rows, r = self.su_one(
            f"SELECT ({col}::{TYPES[t]})::text, ({expected_sql})::text, {col} OPERATOR(pg_catalog.=) ({expected_sql})::{enc(t)}, {col} IS NULL "
            f"FROM public.fz_{t} WHERE id = $1", [str(i).encode()])
        if rows is None:
            if not r.lost:
                self.fail("readback error", f"[{label}] reading back row {i} of fz_{t}.{col} as a superuser: {r.state} {r.msg!r}; "
                                            f"written by: {stmt}")
            return
        if not rows:
            self.fail("readback", f"[{label}] row {i} of fz_{t} is missing after a successful write: {stmt}")
            return
        got, want, eq, isnull = rows[0]
        if isnull == b"t":
            if want is not None:
                self.fail("readback", f"[{label}] fz_{t}.{col} row {i} is NULL, expected {want!r}: {stmt}")
            return
        if want is None:
            self.fail("accepted forged input", f"[{label}] fz_{t}.{col} row {i} stored a value from input that is not an authentic "
                                               f"envelope of this type (reads as {got[:80]!r}): {stmt}")
            return
        if got != want:
            self.fail("readback", f"[{label}] fz_{t}.{col} row {i} reads back {got[:200]!r}, written {want[:200]!r}: {stmt}")
        if eq != b"t":
            self.fail("blind index", f"[{label}] fz_{t}.{col} row {i}: stored value is not = to its own plaintext ({eq!r}): {stmt}")
        rows, _ = self.su_one(f"SELECT colcrypt.envelope({col}) FROM public.fz_{t} WHERE id = $1", [str(i).encode()])
        if not rows:
            return
        datum = bytes.fromhex(rows[0][0].decode()[2:])
        _, idx, env = split(datum)
        key, searchable, _ = COLS[col]
        fp = env[4:36]
        allowed = {self.key_fp[key]}
        if fp not in allowed:
            names = [k for k, v in self.key_fp.items() if v == fp]
            self.fail("wrong key", f"[{label}] fz_{t}.{col} row {i} is stored under {names or 'an unknown key'}, not {key}: {stmt}")
        if searchable and idx is None:
            self.fail("blind index", f"[{label}] searchable fz_{t}.{col} row {i} is stored without a blind index: {stmt}")
        if not searchable and idx is not None:
            self.fail("blind index", f"[{label}] fz_{t}.{col} row {i} (not searchable) is stored with a blind index: {stmt}")
        if idx is not None and src is not None and (t, src.seed) in self.index_of and idx != self.index_of[(t, src.seed)]:
            self.fail("forged blind index stored", f"[{label}] fz_{t}.{col} row {i} carries a blind index that is not its "
                                                   f"plaintext's: {stmt}")

    def key_rules(self, ok, payload, src, target, searchable, plaintext_out, label, stmt):
        """A successful statement that took a genuine envelope `payload` (from `src`) into a value
        of type modifier key `target` (None: no modifier) must not have used the restricted key,
        nor the plaintext of the denied key: re-sealed it under another key, computed or checked
        a blind index from it, or returned it."""
        if not ok or src is None:
            return
        if src.key == "fzr":
            self.fail("restricted key used", f"[{label}] a value under restricted key fzr was taken: {stmt}")
        if src.key == "fzd":
            carries_index = split(payload)[1] is not None
            if plaintext_out or (target is not None and target != "fzd") or searchable or (target is None and carries_index):
                self.fail("denied plaintext used", f"[{label}] a value under key fzd (plaintext denied to the role) was "
                                                   f"{'returned' if plaintext_out else 're-sealed or indexed'}: {stmt}")

    def after_write(self, ok, t, col, i, expected_sql, src, label, stmt, authentic=True, payload=None, raw_copy=False):
        """raw_copy: a stored value copied (INSERT ... SELECT col) as it is, which needs no key."""
        if not ok:
            return
        if col == "k" and not raw_copy:
            self.fail("restricted key used", f"[{label}] the role wrote column k (key fzr, restricted): {stmt}")
        if authentic and payload is not None:
            key, searchable, _ = COLS[col]
            self.key_rules(ok, payload, src, key, searchable, False, label, stmt)
        if not authentic:
            expected_sql = "NULL"
        self.check_row(t, i, col, expected_sql, src, label, stmt, raw_copy)
        if expected_sql == "r":
            self.r_rows[t].append(i)
        if col in READABLE:
            self.ids[(t, col)].append(i)

    # -- cases

    def case_literal_insert(self):
        r = self.rng
        t = r.choice(list(TYPES))
        v = self.gen.plain(t)
        cols = r.sample(list(COLS), r.choice([1, 1, 2, 3]))
        if r.random() < 0.95:
            cols = [c for c in cols if c != "k"] or ["p"]
        self.set_cio(False) if r.random() < 0.97 else None
        i = self.new_id()
        sql = f"INSERT INTO public.fz_{t} (id, r, {', '.join(cols)}) VALUES ({i}, {lit(v)}" + "".join(f", {lit(v)}" for _ in cols) + ")"
        if r.random() < 0.3:
            res = self.run(f"INSERT INTO public.fz_{t} (id, r, {', '.join(cols)}) VALUES ($1, $2" +
                           "".join(f", ${n + 3}" for n in range(len(cols))) + ")",
                           [str(i).encode()] + [v.encode()] * (len(cols) + 1), label="literal insert (text params)")
            stmt = self.show(f"INSERT INTO public.fz_{t} (id, r, {', '.join(cols)}) VALUES ($1...) -- text params", [v])
        else:
            res = self.run(sql, simple=r.random() < 0.5, label="literal insert")
            stmt = self.show(sql, None)
        if res.ok and self.u.cio:
            # random text taken as an envelope literal
            self.fail("accepted forged input", f"[literal insert] under ciphertext_io: {stmt}")
            return
        for c in cols:
            self.after_write(res.ok, t, c, i, "r", None, "literal insert", stmt)

    def case_literal_select(self):
        r = self.rng
        t = r.choice(list(TYPES))
        v = self.gen.plain(t)
        mods = r.choice(["", "(fz)", "(fz, searchable)", "(fz2)", "(fzd)", "(fzr)"]) if r.random() < 0.8 else self.gen.mods()
        self.set_cio(False) if r.random() < 0.9 else None
        if r.random() < 0.5:
            sql = f"SELECT {same(f'{lit(v)}::{enc(t, mods)}', f'{lit(v)}::{TYPES[t]}', t)}"
            res = self.run(sql, label="literal select")
            if res.ok and not self.u.cio and res.one() != b"t":
                self.fail("readback", f"[literal select] a literal cast to {enc(t, mods)} reads back other than its plaintext: {sql}", session=True)
            if res.ok and mods in ("(fzd)", "(fzr)"):
                self.fail("restricted key used" if mods == "(fzr)" else "denied plaintext read", f"[literal select] {sql}")
        else:
            self.run(f"SELECT {lit(v)}::{enc(t, mods)}", simple=r.random() < 0.5, label="literal select")

    def envelope_text(self, b):
        r = self.rng
        h = b.hex()
        roll = r.random()
        if roll < 0.8:
            return "\\x" + (h.upper() if r.random() < 0.15 else h), True
        if roll < 0.85:
            return "\\X" + h, False
        if roll < 0.9:
            return h, False
        if roll < 0.95:
            return "\\x" + h + r.choice(["0", " ", "zz", "\n"]), False
        return "\\x " + h, False

    def case_envelope_literal(self):
        r = self.rng
        t = r.choice(list(TYPES))
        b, expect, src = self.payload(t)
        text, well_formed = self.envelope_text(b)
        self.ensure_utf8()
        if r.random() < 0.12 and well_formed and b in (src.datum, split(src.datum)[2]):
            # under auto (outside a dump tool's session) an envelope's text form is refused as
            # plaintext (22P02), not stored as data
            if self.run("SET colcrypt.ciphertext_io = auto", simple=True, label="setting").ok:
                self.u.cio = False
            col = r.choice(["p", "s", "d", "o"])
            sql = f"INSERT INTO public.fz_{t} (id, {col}) VALUES ({self.new_id()}, {lit(text)})"
            res = self.run(sql, simple=r.random() < 0.5, label="envelope literal under auto")
            if not res.lost and res.state != "22P02":
                self.fail("envelope as plaintext", f"[envelope literal under auto] gave {res.state or 'success'}, not 22P02: {sql[:300]}")
            return
        if not self.set_cio(True):
            return
        col = r.choice(list(COLS))
        i = self.new_id()
        plain = lit(src.plain) if expect is not None else "NULL"
        kind = r.random()
        authentic = expect is not None and well_formed
        if kind < 0.6:
            sql = f"INSERT INTO public.fz_{t} (id, r, {col}) VALUES ({i}, {plain}, {lit(text)})"
            res = self.run(sql, simple=r.random() < 0.5, label="envelope literal insert")
            self.after_write(res.ok, t, col, i, "r", src, "envelope literal insert", sql, authentic, b)
        elif kind < 0.8:
            mods = r.choice(["", "(fz)", "(fz, searchable)", "(fz2)", "(fzd, searchable)"])
            sql = f"SELECT {lit(text)}::{enc(t, mods)}"
            res = self.run(sql, label="envelope literal select")
            if res.ok and not authentic:
                self.fail("accepted forged input", f"[envelope literal select] {sql}")
            target = re.sub(r"[(),]|searchable", "", mods).strip() or None
            self.key_rules(res.ok and authentic, b, src, target, "searchable" in mods, False, "envelope literal select", sql)
        else:
            # COPY text: the same literal through the column's input function with its typmod
            line = "\t".join([str(i), copy_text(src.plain if expect is not None else None), copy_text(text)]) + "\n"
            sql = f"COPY public.fz_{t} (id, r, {col}) FROM STDIN"
            res = self.copy(sql, line.encode(), "envelope COPY text")
            self.after_write(res.ok, t, col, i, "r", src, "envelope COPY text", sql + " -- " + line[:300], authentic, b)

    # -- binary input: the plaintext type's binary form (ciphertext_io off/auto)

    def valid_bin(self, t):
        """The binary form of a valid plaintext: a seed's, or a new value's (from its send function)."""
        r = self.rng
        if r.random() < 0.5:
            v = self.gen.plain(t)
            rows, _ = self.su_one(f"SELECT {PLAIN_BIN[t][1]}({lit(v)}::{TYPES[t]})")
            if rows:
                self.bin_pool[t].append(bytes.fromhex(rows[0][0].decode()[2:]))
                del self.bin_pool[t][:-40]
        return r.choice(self.bin_pool[t])

    def plain_payload(self, t):
        """Binary input for encrypted_<t> as plaintext: (bytes, the pool entry when the bytes are an
        unchanged envelope, which must be refused with 22P03, else None). Mutated and random bytes
        are valid input exactly when the plaintext type's receive function accepts them."""
        r = self.rng
        roll = r.random()
        if roll < 0.35:
            return self.valid_bin(t), None
        if roll < 0.55:
            return r.choice(EDGE_BIN[t]), None
        if roll < 0.75:
            b = bytearray(self.valid_bin(t) if r.random() < 0.7 else r.choice(EDGE_BIN[t]))
            op = r.randrange(4)
            if op == 0 and b:
                for _ in range(r.choice([1, 1, 2, 8])):
                    b[r.randrange(len(b))] ^= 1 << r.randrange(8)
            elif op == 1 and b:
                del b[r.randrange(len(b)):]
            elif op == 2:
                b += os_bytes(r, r.choice([1, 2, 4, 16]))
            else:
                b[:0] = os_bytes(r, r.choice([1, 2]))
            return bytes(b), None
        if roll < 0.88:
            return os_bytes(r, r.choice([0, 1, 2, 4, 7, 8, 9, 16, 100])), None
        # An envelope as plaintext: this type's (stored form or bare), another type's, a client-key one.
        e = r.choice(self.pool[t] if r.random() < 0.6 else self.pool[r.choice(list(TYPES))])
        roll = r.random()
        if roll < 0.15 and self.client_pool:
            return r.choice(self.client_pool)[0], e
        return (split(e.datum)[2] if roll < 0.4 else e.datum), e

    def refused_envelope(self, res, env, label, stmt, strict=True):
        # A parameter written into an encrypted_text column is typed text (src/param_types.rs):
        # text's input refuses the envelope's bytes as not valid UTF-8 (22021).
        """An envelope sent as the plaintext's binary form is refused (22P03), never stored as data.
        strict: the envelope is the statement's first input, so its error is the one reported."""
        if env is None:
            return
        if res.ok:
            self.fail("envelope accepted as plaintext", f"[{label}] binary input that is an envelope was taken as plaintext: {stmt}")
        elif strict and not res.lost and res.state != "22P03" and not (t_retyped_text(stmt) and res.state == "22021"):
            self.fail("envelope as plaintext", f"[{label}] an envelope as binary plaintext gave {res.state} {res.msg!r}, not 22P03: {stmt}")

    def plain_refused_after(self, res, param, label, stmt):
        """The encrypted value (bind parameter 1, or the first COPY column) was taken, and then the
        plaintext column refused the same bytes: colcrypt accepted binary input its plaintext type refuses."""
        if not res.ok and not res.lost and re.search(param, res.ctx or ""):
            self.fail("accepted invalid binary input", f"[{label}] colcrypt took bytes that {res.state} {res.msg!r} refuses "
                                                       f"for the plaintext type: {stmt}")

    def case_binary(self):
        r = self.rng
        t = r.choice(list(TYPES))
        self.ensure_utf8()
        if r.random() < 0.3:
            return self.case_binary_envelope(t)
        if self.u.cio:
            self.set_cio(False)
        b, env = self.plain_payload(t)
        poid = PLAIN_BIN[t][0]
        kind = r.random()
        if kind < 0.4:
            # the encrypted parameter is $1, so its receive runs first and its errors are its own
            col = r.choice(list(COLS))
            i = self.new_id()
            sql = f"INSERT INTO public.fz_{t} (id, {col}, r) VALUES ($2, $1, $3)"
            oid = self.oid[t] if r.random() < 0.7 else 0
            res = self.run(sql, [b, str(i).encode(), b], [oid, 0, poid], [1, 0, 1], label="binary insert")
            stmt = self.show(sql, [b, i, b])
            self.refused_envelope(res, env, "binary insert", stmt)
            self.plain_refused_after(res, r"parameter \$3", "binary insert", stmt)
            self.after_write(res.ok, t, col, i, "r", None, "binary insert", stmt)
        elif kind < 0.6:
            # COPY binary: the receive function gets the column's type modifier
            col = r.choice(list(COLS))
            i = self.new_id()
            corrupt = r.random() < 0.1
            # a corrupted row goes without the plaintext column: shifted bytes would reach PostgreSQL's
            # own receive function unchecked by colcrypt's (jsonb_recv reports a bad version as XX000)
            data = copy_binary([[struct.pack("!i", i), b] + ([] if corrupt else [b])])
            if corrupt:
                data = bytearray(data)
                data[r.randrange(29, len(data))] ^= 0xFF  # after the header, field count and id
                data = bytes(data)
                env = None
            sql = f"COPY public.fz_{t} (id, {col}{'' if corrupt else ', r'}) FROM STDIN (FORMAT binary)"
            res = self.copy(sql, data, "COPY binary")
            stmt = self.show(sql, [b])
            self.refused_envelope(res, env, "COPY binary", stmt)
            if not corrupt:
                self.plain_refused_after(res, r"column r\b", "COPY binary", stmt)
            # a corrupted row is only checked to read back at all
            self.after_write(res.ok, t, col, i, None if corrupt else "r", None, "COPY binary", stmt)
        elif kind < 0.8:
            mods = r.choice(["", "(fz)", "(fz, searchable)", "(fz2)", "(fzd)", "(fzr)"])
            sql = f"SELECT {same(f'$1::{enc(t, mods)}', f'$2::{TYPES[t]}', t)}"
            res = self.run(sql, [b, b], [self.oid[t], poid], [1, 1], label="binary select")
            stmt = self.show(sql, [b])
            self.refused_envelope(res, env, "binary select", stmt)
            self.plain_refused_after(res, r"parameter \$2", "binary select", stmt)
            if res.ok:
                if mods == "(fzd)":
                    self.fail("denied plaintext used", f"[binary select] {stmt}")
                elif mods == "(fzr)":
                    self.fail("restricted key used", f"[binary select] {stmt}")
                elif res.one() != b"t":
                    self.fail("readback", f"[binary select] binary plaintext reads back other than the plaintext type's: {stmt}", session=True)
        else:
            # binary arrays (element receive with the array's type modifier) against the same
            # elements as an array of the plaintext type
            items = [self.plain_payload(t) for _ in range(r.randrange(0, 4))]
            elems = [x[0] for x in items]
            if r.random() < 0.2:
                elems.append(None)
            elem_oid = self.oid[t] if r.random() < 0.9 else r.choice([self.oid[r.choice(list(TYPES))], 25, 17, 0])
            lb = r.choice([1, 1, 0, -5, 2147483647])
            arr = array_binary(elem_oid, elems, lb)
            if r.random() < 0.05:
                arr = arr[: r.randrange(len(arr) + 1)]
            mods = r.choice(["", "(fz)", "(fz, searchable)"])
            a, p = f"($1::{enc(t, mods)}[])::{TYPES[t]}[]", f"$2::{TYPES[t]}[]"
            sql = f"SELECT cardinality($1::{enc(t, mods)}[]), ({a} IS NOT DISTINCT FROM {p}) AND ({a}::text IS NOT DISTINCT FROM {p}::text)"
            res = self.run(sql, [arr, array_binary(poid, elems, lb)], [self.arr_oid[t], self.arr_oid_plain[t]], [1, 1], label="binary array")
            stmt = self.show(sql, [arr])
            if elem_oid == self.oid[t] and arr == array_binary(elem_oid, elems, lb):
                for x in items:
                    if x[1] is not None:
                        self.refused_envelope(res, x[1], "binary array", stmt, strict=False)
                        break
                else:
                    self.plain_refused_after(res, r"parameter \$2", "binary array", stmt)
            if res.ok and res.rows[0][1] != b"t":
                self.fail("readback", f"[binary array] the array reads back other than the plaintext type's: {stmt}", session=True)

    def case_binary_output(self):
        """A stored value in binary result format: the plaintext's binary form (its send function's
        output), refused for a key whose plaintext the role is denied or whose use is restricted;
        under ciphertext_io the stored envelope, as colcrypt.envelope() gives it."""
        r = self.rng
        t = r.choice(list(TYPES))
        self.ensure_utf8()
        cio = self.set_cio(r.random() < 0.2) and self.u.cio
        col = r.choice(list(COLS))
        i = -r.randrange(1, SEEDS_PER_TYPE + 1)
        sql = f"SELECT {col} FROM public.fz_{t} WHERE id = $1"
        res = self.run(sql, [str(i).encode()], label="binary output", binary_out=True)
        if res.lost:
            return
        if not cio and col in ("x", "k"):
            if res.ok:
                self.fail("denied plaintext read" if col == "x" else "restricted key used", f"[binary output] fz_{t}.{col}: {sql}")
            return
        if not res.ok:
            if not cio:
                self.fail("binary output", f"[binary output] fz_{t}.{col} row {i}: {res.state} {res.msg!r}")
            return
        want = f"colcrypt.envelope({col})" if cio else f"{PLAIN_BIN[t][1]}({col}::{TYPES[t]})"
        rows, _ = self.su_one(f"SELECT {want} FROM public.fz_{t} WHERE id = $1", [str(i).encode()])
        if rows and bytes.fromhex(rows[0][0].decode()[2:]) != res.one():
            self.fail("binary output", f"[binary output] fz_{t}.{col} row {i} is not {want} (ciphertext_io {'on' if cio else 'off'})")

    def case_binary_envelope(self, t):
        """Under colcrypt.ciphertext_io = on binary input is the envelope: genuine, mutated, foreign."""
        r = self.rng
        if not self.set_cio(True):
            return
        b, expect, src = self.payload(t)
        kind = r.random()
        if kind < 0.45:
            col = r.choice(list(COLS))
            i = self.new_id()
            plain = src.plain.encode() if expect is not None else None
            sql = f"INSERT INTO public.fz_{t} (id, r, {col}) VALUES ($1, $2, $3)"
            oid = self.oid[t] if r.random() < 0.7 else 0
            res = self.run(sql, [str(i).encode(), plain, b], [0, 0, oid], [0, 0, 1], label="binary envelope insert")
            self.after_write(res.ok, t, col, i, "r", src, "binary envelope insert", self.show(sql, [i, plain, b]), expect is not None, b)
        elif kind < 0.6:
            col = r.choice(list(COLS))
            i = self.new_id()
            data = copy_binary([[struct.pack("!i", i), b]])
            sql = f"COPY public.fz_{t} (id, {col}) FROM STDIN (FORMAT binary)"
            res = self.copy(sql, data, "COPY binary envelope")
            expected = f"{lit(src.plain)}::{TYPES[t]}" if expect is not None else "NULL"
            self.after_write(res.ok, t, col, i, expected, src, "COPY binary envelope", self.show(sql, [b]), expect is not None, b)
        elif kind < 0.8:
            mods = r.choice(["", "(fz)", "(fz, searchable)", "(fz2)", "(fzd)"])
            sql = f"SELECT ($1::{enc(t, mods)}) IS NOT NULL"
            res = self.run(sql, [b], [self.oid[t]], [1], label="binary envelope select")
            if res.ok:
                target = re.sub(r"[(),]|searchable", "", mods).strip() or None
                if expect is None:
                    self.fail("accepted forged input", f"[binary envelope select] {self.show(sql, [b])}")
                else:
                    self.key_rules(True, b, src, target, "searchable" in mods, False, "binary envelope select", self.show(sql, [b]))
        else:
            items = [self.payload(t) for _ in range(r.randrange(0, 4))]
            elems = [x[0] for x in items]
            if r.random() < 0.2:
                elems.append(None)
            arr = array_binary(self.oid[t], elems, r.choice([1, 1, 0, -5]))
            mods = r.choice(["", "(fz)", "(fz, searchable)"])
            sql = f"SELECT cardinality($1::{enc(t, mods)}[])"
            res = self.run(sql, [arr], [self.arr_oid[t]], [1], label="binary envelope array")
            if res.ok and any(x[1] is None for x in items):
                self.fail("accepted forged input", f"[binary envelope array] {self.show(sql, [arr])}")
            elif res.ok:
                target = re.sub(r"[(),]|searchable", "", mods).strip() or None
                for x in items:
                    self.key_rules(True, x[0], x[2], target, "searchable" in mods, False, "binary envelope array", self.show(sql, [arr]))


    def case_typmod(self):
        r = self.rng
        t = r.choice(list(TYPES))
        mods = self.gen.mods()
        v = self.gen.plain(t)
        kind = r.random()
        if kind < 0.3:
            self.run(f"SELECT {lit(v)}::{enc(t, mods)}", label="typmod cast")
        elif kind < 0.45:
            self.run(f"SELECT NULL::{enc(t, mods)}, pg_typeof(NULL::{enc(t, mods)})", label="typmod cast")
        elif kind < 0.6:
            self.set_cio(False)
            sql = (f"DROP TABLE IF EXISTS pg_temp.fz_tmp; CREATE TEMP TABLE fz_tmp (r {TYPES[t]}, c {enc(t, mods)}); "
                   f"INSERT INTO pg_temp.fz_tmp VALUES ({lit(v)}, {lit(v)}); "
                   f"SELECT {same('c', 'r', t)}, format_type(atttypid, atttypmod) FROM pg_temp.fz_tmp, pg_attribute "
                   f"WHERE attrelid = 'pg_temp.fz_tmp'::regclass AND attname = 'c'")
            res = self.run(sql, simple=True, label="typmod table")
            if res.ok and res.rows and res.rows[0][0] != b"t":
                self.fail("readback", f"[typmod table] a temporary column {enc(t, mods)} reads back other than written ({res.rows}): {sql}", session=True)
            if res.ok and res.rows and re.search(rb"\((fzr|fzd)[,)]", res.rows[0][1] or b""):
                self.fail("restricted key used", f"[typmod table] wrote and read a column {res.rows[0][1]!r}: {sql}")
        elif kind < 0.7:
            self.run(f"SELECT format_type('{enc(t)}'::regtype, {self.gen.typmod_int(self.registered)})", label="format_type")
        elif kind < 0.78:
            elems = [r.choice(["fz", "searchable", "fz2", "bogus", "NULL", '""', "default", self.gen.ident(), "\u00fc", "5"])
                     for _ in range(r.randrange(0, 4))]
            arr = "{" + ",".join(elems) + "}"
            if r.random() < 0.1:
                arr = r.choice(["{{fz},{searchable}}", "[0:1]={fz,searchable}", "{}", "{NULL}", "{fz,NULL}"])
            self.run(f"SELECT colcrypt.encrypted_typmod_in({lit(arr)}::cstring[])", label="typmod_in")
        elif kind < 0.84:
            self.run(f"SELECT colcrypt.encrypted_typmod_out({self.gen.typmod_int(self.registered)})", label="typmod_out")
        elif kind < 0.92:
            tm = self.gen.typmod_int(self.registered)
            self.set_cio(False) if r.random() < 0.9 else None
            sql = f"SELECT {same(f'colcrypt.encrypted_{t}_in({lit(v)}::cstring, 0, {tm})', f'{lit(v)}::{TYPES[t]}', t)}"
            res = self.run(sql, label="input function")
            if res.ok and not self.u.cio and res.one() != b"t":
                self.fail("readback", f"[input function] {sql}", session=True)
        else:
            tm = self.gen.typmod_int(self.registered)
            if r.random() < 0.5:
                sql = f"SELECT (colcrypt.encrypted_{t}({lit(v)}::{TYPES[t]}, {tm}, {r.choice(['true', 'false'])}))::text"
            else:
                sql = f"SELECT (colcrypt.encrypted_{t}({lit(v)}::{enc(t)}, {tm}, {r.choice(['true', 'false'])}))::text"
            self.run(sql, label="coercion function")

    def enc_expr(self, t, readable_only=True):
        """An expression of type encrypted_<t>: a stored value, a typed literal or a cast."""
        r = self.rng
        roll = r.random()
        if roll < 0.45:
            col = r.choice(READABLE if readable_only or r.random() < 0.9 else list(COLS))
            ids = self.ids.get((t, col)) or []
            i = r.choice(ids) if ids and r.random() < 0.7 else -r.randrange(1, SEEDS_PER_TYPE + 1)
            return f"(SELECT {col} FROM public.fz_{t} WHERE id = {i})"
        v = self.gen.plain(t) if r.random() < 0.5 else r.choice(self.pool[t]).plain
        mods = r.choice(["", "(fz)", "(fz, searchable)", "(fz2)"])
        if roll < 0.75:
            return f"{lit(v)}::{enc(t, mods)}"
        return f"({lit(v)}::{TYPES[t]})::{enc(t, mods)}"

    def case_operators(self):
        r = self.rng
        t = r.choice(list(TYPES))
        self.set_cio(False) if r.random() < 0.95 else None
        a, b = self.enc_expr(t), self.enc_expr(t)
        kind = r.random()
        if kind < 0.55:
            o = {op: f"(a {opr(op)} b)" for op in OPS}
            sql = (f"SELECT {o['=']}, a::{TYPES[t]} = b::{TYPES[t]}, {o['<>']}, {o['<#']}, {o['<=#']}, {o['>#']}, {o['>=#']} "
                   f"FROM (SELECT {a} AS a, {b} AS b) v")
            res = self.run(sql, label="operators")
            if res.ok and res.rows and res.rows[0][0] is not None and not self.u.cio:
                eq, peq, ne, lt, le, gt, ge = (x == b"t" for x in res.rows[0])
                if eq != peq:
                    self.fail("equality disagrees", f"colcrypt = gives {eq}, {TYPES[t]} = gives {peq}: {sql}", session=True)
                if ne == eq or le != (lt or eq) or ge != (gt or eq) or (lt + eq + gt) != 1:
                    self.fail("order", f"=,<>,<#,<=#,>#,>=# = {eq},{ne},{lt},{le},{gt},{ge}: {sql}", session=True)
        elif kind < 0.65 and self.cross[t] and not self.u.cio:
            # cross-type = and <> (pg_catalog) with the parameter types drivers send agree with the
            # plaintext type's; the right operand as a typed literal or a typed text parameter
            rt = r.choice(self.cross[t])
            v = self.gen.plain(t) if r.random() < 0.5 else r.choice(self.pool[t]).plain
            op = r.choice(["=", "<>"])
            if r.random() < 0.5:
                sql = f"SELECT a {opr(op)} ({lit(v)}::{rt}), a::{TYPES[t]} {op} ({lit(v)}::{rt}) FROM (SELECT {a} AS a) v"
                res = self.run(sql, label="cross-type operator")
            else:
                sql = f"SELECT a {opr(op)} $1::{rt}, a::{TYPES[t]} {op} $1::{rt} FROM (SELECT {a} AS a) v"
                res = self.run(sql, [v.encode()], label="cross-type operator")
            if res.ok and res.rows and res.rows[0][0] != res.rows[0][1]:
                self.fail("equality disagrees", f"colcrypt {op} with {rt} gives {res.rows[0][0]!r}, {TYPES[t]} {op} gives "
                                                f"{res.rows[0][1]!r}: {self.show(sql, [v])}", session=True)
        elif kind < 0.8:
            op = r.choice(OPS)
            if r.random() < 0.5:
                sql = f"SELECT {a} {opr(op)} {b}"
            else:
                self.run(r.choice(["SET search_path = public, colcrypt", "SET search_path = public",
                                   "SET search_path = pg_temp, colcrypt, public"]), simple=True, label="setting")
                sql = f"SELECT {a} {op} {b}"
            self.run(sql, label="operator")
        else:
            # mixed and foreign operands: another type, a plaintext value, an untyped literal, NULL
            other = r.choice(list(TYPES))
            op = r.choice(OPS)
            rhs = r.choice([self.enc_expr(other), lit(self.gen.plain(t)), f"{lit(self.gen.plain(t))}::{TYPES[t]}", "NULL",
                            f"NULL::{enc(t)}", "$1"])
            if rhs == "$1":
                bb, env = self.plain_payload(t) if not self.u.cio else (self.payload(t)[0], None)
                res = self.run(f"SELECT {a} {opr(op)} $1", [bb], [self.oid[t]], [1], label="operator binary")
                self.refused_envelope(res, env, "operator binary", self.show(f"SELECT {a} {opr(op)} $1", [bb]), strict=False)
            else:
                self.run(f"SELECT {a} {opr(op)} {rhs}", label="operator mixed")

    def case_scan(self):
        """Filters, index scans and DISTINCT over a whole table agree with the same on the plaintext."""
        r = self.rng
        t = r.choice(list(TYPES))
        col = r.choice(READABLE)
        self.set_cio(False)
        v = r.choice(self.pool[t]).plain if r.random() < 0.6 else self.gen.plain(t)
        plain = TYPES[t]
        kind = r.random()
        if kind < 0.5:
            # the planner settings are reset after the statement: under them colcrypt's event
            # trigger takes ~0.5 s per CREATE TABLE, which the other cases do often
            off = r.random() < 0.5
            if off:
                self.run("SET enable_seqscan = off", simple=True, label="setting")
            # same-type = (cast to the encrypted type) or cross-type = with the plaintext type
            rhs = f"({lit(v)}::{plain})::{enc(t)}" if r.random() < 0.5 or plain not in self.cross[t] else f"({lit(v)}::{plain})"
            sql = (f"SELECT (SELECT count(*) FROM public.fz_{t} WHERE {col} OPERATOR(pg_catalog.=) {rhs}), "
                   f"(SELECT count(*) FROM public.fz_{t} WHERE {col}::{plain} = {lit(v)}::{plain})")
            res = self.run(sql, label="scan")
            if off:
                self.run("RESET enable_seqscan", simple=True, label="setting")
            if res.ok and res.rows[0][0] != res.rows[0][1]:
                self.fail("scan disagrees", f"{res.rows[0][0]!r} rows are = by colcrypt, {res.rows[0][1]!r} by {plain}: {sql}", session=True)
        else:
            off = r.random() < 0.5
            if off:
                self.run("SET enable_hashagg = off", simple=True, label="setting")
            sql = (f"SELECT (SELECT count(DISTINCT {col}) FROM public.fz_{t}), (SELECT count(DISTINCT {col}::{plain}) FROM public.fz_{t}), "
                   f"(SELECT count(*) FROM (SELECT {col} FROM public.fz_{t} WHERE {col} IS NOT NULL GROUP BY {col}) g)")
            res = self.run(sql, label="distinct")
            if off:
                self.run("RESET enable_hashagg", simple=True, label="setting")
            if res.ok and not (res.rows[0][0] == res.rows[0][1] == res.rows[0][2]):
                self.fail("distinct disagrees", f"DISTINCT/GROUP BY counts (colcrypt, {plain}, group by) = {res.rows[0]}: {sql}", session=True)

    def case_casts(self):
        r = self.rng
        t = r.choice(list(TYPES))
        u = t if r.random() < 0.5 else r.choice(list(TYPES))
        self.set_cio(False) if r.random() < 0.95 else None
        kind = r.random()
        mods = r.choice(["", "(fz)", "(fz, searchable)", "(fz2)"]) if r.random() < 0.9 else self.gen.mods()
        if kind < 0.35:
            # plaintext value (of t's plaintext type) into encrypted_<u>: reads back as the plaintext cast would
            v = self.gen.plain(t)
            src = f"{lit(v)}::{TYPES[t]}"
            sql = f"SELECT {same(f'({src})::{enc(u, mods)}', src, u)}"
            res = self.run(sql, label="cast in")
            if res.ok and not self.u.cio and res.one() != b"t":
                self.fail("readback", f"[cast in] {sql}", session=True)
        elif kind < 0.55:
            e = self.enc_expr(t)
            dst = r.choice([TYPES[u], "text", "varchar(3)", "char(2)", "smallint", "bytea", "json", "name", enc(u, mods),
                            "integer[]", "regclass", "oid"])
            self.run(f"SELECT ({e})::{dst}", label="cast out")
        elif kind < 0.75:
            # between keys of one type: the value keeps its plaintext
            e = self.enc_expr(t)
            sql = f"SELECT {same(f'({e})::{enc(t, mods)}', e, t)}"
            res = self.run(sql, label="cast between keys")
            if res.ok and not self.u.cio and res.one() != b"t":
                self.fail("readback", f"[cast between keys] {sql}", session=True)
        else:
            # INSERT ... SELECT from one column into another (maybe of another table and type)
            scol = r.choice(list(COLS))
            dcol = r.choice(list(COLS))
            ids = self.ids.get((t, scol)) or []
            si = r.choice(ids) if ids and r.random() < 0.6 else -r.randrange(1, SEEDS_PER_TYPE + 1)
            i = self.new_id()
            expr = r.choice([scol, scol, f"{scol}::{TYPES[t]}", f"{scol}::text"])
            self.set_cio(False)
            sql = f"INSERT INTO public.fz_{u} (id, r, {dcol}) SELECT {i}, r::text::{TYPES[u]}, {expr} FROM public.fz_{t} WHERE id = {si}"
            res = self.run(sql, label="insert select")
            if res.ok and self.su_one(f"SELECT 1 FROM public.fz_{u} WHERE id = {i}")[0]:
                # compared in the role's session: expr may depend on its settings (bytea_output, DateStyle, ...)
                if self.u.cio:
                    return
                cmp = self.run(f"SELECT " + same(f"(SELECT ({dcol})::{TYPES[u]} FROM public.fz_{u} WHERE id = {i})",
                                                 f"(SELECT ({expr})::{TYPES[u]} FROM public.fz_{t} WHERE id = {si})", u),
                               label="insert select readback")
                if cmp.ok and cmp.one() != b"t":
                    self.fail("readback", f"[insert select] the copy reads other than its source: {sql}", session=True)
                # the same key (or no modifier, which keeps a value's key): the envelope is copied, no key is used
                raw = expr == scol and u == t and COLS[dcol][0] == COLS[scol][0]
                if scol in ("x", "k") and not raw:
                    self.fail("denied plaintext used" if scol == "x" else "restricted key used", f"[insert select] {sql}")
                self.after_write(True, u, dcol, i, None, None, "insert select", sql, raw_copy=raw)

    def case_functions(self):
        r = self.rng
        kind = r.random()

        def rb(n=None):
            return os_bytes(r, n if n is not None else r.choice([0, 1, 16, 31, 32, 33, 64, 200]))

        if kind < 0.3:
            data = rb(r.choice([0, 1, 10, 100, 5000]))
            key = rb(32) if r.random() < 0.8 else rb()
            ctx = r.choice([None, "", "ctx", "\u00fc", self.gen.text()[:50]])
            sql = "SELECT encode(colcrypt.encrypt($1, $2, $3), 'hex'), colcrypt.decrypt(colcrypt.encrypt($1, $2, $3), $2, $3) = $1"
            res = self.run(sql, [data, key, ctx.encode() if ctx is not None else None], [17, 17, 25], [1, 1, 0], label="encrypt")
            if res.ok:
                if res.rows[0][1] != b"t" and ctx is not None:
                    self.fail("client round trip", self.show(sql, [data, key, ctx]))
                if res.rows[0][0] is not None:
                    self.client_pool.append((bytes.fromhex(res.rows[0][0].decode()), data, key, ctx))
                    del self.client_pool[:-50]
        elif kind < 0.5 and self.client_pool:
            env, data, key, ctx = r.choice(self.client_pool)
            mutated = env
            if r.random() < 0.6:
                b = bytearray(env)
                b[r.randrange(len(b))] ^= 1 << r.randrange(8)
                mutated = bytes(b) if r.random() < 0.8 else env[: r.randrange(len(env))]
            k2 = key if r.random() < 0.7 else rb(32)
            c2 = ctx if r.random() < 0.8 else "other"
            fn = r.choice(["decrypt", "decrypt_text"])
            sql = f"SELECT colcrypt.{fn}($1, $2, $3)" if fn == "decrypt_text" else "SELECT encode(colcrypt.decrypt($1, $2, $3), 'hex')"
            res = self.run(sql, [mutated, k2, c2.encode() if c2 is not None else None], [17, 17, 25], [1, 1, 0], label=fn)
            if res.ok and res.one() is not None:
                if mutated != env or k2 != key or (c2 or "") != (ctx or ""):
                    self.fail("accepted forged input", f"[{fn}] a changed envelope, key or context opened: {self.show(sql, [mutated, k2, c2])}")
                elif fn == "decrypt" and bytes.fromhex(res.one().decode()) != data:
                    self.fail("client round trip", self.show(sql, [mutated, k2, c2]))
        elif kind < 0.6:
            txt = self.gen.text()[:2000]
            key = rb(32)
            sql = "SELECT colcrypt.decrypt_text(colcrypt.encrypt_text($1, $2), $2) = $1"
            res = self.run(sql, [txt.encode(), key], [25, 17], [0, 1], label="encrypt_text")
            if res.ok and res.one() != b"t":
                self.fail("client round trip", self.show(sql, [txt, key]))
        elif kind < 0.75:
            t = r.choice(list(TYPES))
            b = r.choice([rb(), self.payload(t)[0]] + ([r.choice(self.client_pool)[0]] if self.client_pool else []))
            if r.random() < 0.5:
                self.run("SELECT * FROM colcrypt.envelope_info($1)", [b], [17], [1], label="envelope_info")
            else:
                self.run(f"SELECT * FROM colcrypt.envelope_info({lit(chr(92) + 'x' + b.hex())}::bytea)", label="envelope_info")
        elif kind < 0.9:
            t = r.choice(list(TYPES))
            fn = r.choice(["needs_reseal", "reseal"])
            self.set_cio(False) if r.random() < 0.9 else None
            if r.random() < 0.5:
                sql = f"SELECT (colcrypt.{fn}($1::{enc(t)}))::text"
                if self.u.cio:
                    b, expect, _ = self.payload(t)
                    res = self.run(sql, [b], [self.oid[t]], [1], label=fn)
                    if res.ok and expect is None:
                        self.fail("accepted forged input", f"[{fn}] {self.show(sql, [b])}")
                else:
                    b, env = self.plain_payload(t)
                    res = self.run(sql, [b], [self.oid[t]], [1], label=fn)
                    self.refused_envelope(res, env, fn, self.show(sql, [b]))
            else:
                e = self.enc_expr(t)
                sql = f"SELECT colcrypt.{fn}({e})::text" if fn == "needs_reseal" else \
                    f"SELECT {same(f'colcrypt.reseal({e})', e, t)}"
                res = self.run(sql, label=fn)
                if res.ok and fn == "reseal" and not self.u.cio and res.one() != b"t":
                    self.fail("readback", f"[reseal] {sql}", session=True)
        else:
            sql = r.choice([
                "SELECT length(colcrypt.gen_key())",
                "SELECT colcrypt.decrypt($1)", "SELECT colcrypt.encrypt($1)", "SELECT colcrypt.decrypt_text($1)",
                "SELECT colcrypt.encrypt($1, NULL)", "SELECT colcrypt.decrypt(NULL, $1)",
                "SELECT colcrypt.encrypt_text(NULL, $1, NULL)",
            ])
            n = sql.count("$1")
            self.run(sql, [rb()] * n, [17] * n, [1] * n, label="functions")

    def case_entry_points(self):
        """colcrypt.reencrypt on the role's own temporary table (with random columns and batch sizes)
        and on tables it does not own; the key management and server-key functions it may not call."""
        r = self.rng
        kind = r.random()
        if kind < 0.6:
            t = r.choice(list(TYPES))
            mods = r.choice(["(fz)", "(fz, searchable)", "(fz2)", "", "(fzd)", "(fzr)"])
            self.set_cio(False)
            values = [r.choice(self.pool[t]).plain if r.random() < 0.5 else self.gen.plain(t) for _ in range(r.randrange(0, 5))]
            sql = (f"DROP TABLE IF EXISTS pg_temp.fz_re; CREATE TEMP TABLE fz_re (id int, r {TYPES[t]}, c {enc(t, mods)}); " +
                   "".join(f"INSERT INTO pg_temp.fz_re VALUES ({n}, {lit(v)}, {lit(v)}); " for n, v in enumerate(values)))
            if not self.run(sql, simple=True, label="reencrypt setup").ok:
                return
            col = r.choice(["c", "c", "c", "r", "id", "ctid", "xmin", "nope", "", "C", "c" * 70, "é"])
            batch = r.choice(["", ", 1", ", 64", ", 0", ", -1", ", 2147483647", ", NULL"])
            res = self.run(f"CALL colcrypt.reencrypt('pg_temp.fz_re', {lit(col)}{batch})", simple=True, label="reencrypt")
            if res.ok:
                chk = self.run(f"SELECT count(*) FILTER (WHERE NOT {same('c', 'r', t)}) FROM pg_temp.fz_re", label="reencrypt readback")
                if chk.ok and chk.one() != b"0":
                    self.fail("readback", f"[reencrypt] {chk.one()!r} values of pg_temp.fz_re {enc(t, mods)} read other than written "
                                          f"after reencrypt of column {col!r}", session=True)
        elif kind < 0.75:
            t = r.choice(list(TYPES))
            target = r.choice([f"public.fz_{t}", "colcrypt.data_keys", "colcrypt.key_names", "pg_catalog.pg_class", "pg_temp.nope"])
            self.run(f"CALL colcrypt.reencrypt({lit(target)}, {lit(r.choice(list(COLS) + ['r', 'id']))})", simple=True,
                     label="reencrypt not owned")
        else:
            name = r.choice(["fz", "fz2", "fzd", "fzr", "default", "__blind_index", self.gen.ident()])
            sql = r.choice([
                f"SELECT colcrypt.create_key({lit(name)})", f"SELECT colcrypt.rotate_key({lit(name)})",
                f"SELECT colcrypt.destroy_key({lit(name)})", "SELECT colcrypt.rotate_master_key()", "SELECT * FROM colcrypt.master_key_info()",
                f"SELECT colcrypt.deny_plaintext({lit(name)}, 'fz_user')", f"SELECT colcrypt.allow_plaintext('fzd', current_user::regrole)",
                f"SELECT colcrypt.grant_key_use('fzr', current_user::regrole)", f"SELECT colcrypt.unrestrict_key_use('fzr')",
                f"SELECT colcrypt.server_encrypt({lit(name)}, '\\x00'::bytea)", "SELECT colcrypt.server_decrypt('\\x00'::bytea)",
                f"SELECT colcrypt.server_encrypt_text({lit(name)}, 'x')", "SELECT * FROM colcrypt.connection_info()",
                "SELECT colcrypt.connection_transport()", "SELECT colcrypt.refuse_unsearchable_index()", "SELECT * FROM colcrypt.keys",
                "SELECT * FROM colcrypt.data_keys", "SELECT * FROM colcrypt.key_names", "SET colcrypt.master_key_file = '/tmp/x'",
                "SHOW colcrypt.master_key_file", "SHOW colcrypt.session_key",
            ])
            res = self.run(sql, simple=True, label="key management")
            privileged = ("create_key", "rotate_key", "destroy_key", "rotate_master_key", "deny_plaintext", "allow_plaintext",
                          "grant_key_use", "unrestrict_key_use", "server_", "data_keys", "key_names", "master_key_info", "colcrypt.keys",
                          "colcrypt.master_key_file")
            if res.ok and any(p in sql for p in privileged):
                self.fail("privilege", f"the unprivileged role ran: {sql}")

    def case_settings(self):
        r = self.rng
        sql = r.choice([
            "SET DateStyle = " + r.choice(["ISO", "'SQL, DMY'", "'Postgres, MDY'", "German", "'ISO, YMD'"]),
            "SET TimeZone = " + r.choice(["'UTC'", "'America/New_York'", "'Asia/Kolkata'", "'+05:30'", "'Pacific/Chatham'", "'Nowhere/Else'"]),
            "SET extra_float_digits = " + r.choice(["-15", "0", "1", "3", "4"]),
            "SET bytea_output = " + r.choice(["hex", "escape", "base64"]),
            "SET client_encoding = " + r.choice(["UTF8", "UTF8", "LATIN1", "WIN1252", "SQL_ASCII", "EUC_JP"]),
            "SET colcrypt.ciphertext_io = " + r.choice(["on", "off", "auto", "'maybe'", "1", "''", "yes"]),
            "SET IntervalStyle = postgres_verbose",
            "RESET ALL",
            "SET colcrypt.session_key = " + lit(os_bytes(r, 32).hex()),
        ])
        res = self.run(sql, simple=True, label="setting")
        if res.ok and "ciphertext_io" in sql:
            s = self.run("SHOW colcrypt.ciphertext_io", simple=True, label="setting")
            if s.ok:
                self.u.cio = s.one() == b"on"
        elif res.ok and sql == "RESET ALL":
            self.u.cio = False
        if res.ok and "client_encoding" in sql and r.random() < 0.5:
            self.run("SET client_encoding = UTF8", simple=True, label="setting")

    # -- the run

    def main(self, cases, seed, budget):
        self.setup()
        weighted = [
            (self.case_literal_insert, 22), (self.case_literal_select, 8), (self.case_envelope_literal, 14),
            (self.case_binary, 16), (self.case_binary_output, 3), (self.case_typmod, 10), (self.case_operators, 10), (self.case_scan, 2),
            (self.case_casts, 8), (self.case_functions, 7), (self.case_settings, 4), (self.case_entry_points, 3),
        ]
        fns = [f for f, w in weighted for _ in range(w)]
        start = time.time()
        done = 0
        try:
            for done in range(1, cases + 1):
                self.rng.choice(fns)()
                if time.time() - start > budget:
                    print(f"sql fuzz: time budget of {budget:g}s spent after {done} of {cases} cases (FUZZ_SECONDS)")
                    break
        except psycopg.OperationalError as e:
            self.crashes = max(self.crashes, 1)
            self.fail("crash", f"the server no longer accepts connections ({e}); last statements: {[self.show(*x) for x in self.last]}")
            return self.summary(done, seed, time.time() - start, [])
        elapsed = time.time() - start
        # A last check that every stored value the role wrote still reads and that no key table grew.
        for t in TYPES:
            for col in COLS:
                rows, _ = self.su_one(f"SELECT string_agg(id::text, ',') FROM public.fz_{t} WHERE id = ANY($1::int[]) AND {col} IS NOT NULL "
                                      f"AND {col}::{TYPES[t]}::text IS DISTINCT FROM r::text",
                                      [("{" + ",".join(map(str, self.r_rows[t])) + "}").encode()])
                if rows is None or rows[0][0] is not None:
                    self.fail("readback", f"at the end, rows {rows and rows[0][0]!r} of fz_{t}.{col} read other than their plaintext column")
        after = self.key_tables()
        if after != self.snapshot:
            self.fail("key tables changed", f"key names and keys before the fuzzing {self.snapshot}, after {after}")
        if not self.u.run("SELECT 1").ok:
            self.fail("crash", "the fuzzed session does not answer at the end")
        crashes_in_log = []
        try:
            with open(self.args.log, errors="replace") as f:
                crashes_in_log = [line.rstrip() for line in f if re.search(r"terminated by signal|PANIC|server process .* was terminated", line)]
        except OSError as e:
            print(f"cannot read {self.args.log}: {e}")
        return self.summary(done, seed, elapsed, crashes_in_log)

    def summary(self, cases, seed, elapsed, crashes_in_log):
        for line in crashes_in_log[:5]:
            self.fail("crash in server log", line)
        crashes = max(self.crashes, len(crashes_in_log))
        errs = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors.items()))
        print(f"sql fuzz: seed {seed}, {cases} cases in {elapsed:.1f}s")
        if os.environ.get("FUZZ_VERBOSE"):
            for (state, label, msg), n in sorted(self.messages.items()):
                print(f"  {state} {n:5d} [{label}] {msg[:150]}")
        if os.environ.get("FUZZ_VERBOSE") or os.environ.get("FUZZ_TIMING"):
            print("time by kind: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.timing.most_common()))
        print(f"sql fuzz: {self.statements} statements, {sum(self.errors.values())} errors by SQLSTATE {{{errs}}}, {crashes} crashes")
        if self.failures:
            print(f"sql fuzz FAILED (replay with FUZZ_SEED={seed}): " + ", ".join(f"{k}: {v}" for k, v in sorted(self.failures.items())))
            return 1
        return 0


def copy_text(s):
    if s is None:
        return "\\N"
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_binary(rows):
    out = bytearray(b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0))
    for row in rows:
        out += struct.pack("!h", len(row))
        for f in row:
            out += struct.pack("!i", -1) if f is None else struct.pack("!i", len(f)) + f
    out += struct.pack("!h", -1)
    return bytes(out)


def array_binary(elem_oid, elems, lbound=1):
    out = bytearray(struct.pack("!iiI", 1, int(any(e is None for e in elems)), elem_oid))
    out += struct.pack("!ii", len(elems), lbound)
    for e in elems:
        out += struct.pack("!i", -1) if e is None else struct.pack("!i", len(e)) + e
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    seed = int(os.environ.get("FUZZ_SEED") or int.from_bytes(os.urandom(4), "big"))
    cases = int(os.environ.get("FUZZ_CASES") or 5000)
    # A bound on the time, whatever the machine's load: a replay runs the same cases in the same order.
    budget = float(os.environ.get("FUZZ_SECONDS") or 30)
    print(f"sql fuzz: seed {seed} (replay with FUZZ_SEED={seed}), {cases} cases", flush=True)
    sys.exit(Fuzzer(args, seed).main(cases, seed, budget))


if __name__ == "__main__":
    main()
