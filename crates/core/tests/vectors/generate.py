#!/usr/bin/env python3
"""Writes the vector files under crates/core/tests/vectors/ from docs/FORMAT.md, using Python's
`cryptography` package and the standard library: an implementation independent of crates/core
(it neither imports nor runs the Rust code), so the Rust tests that read these files check the
Rust code against the spec rather than against itself.

  v1.json, v1-invalid.json  envelopes (FORMAT.md "Byte layout" … "Opening")
  v1-keys.json              master key text, key check value, wrapped data keys, client column keys
  v1-columns.json           type contexts, type modifiers, blind indexes, stored values, dump text
  v1-dump.sql               a plain-format dump excerpt and, in v1-columns.json, what it holds

Run: python3 crates/core/tests/vectors/generate.py           (needs `pip install cryptography`)
     python3 crates/core/tests/vectors/generate.py --check   fails if a file differs from what
                                                             this script would write
Everything is deterministic: fixed keys, salts and nonces, no clock, no randomness.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = os.path.dirname(os.path.abspath(__file__))


def hkdf_expand_32(prk: bytes, info: bytes) -> bytes:
    # RFC 5869 HKDF-Expand for L = 32 (one block): T(1) = HMAC(PRK, info || 0x01)
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def commitment(key: bytes) -> bytes:
    return hkdf_expand_32(key, b"colcrypt v1 key commitment")


def seal(key: bytes, nonce: bytes, context, plaintext: bytes, salt=None) -> bytes:
    """context: None, a str (UTF-8 encoded) or raw bytes (reserved contexts start with 0x00)."""
    c = commitment(key)
    if salt is None:  # suite 1
        enc = hkdf_expand_32(key, b"colcrypt v1 aes-256-gcm key")
        header = b"CC" + bytes([1, 1]) + c + nonce
    else:  # suite 2: the AES key is derived per salt
        enc = hkdf_expand_32(key, b"colcrypt v1 suite 2 subkey " + salt)
        header = b"CC" + bytes([1, 2]) + c + salt + nonce
    if context is None:
        ctx = b""
    elif isinstance(context, str):
        ctx = context.encode("utf-8")
    else:
        ctx = context
    return header + AESGCM(enc).encrypt(nonce, plaintext, header + ctx)


def vector(key, nonce, context, plaintext, salt=None):
    return {
        "key": key.hex(),
        "salt": salt.hex() if salt else None,
        "nonce": nonce.hex(),
        "context": context,
        "plaintext": plaintext.hex(),
        "envelope": seal(key, nonce, context, plaintext, salt).hex(),
    }


K1 = bytes(range(32))
K2 = bytes([0xFF] * 32)
K3 = hashlib.sha256(b"colcrypt test key 3").digest()
N1 = bytes(range(12))
N2 = bytes.fromhex("cafebabefacedbaddecaf888")

valid = [
    vector(K1, N1, None, b""),
    vector(K1, N1, None, b"hello, colcrypt"),
    vector(K1, N2, "patients.ssn:42", b"123-45-6789"),
    vector(K2, N1, "", b"\x00\x01\x02\xff"),
    vector(K2, N2, "Zürich ✓ 日本", "naïve café ☕".encode("utf-8")),
    vector(K3, N1, None, bytes(i % 251 for i in range(1024))),
    vector(K3, N2, "x" * 300, b"A" * 64),
    # suite 2 (salted subkeys), as server-managed data keys write it
    vector(K1, N1, None, b"", salt=bytes(range(16))),
    vector(K1, N2, "patients.ssn:42", b"123-45-6789", salt=bytes([0xA5] * 16)),
    vector(K3, N1, "\u00e9t\u00e9", bytes(i % 253 for i in range(300)), salt=bytes(range(100, 116))),
]

base = bytes.fromhex(valid[2]["envelope"])
base2 = bytes.fromhex(valid[8]["envelope"])  # suite 2, key K1, context patients.ssn:42


def invalid(name, envelope: bytes, key=K1, context="patients.ssn:42", error="cannot_decrypt"):
    return {"name": name, "key": key.hex(), "context": context, "envelope": envelope.hex(), "error": error}


def flip(b: bytes, i: int) -> bytes:
    return b[:i] + bytes([b[i] ^ 0x01]) + b[i + 1:]


bad = [
    invalid("empty", b""),
    invalid("magic only", b"CC"),
    invalid("wrong magic", b"XX" + base[2:]),
    invalid("unknown version", base[:2] + b"\x02" + base[3:], error="unsupported_version"),
    invalid("unknown suite", base[:3] + b"\x07" + base[4:], error="unsupported_suite"),
    invalid("header only", base[:48]),
    invalid("truncated tag", base[:-1]),
    invalid("trailing byte", base + b"\x00"),
    invalid("flipped commitment bit", flip(base, 10)),
    invalid("flipped nonce bit", flip(base, 40)),
    invalid("flipped ciphertext bit", flip(base, 50)),
    invalid("flipped tag bit", flip(base, len(base) - 1)),
    invalid("wrong key", base, key=K2),
    invalid("wrong context", base, context="patients.ssn:43"),
    invalid("missing context", base, context=None),
    invalid("suite 2: flipped salt bit", flip(base2, 40)),
    invalid("suite 2: flipped nonce bit", flip(base2, 56)),
    invalid("suite 2: truncated to the suite 1 header length", base2[:64]),
    invalid("suite 2: relabelled as suite 1", base2[:3] + b"\x01" + base2[4:]),
    invalid("suite 2: wrong key", base2, key=K2),
    invalid("suite 2: wrong context", base2, context="patients.ssn:43"),
    # FORMAT.md "Opening": version and suite are judged as soon as their byte is there, whatever
    # follows (a newer version may have a shorter header); a missing byte is cannot_decrypt.
    invalid("version byte only, unknown version (43 43 02)", b"CC\x02", error="unsupported_version"),
    invalid("version 0", b"CC\x00", error="unsupported_version"),
    invalid("version 255 with a suite 1 body", base[:2] + b"\xff" + base[3:], error="unsupported_version"),
    invalid("version 1, no suite byte (43 43 01)", b"CC\x01"),
    invalid("suite byte only, unknown suite (43 43 01 07)", b"CC\x01\x07", error="unsupported_suite"),
    invalid("suite 0", b"CC\x01\x00" + base[4:], error="unsupported_suite"),
    invalid("suite 1 header, no tag", b"CC\x01\x01" + base[4:48]),
    invalid("suite 2, one byte short of header and tag", base2[:79]),
    invalid("lowercase magic", b"cc" + base[2:]),
]


# ---------------------------------------------------------------------------------------------
# Keys (FORMAT.md "Master key", "Key tables", "Wrapped data keys", "Client column keys")

MASTER = hashlib.sha256(b"colcrypt test master key").digest()
MASTER_NEW = hashlib.sha256(b"colcrypt test master key 2").digest()
CLIENT_MASTER = hashlib.sha256(b"colcrypt test client master key").digest()

ASCII_WS = " \t\n\x0c\r"  # what a master key's text may start and end with


def parse_master_key(text: bytes):
    """The spec's rule: ASCII whitespace (space, tab, LF, FF, CR) around exactly 64 hex digits,
    either case. Returns the 32 key bytes or None."""
    s = text.strip(ASCII_WS.encode())
    if len(s) != 64 or any(c not in b"0123456789abcdefABCDEF" for c in s):
        return None
    return bytes.fromhex(s.decode())


H = MASTER.hex()
master_key_texts = [
    ("bare", H),
    ("trailing newline (as `colcrypt keygen` writes)", H + "\n"),
    ("CRLF", H + "\r\n"),
    ("uppercase", H.upper()),
    ("mixed case", H[:32].upper() + H[32:]),
    ("surrounding spaces, tabs and newlines", " \t\n" + H + "\n\n \t"),
    ("form feed around", "\x0c" + H + "\x0c"),
    ("63 digits", H[:63]),
    ("65 digits", H + "0"),
    ("empty", ""),
    ("whitespace only", " \n"),
    ("space inside", H[:32] + " " + H[32:]),
    ("newline inside", H[:32] + "\n" + H[32:]),
    ("0x prefix", "0x" + H),
    ("\\x prefix", "\\x" + H),
    ("non-hex digit", H[:63] + "g"),
    ("vertical tab is not whitespace here", H + "\x0b"),
    ("NUL after the key", H + "\x00"),
    ("no-break space (U+00A0) is not ASCII whitespace", H + "\u00a0"),
    ("the key twice", H + "\n" + H + "\n"),
    ("base64 of the key", base64.b64encode(MASTER).decode()),
]
master_key_vectors = []
for name, text in master_key_texts:
    raw = text.encode("utf-8")
    key = parse_master_key(raw)
    master_key_vectors.append({
        "name": name,
        "text": raw.hex(),
        "key": key.hex() if key else None,
        "key_check_value": commitment(key).hex() if key else None,
        "key_id": commitment(key)[:8].hex() if key else None,
    })


def data_key_context(key_id: int, version: int) -> bytes:
    return b"\x00colcrypt data key %d v%d" % (key_id, version)


def wrapped_data_key(master, key_id, version, dek, nonce):
    ctx = data_key_context(key_id, version)
    return {
        "master_key": master.hex(),
        "key_id": key_id,
        "version": version,
        "context": ctx.hex(),
        "nonce": nonce.hex(),
        "data_key": dek.hex(),
        "fingerprint": commitment(dek).hex(),
        "wrapped": seal(master, nonce, ctx, dek).hex(),
    }


def dek(name, version):
    return hashlib.sha256(b"colcrypt test data key %s v%d" % (name.encode(), version)).digest()


def nonce_for(*parts) -> bytes:
    return hashlib.sha256(b"colcrypt test nonce " + repr(parts).encode()).digest()[:12]


def salt_for(*parts) -> bytes:
    return hashlib.sha256(b"colcrypt test salt " + repr(parts).encode()).digest()[:16]


wrapped_data_keys = [
    wrapped_data_key(MASTER, 1, 1, dek("default", 1), N1),
    wrapped_data_key(MASTER, 1, 2, dek("default", 2), N2),
    wrapped_data_key(MASTER, 7, 12, dek("pii", 12), nonce_for("pii", 12)),
    wrapped_data_key(MASTER, 2147483647, 2147483647, dek("max", 1), nonce_for("max")),
    # the same data key after colcrypt.rotate_master_key(): same row, same context, new master
    wrapped_data_key(MASTER_NEW, 7, 12, dek("pii", 12), nonce_for("pii", 12, "rewrapped")),
]


def client_column_key(master, column, column_key, nonce):
    ctx = b"\x00colcrypt wrapped key client column " + column.encode("utf-8")
    return {
        "client_master_key": master.hex(),
        "column": column,
        "context": ctx.hex(),
        "nonce": nonce.hex(),
        "column_key": column_key.hex(),
        "wrapped": seal(master, nonce, ctx, column_key).hex(),
    }


client_column_keys = [
    client_column_key(CLIENT_MASTER, "patients.ssn", hashlib.sha256(b"ck ssn").digest(), N1),
    client_column_key(CLIENT_MASTER, "orders.note", hashlib.sha256(b"ck note").digest(), N2),
    client_column_key(CLIENT_MASTER, "Zürich.straße", hashlib.sha256(b"ck utf8").digest(), nonce_for("ck utf8")),
]

keys_file = {
    "master_key_text": master_key_vectors,
    "wrapped_data_keys": wrapped_data_keys,
    "client_column_keys": client_column_keys,
}


# ---------------------------------------------------------------------------------------------
# Transparent column types (FORMAT.md "Transparent column types", "Ciphertext text form")

TYPES = ["encrypted_text", "encrypted_bytea", "encrypted_jsonb", "encrypted_int4", "encrypted_int8",
         "encrypted_numeric", "encrypted_float8", "encrypted_bool", "encrypted_date", "encrypted_timestamptz"]


def type_context(t: str) -> bytes:
    return b"\x00colcrypt type " + t.encode("ascii")


def typmod(name: str, searchable: bool) -> int:
    v = int.from_bytes(hashlib.sha256(name.encode("ascii")).digest()[:4], "big") & 0x3FFFFFFF
    return (v << 1) | (1 if searchable else 0)


# Plaintext forms: the binary send form of the plaintext type, or the text form for text/jsonb.
PG_EPOCH_DAYS = 10957  # 2000-01-01 as days since 1970-01-01


def days_from_civil(y, m, d):  # proleptic Gregorian date to days since 1970-01-01
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def date_send(y, m, d) -> bytes:
    return struct.pack(">i", days_from_civil(y, m, d) - PG_EPOCH_DAYS)


def timestamptz_send(y, m, d, hh, mm, ss, us) -> bytes:  # UTC
    days = days_from_civil(y, m, d) - PG_EPOCH_DAYS
    return struct.pack(">q", ((days * 86400 + hh * 3600 + mm * 60 + ss) * 1_000_000) + us)


NUMERIC_SPECIAL = {"NaN": 0xC000, "Infinity": 0xD000, "-Infinity": 0xF000}


def numeric_send(s: str) -> bytes:
    """numeric_send of a decimal literal as PostgreSQL stores it (zero digits stripped at both
    ends, dscale the literal's number of decimal places)."""
    if s in NUMERIC_SPECIAL:
        # PostgreSQL keeps these in a short header whose dscale bits overlap the sign word:
        # numeric_send writes dscale 0x20 for ±Infinity and 0 for NaN (FORMAT.md, "Plaintext forms").
        return struct.pack(">HhHH", 0, 0, NUMERIC_SPECIAL[s], 0 if s == "NaN" else 0x20)
    neg = s.startswith("-")
    ip, _, fp = s.lstrip("+-").partition(".")
    dscale = len(fp)
    ip = ip.lstrip("0")
    ip = "0" * (-len(ip) % 4) + ip
    fp = fp + "0" * (-len(fp) % 4)
    groups = [int(ip[i:i + 4]) for i in range(0, len(ip), 4)] + [int(fp[i:i + 4]) for i in range(0, len(fp), 4)]
    weight = len(ip) // 4 - 1
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight, neg = 0, False
    return struct.pack(">HhHH", len(groups), weight, 0x4000 if neg else 0, dscale) + b"".join(struct.pack(">H", g) for g in groups)


class Damaged(Exception):
    pass


def numeric_equality_form(b: bytes) -> bytes:
    if len(b) < 8:
        raise Damaged
    nd, w, sign, ds = struct.unpack(">HhHH", b[:8])
    if len(b) != 8 + 2 * nd or ds > 0x3FFF:
        raise Damaged
    digits = list(struct.unpack(">%dH" % nd, b[8:]))
    if any(d >= 10000 for d in digits):
        raise Damaged
    if sign in (0xC000, 0xD000, 0xF000):
        return struct.pack(">HhHH", 0, 0, sign, 0)
    if sign not in (0x0000, 0x4000):
        raise Damaged
    nonzero = [i for i, d in enumerate(digits) if d]
    if not nonzero:
        return struct.pack(">HhHH", 0, 0, 0, 0)
    first, last = nonzero[0], nonzero[-1]
    last_weight = w - last
    d, tz = digits[last], 0
    while tz < 3 and d % 10 == 0:
        d, tz = d // 10, tz + 1
    needed = 0 if last_weight >= 0 else 4 * -last_weight - tz
    if needed > ds:
        raise Damaged
    kept = digits[first:last + 1]
    return struct.pack(">HhHH", len(kept), w - first, sign, needed) + b"".join(struct.pack(">H", x) for x in kept)


def float8_equality_form(b: bytes) -> bytes:
    if len(b) != 8:
        raise Damaged
    bits = int.from_bytes(b, "big")
    if (bits >> 52) & 0x7FF == 0x7FF and bits & ((1 << 52) - 1):
        bits = 0x7FF8000000000000
    elif bits == 0x8000000000000000:
        bits = 0
    return bits.to_bytes(8, "big")


def jsonb_number(n: str) -> str:
    if "e" in n or "E" in n:
        return n
    if "." in n:
        n = n.rstrip("0").rstrip(".")
    return "0" if n == "-0" else n


def jsonb_equality_form(b: bytes) -> bytes:
    text, out, i = b.decode("utf-8"), [], 0
    while i < len(text):
        c = text[i]
        if c == '"':  # a string, escapes included, is copied as it is
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "-" or c.isdigit():
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] in ".eE+-"):
                j += 1
            out.append(jsonb_number(text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out).encode("utf-8")


def equality_form(t: str, p: bytes) -> bytes:
    return {"encrypted_numeric": numeric_equality_form, "encrypted_float8": float8_equality_form,
            "encrypted_jsonb": jsonb_equality_form}.get(t, lambda x: x)(p)


BLIND_KEY = dek("__blind_index", 1)


def blind_index(b_key: bytes, t: str, plaintext: bytes) -> bytes:
    k = hkdf_expand_32(b_key, b"colcrypt v1 blind index")
    ctx = type_context(t)
    return hmac.new(k, struct.pack(">Q", len(ctx)) + ctx + equality_form(t, plaintext), hashlib.sha256).digest()[:16]


# (type, how a user would write it, plaintext bytes)
PLAINTEXTS = [
    ("encrypted_text", "123-45-6789", b"123-45-6789"),
    ("encrypted_text", "Zürich (UTF-8 database)", "Zürich".encode("utf-8")),
    ("encrypted_text", "Zürich (LATIN1 database)", "Zürich".encode("latin-1")),
    ("encrypted_text", "'' (empty)", b""),
    ("encrypted_bytea", "'\\x00ff'::bytea", b"\x00\xff"),
    ("encrypted_jsonb", "text with -0 and 1.50 (as the canonical form sees it)", b'{"a": 1.50, "b": [-0, "1.50"]}'),
    ("encrypted_jsonb", '{"a": 1.5, "b": [0, "1.50"]}', b'{"a": 1.5, "b": [0, "1.50"]}'),
    ("encrypted_jsonb", "numbers in and out of a string with an escaped quote", b'[1000, 10.0, "\\"-0.0"]'),
    ("encrypted_int4", "42", struct.pack(">i", 42)),
    ("encrypted_int4", "-1", struct.pack(">i", -1)),
    ("encrypted_int8", "9007199254740993", struct.pack(">q", 9007199254740993)),
    ("encrypted_numeric", "1.50", numeric_send("1.50")),
    ("encrypted_numeric", "1.5", numeric_send("1.5")),
    ("encrypted_numeric", "-0.00100", numeric_send("-0.00100")),
    ("encrypted_numeric", "0.00", numeric_send("0.00")),
    ("encrypted_numeric", "1000000", numeric_send("1000000")),
    ("encrypted_numeric", "123456.789", numeric_send("123456.789")),
    ("encrypted_numeric", "NaN", numeric_send("NaN")),
    ("encrypted_numeric", "-Infinity", numeric_send("-Infinity")),
    ("encrypted_numeric", "Infinity", numeric_send("Infinity")),
    ("encrypted_numeric", "10 with a leading zero digit (not written by numeric_send)",
     struct.pack(">HhHH", 2, 1, 0, 0) + struct.pack(">HH", 0, 10)),
    ("encrypted_float8", "1.5", struct.pack(">d", 1.5)),
    ("encrypted_float8", "-0", struct.pack(">d", -0.0)),
    ("encrypted_float8", "0", struct.pack(">d", 0.0)),
    ("encrypted_float8", "NaN", bytes.fromhex("7ff8000000000000")),
    ("encrypted_float8", "a NaN with another payload", bytes.fromhex("fff0000000000001")),
    ("encrypted_float8", "-Infinity", struct.pack(">d", float("-inf"))),
    ("encrypted_bool", "true", b"\x01"),
    ("encrypted_bool", "false", b"\x00"),
    ("encrypted_date", "2024-02-29", date_send(2024, 2, 29)),
    ("encrypted_date", "1999-12-31", date_send(1999, 12, 31)),
    ("encrypted_timestamptz", "2024-02-29 12:34:56.789012+00", timestamptz_send(2024, 2, 29, 12, 34, 56, 789012)),
]

blind_indexes = [{
    "type": t,
    "shown": shown,
    "plaintext": p.hex(),
    "equality_form": equality_form(t, p).hex(),
    "index": blind_index(BLIND_KEY, t, p).hex(),
} for t, shown, p in PLAINTEXTS]

equality_form_edge_cases = [
    {"type": "encrypted_numeric", "plaintext": h, "why": why} for h, why in [
        ("000000000000", "shorter than the 8-byte header"),
        ("0001000000000000", "ndigits 1 but no digit"),
        ("0001000000000000271000", "a byte after the digits"),
        ("00010000000000002710", "digit 10000"),
        ("0000000012340000", "unknown sign word"),
        ("0000000000004000", "dscale above 0x3FFF"),
        ("0001ffff000000000001", "weight -1 digit 1 (0.0001) needs dscale 4, has 0"),
        ("0001ffff00000003000a", "weight -1 digit 10 needs dscale 3 (0.0010 → 0.001), has 3: valid"),
    ]
] + [
    {"type": "encrypted_float8", "plaintext": "3ff00000000000", "why": "7 bytes"},
    {"type": "encrypted_float8", "plaintext": "3ff0000000000000ff", "why": "9 bytes"},
]
for d in equality_form_edge_cases:
    try:
        d["equality_form"] = equality_form(d["type"], bytes.fromhex(d["plaintext"])).hex()
    except Damaged:
        d["equality_form"] = None


def stored_value(t, plaintext, key, salt, nonce, tag, b_key=BLIND_KEY):
    """A column value as stored: the envelope ("none"), or "CB"/"CI" ‖ blind index ‖ envelope."""
    ctx = type_context(t)
    if tag == "none":
        aad_ctx, prefix = ctx, b""
    else:
        bi = blind_index(b_key, t, plaintext)
        aad_ctx = ctx + b"\x00" + bi if tag == "CB" else ctx
        prefix = tag.encode("ascii") + bi
    env = seal(key, nonce, aad_ctx, plaintext, salt)
    stored = prefix + env
    text_form = "\\x" + stored.hex()
    return {
        "type": t,
        "tag": tag,
        "data_key": key.hex(),
        "blind_index_key": b_key.hex() if tag != "none" else None,
        "salt": salt.hex(),
        "nonce": nonce.hex(),
        "plaintext": plaintext.hex(),
        "context": aad_ctx.hex(),
        "stored": stored.hex(),
        # colcrypt.ciphertext_io text output and input: the whole stored value
        "text_form": text_form,
        # the same field in a COPY … FROM stdin data line (text format doubles each backslash)
        "copy_field": text_form.replace("\\", "\\\\"),
        # binary output (send) under colcrypt.ciphertext_io: a "CI" index is left out
        "binary_form": (env if tag == "CI" else stored).hex(),
    }


PII = dek("pii", 2)
stored_values = [
    stored_value(t, p, PII, salt_for(i), nonce_for("stored", i), ["none", "CB", "CI"][i % 3])
    for i, (t, _, p) in enumerate(PLAINTEXTS)
]

columns_file = {
    "type_contexts": [{"type": t, "context": type_context(t).hex()} for t in TYPES],
    "type_modifiers": [
        {"name": n, "searchable": s, "typmod": typmod(n, s)}
        for n in ["default", "pii", "__transient", "__blind_index", "billing", "a", "z" * 63]
        for s in [False, True]
    ],
    "blind_index_key": BLIND_KEY.hex(),
    "blind_indexes": blind_indexes,
    "equality_form_edge_cases": equality_form_edge_cases,
    "stored_values": stored_values,
}


# ---------------------------------------------------------------------------------------------
# A ciphertext dump (FORMAT.md "Recovering values from a dump"): the parts of a plain-format
# pg_dump that matter, and what a reader holding only MASTER must get out of it.

TS = "2026-01-01 00:00:00+00"
DUMP_KEYS = [  # (key_id, name, version, state)
    (1, "default", 1, "decrypt_only"), (1, "default", 2, "active"),
    (2, "__blind_index", 1, "active"), (3, "__transient", 1, "active"),
    (4, "pii", 1, "decrypt_only"), (4, "pii", 2, "active"),
    (5, "gone", 1, "destroyed"),
]
dump_deks = {(i, v): dek(n, v) for i, n, v, _ in DUMP_KEYS}
dump_deks[(2, 1)] = BLIND_KEY
dump_deks[(4, 2)] = PII


def copy_bytea(b):
    return "\\\\x" + b.hex() if b is not None else "\\N"


key_lines = []
for i, n, v, state in DUMP_KEYS:
    k = dump_deks[(i, v)]
    wrapped = None if state == "destroyed" else seal(MASTER, nonce_for("dump wrap", i, v), data_key_context(i, v), k)
    key_lines.append("\t".join([str(i), n, str(v), state, copy_bytea(commitment(k)), copy_bytea(wrapped), TS, TS]))

# (row, column, type, data key (key_id, version), tag, plaintext or None for NULL, what a reader gets)
DUMP_VALUES = [
    (1, "ssn", "encrypted_text", (4, 2), "CB", b"123-45-6789", "ok"),
    (1, "balance", "encrypted_numeric", (4, 1), "none", numeric_send("1.50"), "ok"),
    (1, "born", "encrypted_date", (1, 2), "none", date_send(2024, 2, 29), "ok"),
    (1, "note", "encrypted_text", (5, 1), "none", b"shredded", "destroyed_key"),
    (2, "ssn", "encrypted_text", (4, 1), "CI", b"987-65-4321", "ok"),
    (2, "balance", "encrypted_numeric", None, None, None, "null"),
    (2, "born", "encrypted_date", (1, 1), "none", date_send(1999, 12, 31), "ok"),
    (2, "note", "encrypted_text", None, None, None, "null"),
    (3, "ssn", "encrypted_text", (4, 2), "CB", "Zürich".encode("utf-8"), "ok"),
    (3, "balance", "encrypted_numeric", (4, 2), "none", numeric_send("NaN"), "ok"),
    (3, "born", "encrypted_date", (3, 1), "none", date_send(2000, 1, 1), "ok"),
    (3, "note", "encrypted_text", (1, 2), "none", b"damaged on disk", "damaged"),
]
COLUMNS = ["ssn", "balance", "born", "note"]
rows, dump_expected = {}, []
for n, (row, col, t, key, tag, p, result) in enumerate(DUMP_VALUES):
    if p is None:
        field = "\\N"
    else:
        sv = stored_value(t, p, dump_deks[key], salt_for("dump", key), nonce_for("dump", n), tag)
        field = sv["copy_field"]
        if result == "damaged":  # one flipped ciphertext bit
            stored = bytearray.fromhex(sv["stored"])
            stored[70] ^= 0x04
            field = "\\\\x" + bytes(stored).hex()
    rows.setdefault(row, {})[col] = field
    dump_expected.append({"row": row, "column": col, "type": t, "result": result,
                          "plaintext": p.hex() if result == "ok" else None})
table_lines = ["\t".join([str(r)] + [rows[r][c] for c in COLUMNS]) for r in sorted(rows)]

ccks = client_column_keys[0]
dump_sql = "\n".join([
    "--",
    "-- An excerpt of `pg_dump --format=plain` of a database using colcrypt (generated by",
    "-- crates/core/tests/vectors/generate.py; docs/FORMAT.md \"Recovering values from a dump\").",
    "-- The master key is the one named MASTER in generate.py:",
    "--   " + MASTER.hex(),
    "--",
    "",
    "CREATE EXTENSION IF NOT EXISTS colcrypt WITH SCHEMA colcrypt;",
    "",
    "CREATE TABLE public.patients (",
    "    id integer NOT NULL,",
    "    ssn colcrypt.encrypted_text(pii, searchable),",
    "    balance colcrypt.encrypted_numeric(pii),",
    "    born colcrypt.encrypted_date(\"default\"),",
    "    note colcrypt.encrypted_text(gone)",
    ");",
    "",
    "COPY colcrypt.client_column_keys (owner, name, wrapped, created_at) FROM stdin;",
    "\t".join(["app", ccks["column"], copy_bytea(bytes.fromhex(ccks["wrapped"])), TS]),
    "\\.",
    "",
    "COPY colcrypt.data_keys (key_id, name, version, state, fingerprint, wrapped, created_at, state_changed_at) FROM stdin;",
    *key_lines,
    "\\.",
    "",
    "SELECT pg_catalog.setval('colcrypt.data_key_id_seq', 5, true);",
    "",
    "COPY public.patients (id, " + ", ".join(COLUMNS) + ") FROM stdin;",
    *table_lines,
    "\\.",
    "",
])
columns_file["dump"] = {"file": "v1-dump.sql", "master_key": MASTER.hex(), "table": "public.patients",
                        "values": dump_expected}


# ---------------------------------------------------------------------------------------------

def dumps(obj) -> str:
    return json.dumps(obj, indent=1, ensure_ascii=False) + "\n"


OUTPUTS = {
    "v1.json": dumps(valid),
    "v1-invalid.json": dumps(bad),
    "v1-keys.json": dumps(keys_file),
    "v1-columns.json": dumps(columns_file),
    "v1-dump.sql": dump_sql,
}


def main():
    if "--check" in sys.argv:
        stale = []
        for name, text in OUTPUTS.items():
            try:
                with open(os.path.join(HERE, name), encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        if stale:
            sys.exit("crates/core/tests/vectors: %s out of date: run `make vectors`" % ", ".join(stale))
        return
    for name, text in OUTPUTS.items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
