"""docs/FORMAT.md against a live server, both ways (run by t_format_vectors.sh as postgres).

  dump  SOCKET PORT DB MASTER_KEY_FILE
        The server writes: a table of all ten types (searchable ones, two versions of a key, a
        destroyed key) is dumped with pg_dump, and the dump is opened here from the spec alone
        (generate.py's independent implementation: HKDF, AES-GCM, blind index), with the master
        key and nothing of colcrypt.
  load  SOCKET PORT DB
        The server reads: the key rows of v1-dump.sql are loaded into a database whose master key
        is the vectors' one, and every stored value of v1-columns.json and every value of the
        dump excerpt is given to the server as a ciphertext_io text form; it must keep the bytes
        (same key, same blind index) and give back the vector's plaintext.
"""
import importlib.util
import json
import os
import re
import subprocess
import sys

import psycopg
from psycopg import sql
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../crates/core/tests/vectors")
spec = importlib.util.spec_from_file_location("generate", os.path.join(VECTORS, "generate.py"))
g = importlib.util.module_from_spec(spec)
spec.loader.exec_module(g)  # builds the vectors in memory; writes nothing (main() is not run)

SEND = {"encrypted_bytea": "byteasend(v::bytea)", "encrypted_int4": "int4send(v::int4)",
        "encrypted_int8": "int8send(v::int8)", "encrypted_numeric": "numeric_send(v::numeric)",
        "encrypted_float8": "float8send(v::float8)", "encrypted_bool": "boolsend(v::bool)",
        "encrypted_date": "date_send(v::date)", "encrypted_timestamptz": "timestamptz_send(v::timestamptz)",
        # text forms: the output function gives the sealed bytes as they are
        "encrypted_text": "textsend(colcrypt.encrypted_text_out(v)::text)",
        "encrypted_jsonb": "textsend(colcrypt.encrypted_jsonb_out(v)::text)"}


def fail(msg):
    sys.exit("FAIL: " + msg)


def open_envelope(key: bytes, env: bytes, ctx: bytes) -> bytes:
    """FORMAT.md "Opening" for a key we hold (both suites)."""
    if env[:3] != b"CC\x01" or env[3] not in (1, 2):
        raise ValueError("not a v1 envelope")
    if env[4:36] != g.commitment(key):
        raise ValueError("another key")
    if env[3] == 1:
        header, enc = env[:48], g.hkdf_expand_32(key, b"colcrypt v1 aes-256-gcm key")
    else:
        header, enc = env[:64], g.hkdf_expand_32(key, b"colcrypt v1 suite 2 subkey " + env[36:52])
    return AESGCM(enc).decrypt(header[-12:], env[len(header):], header + ctx)


