# A reinstall while the server runs (scripts/install-extension.sh, which `make install` runs)
# replaces colcrypt.so by renaming a new file over it: a session open across the reinstall keeps
# working on the library it loaded (as do new sessions, forked from the postmaster that preloaded
# it, until the server restarts). An install that rewrote the
# file in place (`cargo pgrx install`, `cp`) would leave the backend's mapping pointing at the
# rewritten inode, which the /proc/PID/maps check below notices even when the bytes happen to be
# the same (and which, when they are not, kills the backend with SIGBUS).
set -euo pipefail
LIB="$(pg_config --pkglibdir)/colcrypt.so"
C="$RUN/reinstall"; keyed_cluster "$C" 55462
/usr/bin/python3 - "$C/socket" 55462 "$ROOT" "$LIB" <<'PY'
import subprocess, sys, psycopg2
sock, port, root, lib = sys.argv[1:]
conn = psycopg2.connect(host=sock, port=port, user="postgres", dbname="postgres")
conn.autocommit = True
cur = conn.cursor()
def q(sql):
    cur.execute(sql)
    return cur.fetchall() if cur.description else None
def mapping(pid):
    with open(f"/proc/{pid}/maps") as f:
        return {line.split(None, 5)[5].strip() for line in f if "colcrypt.so" in line}
pid = q("SELECT pg_backend_pid()")[0][0]
q("CREATE TEMP TABLE r (n int, v colcrypt.encrypted_text)")
q("INSERT INTO r VALUES (1, 'before reinstall')")
assert mapping(pid) == {lib}, f"backend maps {mapping(pid)}, expected {lib}"
subprocess.run(["bash", f"{root}/scripts/install-extension.sh"], check=True)
# The backend still maps the old file, now unlinked: the install renamed, not rewrote.
assert mapping(pid) == {lib + " (deleted)"}, f"after reinstall the backend maps {mapping(pid)}: colcrypt.so was rewritten in place"
q("INSERT INTO r VALUES (2, 'after reinstall')")
got = q("SELECT string_agg(v::text, ',' ORDER BY n) FROM r")[0][0]
assert got == "before reinstall,after reinstall", got
assert q("SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('k', decode(repeat('ab', 32), 'hex')), decode(repeat('ab', 32), 'hex'))")[0][0] == "k"
# A new session works too (it inherits the postmaster's preloaded copy).
conn2 = psycopg2.connect(host=sock, port=port, user="postgres", dbname="postgres")
c2 = conn2.cursor(); c2.execute("SELECT pg_backend_pid(), length(colcrypt.gen_key())")
pid2, n = c2.fetchone()
assert n == 32
assert mapping(pid2) == {lib + " (deleted)"}, mapping(pid2)
print("session survived the reinstall")
PY
cluster_stop "$C"
