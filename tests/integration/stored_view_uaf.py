"""A view PL/pgSQL creates while a client's statement is bound keeps its literal sealed, even when
the view's text is allocated where the client's was (src/literals.rs, clients_statement). Found by
an attacker review: a domain check at Bind deallocates the statement being bound (a use after free
in PostgreSQL itself, which went unnoticed here), and the view's query text then lands at the
address colcrypt compared with. Run by t_one_seal.sh with the socket directory and port, on a
cluster of its own: the statement is driven over the raw protocol (Bind with no Execute)."""
import socket
import struct
import sys

import psycopg

HOST, PORT = sys.argv[1], sys.argv[2]
SECRET = b"canary-uaf-secret"


def check(what, got, want):
    if got != want:
        sys.exit(f"FAIL {what}: got {got!r}, want {want!r}")
    print(f"ok {what}")


admin = psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True)
admin.execute("SELECT colcrypt.create_key('pii')")
admin.execute(f"""CREATE FUNCTION canary_evil(t text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
  DEALLOCATE s1;
  CREATE VIEW canary_va AS SELECT '{SECRET.decode()}'::colcrypt.encrypted_text(pii) x;
  RETURN true;
END $$""")
admin.execute("CREATE DOMAIN canary_dom AS text CHECK (canary_evil(VALUE))")
dom = admin.execute("SELECT 'canary_dom'::regtype::oid").fetchone()[0]


def message(kind, body):
    return kind + struct.pack("!i", len(body) + 4) + body


def until_ready(sock):
    """The messages up to ReadyForQuery, as (type, body)."""
    got, buf = [], b""
    while True:
        while len(buf) < 5 or len(buf) < 1 + struct.unpack("!i", buf[1:5])[0]:
            chunk = sock.recv(65536)
            if not chunk:
                return got + [(b"closed", b"")]
            buf += chunk
        n = struct.unpack("!i", buf[1:5])[0]
        got.append((buf[:1], buf[5:1 + n]))
        buf = buf[1 + n:]
        if got[-1][0] == b"Z":
            return got


sock = socket.socket(socket.AF_UNIX)
sock.connect(f"{HOST}/.s.PGSQL.{PORT}")
startup = struct.pack("!i", 196608) + b"user\0postgres\0database\0postgres\0\0"
sock.sendall(struct.pack("!i", len(startup) + 4) + startup)
until_ready(sock)
query = f"CREATE VIEW canary_vb AS SELECT '{SECRET.decode()}'::colcrypt.encrypted_text(pii) x".encode()
sock.sendall(message(b"P", b"s1\0" + query + b"\0" + struct.pack("!hi", 1, dom)) + message(b"S", b""))
until_ready(sock)
sock.sendall(message(b"B", b"\0s1\0" + struct.pack("!hhi", 0, 1, 1) + b"z" + struct.pack("!h", 0)) + message(b"S", b""))
until_ready(sock)
sock.close()

action = admin.execute("SELECT ev_action::text FROM pg_rewrite WHERE ev_class = 'canary_va'::regclass").fetchone()[0]
check("a view created during Bind keeps its literal sealed", " ".join(str(b) for b in SECRET) in action, False)
check("the server still answers", admin.execute("SELECT 1").fetchone()[0], 1)
