"""Client keys stay out of logs: a session key passed in the connection's startup options over
verified TLS, a value encrypted on the client (this file implements the envelope, suite 1, from
docs/FORMAT.md), a failing decrypt. Afterwards neither the canary key nor the canary plaintext
is in the server log, pg_stat_statements or pg_stat_activity. Run by t_tls.sh."""
import hashlib
import hmac
import os
import sys

import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

host, port, rootcert, logfile = sys.argv[1:5]
KEY = os.urandom(32)
KEY_HEX = KEY.hex()
PLAINTEXT = "canary-" + os.urandom(8).hex()


def hkdf_expand_32(prk, info):
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def client_seal(key, plaintext: bytes) -> bytes:
    nonce = os.urandom(12)
    header = b"CC\x01\x01" + hkdf_expand_32(key, b"colcrypt v1 key commitment") + nonce
    return header + AESGCM(hkdf_expand_32(key, b"colcrypt v1 aes-256-gcm key")).encrypt(nonce, plaintext, header)


dsn = f"host={host} port={port} user=postgres dbname=postgres sslmode=verify-full sslrootcert={rootcert}"
app = psycopg.connect(dsn, options=f"-c colcrypt.session_key={KEY_HEX}", autocommit=True)
cur = app.cursor()
info = cur.execute("SELECT transport, keys_allowed, tls_version, cipher, client_certificate FROM colcrypt.connection_info()").fetchone()
# The test connects to 127.0.0.1: TLS from a loopback address (colcrypt.allow_loopback_keys).
assert info[:2] == ("tls from loopback", True) and info[2].startswith("TLSv1.") and info[3] and info[4] is False, info
shown = cur.execute("SHOW colcrypt.session_key").fetchone()[0]
assert shown == "(set, hidden)", shown
assert cur.execute("SELECT current_setting('colcrypt.session_key')").fetchone()[0] == "(set, hidden)"
assert cur.execute("SELECT count(*) FROM pg_settings WHERE name = 'colcrypt.session_key'").fetchone()[0] == 0

# Client-side encryption: the plaintext never leaves this process; the server stores bytes.
cur.execute("CREATE TABLE IF NOT EXISTS vault (id int, v bytea)")
env = client_seal(KEY, PLAINTEXT.encode())
cur.execute("INSERT INTO vault VALUES (%s, %s)", (1, env))
# The server opens it with the session key (no key in the statement), and round-trips its own.
assert cur.execute("SELECT colcrypt.decrypt_text(v) FROM vault WHERE id = 1").fetchone()[0] == PLAINTEXT
ct = cur.execute("SELECT colcrypt.encrypt(%s::bytea)", (b"\x00\x01",)).fetchone()[0]
assert cur.execute("SELECT colcrypt.decrypt(%s)", (ct,)).fetchone()[0] == b"\x00\x01"
# A failing decrypt is logged with its statement (log_min_error_statement = error).
try:
    cur.execute("SELECT colcrypt.decrypt(%s)", (env[:-1],))
    raise AssertionError("a truncated envelope opened")
except psycopg.errors.DataException as e:
    assert KEY_HEX not in str(e) and PLAINTEXT not in str(e)

# Look everywhere, from a second session, while the first is still connected.
admin = psycopg.connect(dsn, autocommit=True)
texts = [r[0] or "" for r in admin.execute("SELECT query FROM pg_stat_statements").fetchall()]
texts += [r[0] or "" for r in admin.execute("SELECT query FROM pg_stat_activity").fetchall()]
admin.execute("SELECT pg_stat_statements_reset()")  # nothing else needs them
with open(logfile, encoding="utf-8", errors="replace") as f:
    log = f.read()
for where, text in [("server log", log)] + [("pg_stat_statements/pg_stat_activity", t) for t in texts]:
    for canary in (KEY_HEX, KEY_HEX.upper(), PLAINTEXT):
        assert canary not in text, f"canary found in {where}"
assert "colcrypt.decrypt" in log, "the statements must have been logged for this check to mean anything"
print("logs: the session key and the client-side plaintext appear in no log, pg_stat_statements or pg_stat_activity")