def jsonb_text(c: bytes) -> bytes:
    """FORMAT.md "Plaintext forms", encrypted_jsonb's binary form: a jsonb container (header,
    JEntries, then the children's data, little-endian) printed as jsonb_out prints it."""
    u32 = lambda b, i: int.from_bytes(b[i:i + 4], "little")

    def numeric(d):
        size, hdr = (d[0] >> 1, 1) if d[0] & 1 else (u32(d, 0) >> 2, 4)
        body = d[hdr:size]
        h = int.from_bytes(body[:2], "little")
        if h & 0xC000 == 0xC000:
            return {0xC000: "NaN", 0xD000: "Infinity", 0xF000: "-Infinity"}[h & 0xF000]
        if h & 0x8000:  # short header: sign, display scale and weight in one word
            neg, dscale, weight, at = h & 0x2000, (h & 0x1F80) >> 7, (h & 0x3F) - (64 if h & 0x40 else 0), 2
        else:
            neg, dscale, weight, at = h & 0x4000, h & 0x3FFF, int.from_bytes(body[2:4], "little", signed=True), 4
        digits = [int.from_bytes(body[i:i + 2], "little") for i in range(at, len(body), 2)]
        dig = lambda i: digits[i] if 0 <= i < len(digits) else 0
        out = "-" if neg else ""
        out += "0" if weight < 0 else str(dig(0)) + "".join("%04d" % dig(i) for i in range(1, weight + 1))
        if dscale:
            frac = "".join("%04d" % dig(i) for i in range(weight + 1, weight + 2 + dscale // 4))
            out += "." + frac[:dscale]
        return out

    def string(b):
        esc = {0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: '\\"', 0x5C: "\\\\"}
        return '"' + "".join(esc.get(ch, "\\u%04x" % ch if ch < 0x20 else chr(ch)) for ch in b) + '"'

    def value(kind, data, start, end):
        aligned = (start + 3) & ~3
        if kind == 0:
            return string(data[start:end])
        if kind == 1:
            return numeric(data[aligned:end])
        if kind == 5:
            return container(data[aligned:end])
        return {2: "false", 3: "true", 4: "null"}[kind]

    def container(b):
        header = u32(b, 0)
        count, obj, scalar = header & 0x0FFFFFFF, header & 0x20000000, header & 0x10000000
        n = 2 * count if obj else count
        data, spans, off = b[4 + 4 * n:], [], 0
        for i in range(n):
            je = u32(b, 4 + 4 * i)
            end = je & 0x0FFFFFFF if je & 0x80000000 else off + (je & 0x0FFFFFFF)
            spans.append(((je >> 28) & 7, off, end))
            off = end
        if scalar:
            return value(*spans[0][:1], data, *spans[0][1:])
        if obj:
            return "{" + ", ".join(value(0, data, *spans[i][1:]) + ": " + value(spans[count + i][0], data, *spans[count + i][1:])
                                   for i in range(count)) + "}"
        return "[" + ", ".join(value(k, data, s, e) for k, s, e in spans) + "]"

    # Strings are in the server encoding (UTF-8 here): bytes map to characters one to one above.
    return container(c).encode("latin-1").decode("utf-8").encode("utf-8")


def copy_block(dump: str, table: str):
    m = re.search(r"^COPY %s \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$" % re.escape(table), dump, re.M | re.S)
    if not m:
        fail("no COPY block for " + table)
    cols = m.group(1).split(", ")
    rows = []
    for line in m.group(2).splitlines():
        fields = [None if f == "\\N" else f.replace("\\\\", "\\") for f in line.split("\t")]
        rows.append(dict(zip(cols, fields)))
    return rows, m.group(0)


def text_form_bytes(field: str) -> bytes:
    if not re.fullmatch(r"\\x([0-9a-f]{2})+", field):
        fail("a dumped value is not \\x and lowercase hex: " + field[:20])
    return bytes.fromhex(field[2:])


def split_stored(stored: bytes):
    if len(stored) >= 18 and stored[:2] in (b"CB", b"CI"):
        return stored[:2].decode(), stored[2:18], stored[18:]
    return "none", None, stored


def value_context(t, tag, bi):
    return g.type_context(t) + (b"\x00" + bi if tag == "CB" else b"")


# (column, type, searchable, SQL literal per row, plaintext per row)
P = g.numeric_send
ROWS = [
    ("tx", "encrypted_text", True, ["'Zürich'", "''", "'Zürich'"], ["Zürich".encode(), b"", "Zürich".encode()]),
    ("by", "encrypted_bytea", False, ["'\\x00ff'", "'\\x'", "'\\xdeadbeef'"], [b"\x00\xff", b"", bytes.fromhex("deadbeef")]),
    ("js", "encrypted_jsonb", True, ["'{\"b\": [1, \"x\"], \"a\": 1.50}'", "'[]'", "'{\"a\": 1.5, \"b\": [1, \"x\"]}'"],
     [b'{"a": 1.50, "b": [1, "x"]}', b"[]", b'{"a": 1.5, "b": [1, "x"]}']),
    ("i4", "encrypted_int4", False, ["-42", "2147483647", "0"], [g.struct.pack(">i", x) for x in (-42, 2147483647, 0)]),
    ("i8", "encrypted_int8", True, ["9007199254740993", "-1", "-1"], [g.struct.pack(">q", x) for x in (9007199254740993, -1, -1)]),
    ("nu", "encrypted_numeric", True, ["1.50", "'NaN'", "1.5"], [P("1.50"), P("NaN"), P("1.5")]),
    ("f8", "encrypted_float8", True, ["'-0'", "'NaN'", "'0'"], [g.struct.pack(">d", -0.0), bytes.fromhex("7ff8000000000000"), bytes(8)]),
    ("bo", "encrypted_bool", False, ["true", "false", "true"], [b"\x01", b"\x00", b"\x01"]),
    ("da", "encrypted_date", False, ["'2024-02-29'", "'1999-12-31'", "'infinity'"],
     [g.date_send(2024, 2, 29), g.date_send(1999, 12, 31), g.struct.pack(">i", 2**31 - 1)]),
    ("ts", "encrypted_timestamptz", False, ["'2024-02-29 12:34:56.789012+00'", "'2000-01-01 00:00:00+00'", "'-infinity'"],
     [g.timestamptz_send(2024, 2, 29, 12, 34, 56, 789012), bytes(8), g.struct.pack(">q", -2**63)]),
    ("gone", "encrypted_text", False, ["'shredded'", "NULL", "'shredded too'"], [b"shredded", None, b"shredded too"]),
]


def server_dump(socket, port, db, master_file):
    conn = psycopg.connect(host=socket, port=port, dbname=db, user="postgres", autocommit=True)
    keymod = {"bo": ""}
    cols = ", ".join("%s colcrypt.%s%s" % (c, t, keymod.get(c, "(gone)" if c == "gone" else "(pii, searchable)" if s else "(pii)"))
                     for c, t, s, _, _ in ROWS)
    conn.execute("SELECT colcrypt.create_key('pii'), colcrypt.create_key('gone')")
    conn.execute("CREATE TABLE t (id int PRIMARY KEY, %s)" % cols)
    for r in range(3):
        if r == 1:
            conn.execute("SELECT colcrypt.rotate_key('pii')")
        conn.execute("INSERT INTO t VALUES (%d, %s)" % (r + 1, ", ".join(lits[r] for _, _, _, lits, _ in ROWS)))
    conn.execute("SELECT colcrypt.destroy_key('gone')")
    conn.close()
    dump = subprocess.run(["pg_dump", "-h", socket, "-p", str(port), "-U", "postgres", "-Fp", db],
                          check=True, capture_output=True, text=True).stdout

    # From here on: the dump, the master key and the spec.
    with open(master_file, "rb") as f:
        master = g.parse_master_key(f.read())
    if "SET client_encoding = 'UTF8';" not in dump:
        fail("the dump does not say its encoding")
    kcv = g.commitment(master)
    keys, destroyed, versions = {}, set(), {}
    key_rows, _ = copy_block(dump, "colcrypt.data_keys")
    for row in key_rows:
        fp = text_form_bytes(row["fingerprint"])
        if row["wrapped"] is None:
            if row["state"] != "destroyed":
                fail("a NULL wrapped key whose state is " + row["state"])
            destroyed.add(fp)
            continue
        wrapped = text_form_bytes(row["wrapped"])
        if len(wrapped) != 96 or wrapped[4:36] != kcv:
            fail("wrapped key of %s v%s: length %d or key check value" % (row["name"], row["version"], len(wrapped)))
        dek = open_envelope(master, wrapped, g.data_key_context(int(row["key_id"]), int(row["version"])))
        if g.commitment(dek) != fp:
            fail("fingerprint of " + row["name"])
        keys[fp] = dek
        versions[fp] = (row["name"], int(row["version"]), row["state"])
    blind = [k for fp, k in keys.items() if versions[fp][0] == "__blind_index"]
    if len(blind) != 1 or ("pii", 1, "decrypt_only") not in versions.values() or not destroyed:
        fail("key rows: %s" % sorted(versions.values()))
    table, _ = copy_block(dump, "public.t")
    opened = 0
    indexes = {}
    for row in table:
        r = int(row["id"]) - 1
        for col, t, searchable, _, plaintexts in ROWS:
            want = plaintexts[r]
            if row[col] is None:
                if want is not None:
                    fail("%s row %d is NULL" % (col, r + 1))
                continue
            tag, bi, env = split_stored(text_form_bytes(row[col]))
            if tag != ("CB" if searchable else "none"):
                fail("%s row %d has form %s" % (col, r + 1, tag))
            fp = env[4:36]
            if col == "gone":
                if fp not in destroyed:
                    fail("the destroyed key's value is not under a destroyed row")
                continue
            if env[3] != 2:
                fail("%s: a column value is not suite 2" % col)
            got = open_envelope(keys[fp], env, value_context(t, tag, bi))
            if t == "encrypted_jsonb":
                if got[:2] != b"\x00\x01":
                    fail("%s row %d: not the binary form" % (col, r + 1))
                got = jsonb_text(got[2:])
            if got != want:
                fail("%s row %d: plaintext %s, spec says %s" % (col, r + 1, got.hex(), want.hex()))
            name, version, _ = versions[fp]
            expected_key = ("default", 1) if col == "bo" else ("pii", 1 if r == 0 else 2)
            if (name, version) != expected_key:
                fail("%s row %d under %s v%d" % (col, r + 1, name, version))
            if bi is not None:
                if bi != g.blind_index(blind[0], t, got):
                    fail("%s row %d: the blind index is not the spec's" % (col, r + 1))
                indexes[(col, r)] = bi
            opened += 1
    # equal under the plaintext type's = → equal index (jsonb 1.50 = 1.5, numeric, float8 -0 = 0, i8)
    for col in ("js", "nu", "f8", "i8", "tx"):
        a, b = (indexes[(col, 0)], indexes[(col, 2)]) if col != "i8" else (indexes[(col, 1)], indexes[(col, 2)])
        if a != b:
            fail("equal %s values have different indexes" % col)
    print("dump: %d values opened from the spec with the master key alone; %d key rows, %d destroyed" %
          (opened, len(key_rows), len(destroyed)))


def server_load(socket, port, db):
    cols = json.load(open(os.path.join(VECTORS, "v1-columns.json"), encoding="utf-8"))
    dump = open(os.path.join(VECTORS, "v1-dump.sql"), encoding="utf-8").read()
    conn = psycopg.connect(host=socket, port=port, dbname=db, user="postgres", autocommit=True)
    _, block = copy_block(dump, "colcrypt.data_keys")
    with conn.cursor() as cur:
        header, body = block.split("\n", 1)
        with cur.copy(header.replace("FROM stdin;", "FROM STDIN")) as copy:
            copy.write(body.rsplit("\\.", 1)[0])
    conn.close()
    conn = psycopg.connect(host=socket, port=port, dbname=db, user="postgres", autocommit=True)

    def give(t, typmod, text_form):
        """The server's stored bytes and plaintext for a ciphertext_io text form."""
        conn.execute("DROP TABLE IF EXISTS x")
        conn.execute("CREATE TEMP TABLE x (v colcrypt.%s%s)" % (t, typmod))
        conn.execute("SET colcrypt.ciphertext_io = on")
        try:
            conn.execute(sql.SQL("INSERT INTO x VALUES ({})").format(sql.Literal(text_form)))
        finally:
            conn.execute("RESET colcrypt.ciphertext_io")
        return conn.execute("SELECT colcrypt.envelope(v), %s FROM x" % SEND[t]).fetchone()

    checked = 0
    for v in cols["stored_values"]:
        t, tag = v["type"], v["tag"]
        if "not written by" in next(b["shown"] for b in cols["blind_indexes"] if b["plaintext"] == v["plaintext"] and b["type"] == t):
            continue  # numeric_recv would normalise it; the server never writes such a form
        stored, plaintext = give(t, "(pii, searchable)" if tag != "none" else "(pii)", v["text_form"])
        want = bytes.fromhex(v["stored"])
        if tag == "CI":  # checked against the plaintext, bound: the same index, now authenticated
            want_prefix = b"CB" + want[2:18]
            if bytes(stored[:18]) != want_prefix:
                fail("%s CI value: stored as %s" % (t, bytes(stored[:18]).hex()))
        elif bytes(stored) != want:
            fail("%s %s value: the server did not keep it (another key or blind index?)" % (t, tag))
        if bytes(plaintext) != bytes.fromhex(v["plaintext"]):
            fail("%s: the server reads %s, the vector says %s" % (t, bytes(plaintext).hex(), v["plaintext"]))
        checked += 1
    table, _ = copy_block(dump, cols["dump"]["table"])
    results = {}
    for e in cols["dump"]["values"]:
        field = next(r for r in table if r["id"] == str(e["row"]))[e["column"]]
        if field is None:
            results["null"] = results.get("null", 0) + 1
            continue
        try:
            _, plaintext = give(e["type"], "(pii)", field)
            got = "ok" if bytes(plaintext) == bytes.fromhex(e["plaintext"] or "") else "wrong plaintext"
        except psycopg.Error as err:
            got = {"55000": "destroyed_key", "22000": "damaged"}.get(err.sqlstate, err.sqlstate)
        if got != e["result"]:
            fail("dump row %s %s: the server gives %s, the vector says %s" % (e["row"], e["column"], got, e["result"]))
        results[got] = results.get(got, 0) + 1
    # A restore (superuser, ciphertext_io) keeps a value of a destroyed key, which stays unreadable;
    # envelope_info reads a searchable value's stored form.
    gone = next(e for e in cols["dump"]["values"] if e["result"] == "destroyed_key")
    field = next(r for r in table if r["id"] == str(gone["row"]))[gone["column"]]
    try:
        give("encrypted_text", "(gone)", field)
        fail("a destroyed key's value reads back after a restore")
    except psycopg.Error as err:
        if err.sqlstate != "55000":
            fail("a destroyed key's value: %s %s (want it stored, and 55000 when read)" % (err.sqlstate, err.diag.message_primary))
    if conn.execute("SELECT count(*) FROM x").fetchone()[0] != 1:
        fail("a destroyed key's value was not stored by a superuser's restore")
    cb = next(v for v in cols["stored_values"] if v["tag"] == "CB")
    give(cb["type"], "(pii, searchable)", cb["text_form"])
    info = conn.execute("SELECT version, algorithm FROM x, colcrypt.envelope_info(colcrypt.envelope(v))").fetchone()
    if info[0] != 1 or info[1] is None:
        fail("envelope_info(envelope(v)) of a searchable value: %r" % (info,))

    # FORMAT.md "Opening": each header byte is judged as it comes; the invalid vectors too.
    invalid = json.load(open(os.path.join(VECTORS, "v1-invalid.json"), encoding="utf-8"))
    for v in invalid:
        try:
            conn.execute("SELECT colcrypt.decrypt(%s::bytea, %s::bytea, %s)",
                          (bytes.fromhex(v["envelope"]), bytes.fromhex(v["key"]), v["context"]))
            fail("invalid vector %r opened" % v["name"])
        except psycopg.Error as err:
            want = {"cannot_decrypt": "22000", "unsupported_version": "0A000", "unsupported_suite": "0A000"}[v["error"]]
            if err.sqlstate != want:
                fail("invalid vector %r: %s, want %s" % (v["name"], err.sqlstate, want))
    info = conn.execute("SELECT version, algorithm IS NULL, key_id IS NULL FROM colcrypt.envelope_info('\\x434302'::bytea)").fetchone()
    if info != (2, True, True):
        fail("envelope_info of 43 43 02: %s" % (info,))
    print("load: %d stored values kept and read as the vectors say; dump excerpt: %s" % (checked, results))


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        server_dump(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        server_load(sys.argv[2], int(sys.argv[3]), sys.argv[4])
