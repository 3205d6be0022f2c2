"""Untyped parameters for encrypted_text columns are sealed once, under the column's key, never
under __transient (src/param_types.rs), and quoted literals once as a statement runs
(src/literals.rs). Run by t_one_seal.sh with the socket directory and port.

The proof is from the outside: with colcrypt's __transient key gone, a role that may not create
keys can still write through untyped parameters (which would need __transient if they went
through it), and run literal statements parsed before (which would need it if they opened their
literals as they ran), while a new literal — whose input seals it under __transient — fails.
Each check could fail: before these changes every one of these writes needed __transient."""
import sys

import psycopg
from psycopg import pq

HOST, PORT = sys.argv[1], sys.argv[2]
import re

TEXT = 25
JSONB = 3802
admin = psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True)
a = admin.cursor()
a.execute("SELECT colcrypt.create_key('pii'), colcrypt.create_key('other')")
a.execute("""CREATE TABLE people (id serial PRIMARY KEY, ssn colcrypt.encrypted_text(pii, searchable) UNIQUE,
    note colcrypt.encrypted_text(other), n colcrypt.encrypted_int4(pii), doc colcrypt.encrypted_jsonb(other, searchable), z int)""")
a.execute("CREATE ROLE app LOGIN")
a.execute("GRANT SELECT, INSERT, UPDATE ON people TO app; GRANT USAGE ON SEQUENCE people_id_seq TO app")
a.execute("SELECT 'colcrypt.encrypted_text'::regtype::oid")
ENC = a.fetchone()[0]
a.execute("SELECT 'colcrypt.encrypted_text[]'::regtype::oid")
ENC_ARRAY = a.fetchone()[0]


def check(what, got, want):
    if got != want:
        sys.exit(f"FAIL {what}: got {got!r}, want {want!r}")
    print(f"ok {what}")


def param_types(conn, name, sql):
    """Parse with every parameter type left to the server; the types it describes."""
    r = conn.pgconn.prepare(name.encode(), sql.encode())
    if r.status != pq.ExecStatus.COMMAND_OK:
        sys.exit(f"FAIL prepare {name}: {r.error_message.decode()}")
    d = conn.pgconn.describe_prepared(name.encode())
    return [d.param_type(i) for i in range(d.nparams)]


def run(conn, name, values):
    r = conn.pgconn.exec_prepared(name.encode(), [v.encode() if v is not None else None for v in values])
    return r.status, (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()


# What the server tells drivers: text where every use of the parameter is a write into an
# encrypted_text column; encrypted_text where it is used otherwise too.
c = admin
check("INSERT parameter is text", param_types(c, "i1", "INSERT INTO people (ssn, note) VALUES ($1, $2)"), [TEXT, TEXT])
check("UPDATE and upsert parameters are text",
      param_types(c, "u1", "INSERT INTO people (ssn) VALUES ($1) ON CONFLICT (ssn) DO UPDATE SET note = $2"), [TEXT, TEXT])
check("a parameter written into two columns of different keys is text",
      param_types(c, "i2", "INSERT INTO people (ssn, note) VALUES ($1, $1)"), [TEXT])
check("a parameter also returned keeps its type",
      param_types(c, "i3", "INSERT INTO people (ssn) VALUES ($1) RETURNING $1"), [ENC])
check("a lookup parameter is text (cross-type equality)",
      param_types(c, "s1", "SELECT id FROM people WHERE ssn = $1"), [TEXT])
check("on either side", param_types(c, "s2", "SELECT id FROM people WHERE $1 = ssn"), [TEXT])
check("a parameter compared and written is text",
      param_types(c, "s3", "UPDATE people SET note = $2 WHERE ssn = $1"), [TEXT, TEXT])
check("parameters in IN (…) are text", param_types(c, "s4", "SELECT id FROM people WHERE ssn IN ($1, $2)"), [TEXT, TEXT])
# An array parameter and a list of nine or more keep the encrypted type: PostgreSQL can hash the
# encrypted `=` for such a list, not the cross-type one (src/param_types.rs, MAX_RETYPED_LIST).
check("an = ANY($1) parameter keeps its type", param_types(c, "s5", "SELECT id FROM people WHERE ssn = ANY($1)"), [ENC_ARRAY])
check("an IN list of eight is text", param_types(c, "s5b", "SELECT id FROM people WHERE ssn IN (" + ", ".join(f"${i}" for i in range(1, 9)) + ")"), [TEXT] * 8)
check("an IN list of nine keeps its type", param_types(c, "s5c", "SELECT id FROM people WHERE ssn IN (" + ", ".join(f"${i}" for i in range(1, 10)) + ")"), [ENC] * 9)
check("NOT IN (…) parameters are text", param_types(c, "s6", "SELECT id FROM people WHERE ssn NOT IN ($1, $2)"), [TEXT, TEXT])
check("an encrypted_int4 IN list is int4", param_types(c, "s7", "SELECT id FROM people WHERE n IN ($1, $2, $3)"), [23] * 3)
check("a parameter in IN (…) and in RETURNING keeps its type, and so does its list",
      param_types(c, "s9", "UPDATE people SET z = 1 WHERE ssn IN ($1, $2) RETURNING $2"), [ENC, ENC])
check("an array parameter also passed to a function keeps its type too",
      param_types(c, "s10", "SELECT id FROM people WHERE ssn = ANY($1) AND cardinality($1) > 0"), [ENC_ARRAY])
check("lists that share a parameter keep their types together",
      param_types(c, "s11", "SELECT id FROM people WHERE ssn IN ($1, $2) AND ssn IN ($2, $3) AND $3 IS NOT NULL"), [ENC] * 3)
check("a parameter in IN (…) and compared is text",
      param_types(c, "s12", "SELECT id FROM people WHERE ssn IN ($1, $2) OR ssn = $2"), [TEXT, TEXT])


def plan_tree(conn, prepare, execute):
    """The generic plan PostgreSQL builds for a statement, without source positions."""
    trees = []
    def keep(d):
        trees.append(d.message_detail or "")
    conn.add_notice_handler(keep)
    conn.execute("SET plan_cache_mode = force_generic_plan; SET client_min_messages = log; SET debug_print_plan = on")
    try:
        conn.execute(prepare)
        conn.execute(execute)
    finally:
        conn.execute("RESET debug_print_plan; RESET client_min_messages; RESET plan_cache_mode")
        conn.remove_notice_handler(keep)
    # The plan of the statement on people (the utility statements around it, and colcrypt's own
    # catalog queries, are planned too).
    people = conn.execute("SELECT 'people'::regclass::oid").fetchone()[0]
    tree = [t for t in trees if re.search(rf":relationOids \(o [0-9 ]*\b{people}\b", t)][-1]
    # (Positions in the text differ: :location, and from 18 an ArrayExpr's :list_start and :list_end.)
    return re.sub(r":(stmt_)?location -?\d+|:list_(start|end) -?\d+|:stmt_len \d+|:queryId -?\d+", "", " ".join(tree.split()))


# The retyped statement is the one PostgreSQL builds for plaintext parameters (operator, its
# function and collation, the array's types, the parameters' types), compared plan tree to tree.
with psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True) as t:
    for name, retyped, typed, args in [
        ("IN", "ssn IN ($1, $2)", "ssn = ANY(ARRAY[$1::text, $2::text])", "('x', 'y')"),
        ("int4 IN", "n IN ($1, $2)", "n = ANY(ARRAY[$1::int4, $2::int4])", "(1, 2)"),
        ("NOT IN", "ssn NOT IN ($1, $2)", "ssn <> ALL(ARRAY[$1::text, $2::text])", "('x', 'y')"),
    ]:
        got = plan_tree(t, f"PREPARE r AS SELECT id FROM people WHERE {retyped}", f"EXECUTE r{args}")
        want = plan_tree(t, f"PREPARE w AS SELECT id FROM people WHERE {typed}", f"EXECUTE w{args}")
        t.execute("DEALLOCATE r; DEALLOCATE w")
        check(f"{name}: the plan of the typed statement", (got == want, "SCALARARRAYOPEXPR" in got), (True, True))
check("an encrypted_int4 parameter is int4", param_types(c, "n1", "INSERT INTO people (ssn, n) VALUES ($1, $2)"), [TEXT, 23])
check("and compared as int4", param_types(c, "n2", "SELECT id FROM people WHERE n = $1"), [23])
check("an encrypted_jsonb parameter is jsonb", param_types(c, "j1", "UPDATE people SET doc = $1 WHERE doc = $2"), [JSONB, JSONB])
check("multi-row VALUES parameters are text",
      param_types(c, "i4", "INSERT INTO people (ssn, note) VALUES ($1, $2), ($3, $4)"), [TEXT] * 4)
check("a CTE's INSERT parameter is text",
      param_types(c, "i5", "WITH w AS (INSERT INTO people (ssn) VALUES ($1) RETURNING id) SELECT id FROM w"), [TEXT])
a.execute("PREPARE sqlprep AS INSERT INTO people (ssn) VALUES ($1)")
a.execute("SELECT parameter_types::text FROM pg_prepared_statements WHERE name = 'sqlprep'")
check("SQL PREPARE infers text", a.fetchone()[0], "{text}")
with psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True) as dump_like:
    dump_like.execute("SET colcrypt.ciphertext_io = on")
    check("under ciphertext_io the parameter stays an envelope", param_types(dump_like, "e1", "INSERT INTO people (ssn) VALUES ($1)"), [ENC])

# Quoted literals written into a column (src/literals.rs): a statement a client sends is analysed
# into the one PostgreSQL builds for literals of the plaintext type, compared plan tree to tree.
with psycopg.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True) as t:
    for name, literal, typed in [
        ("INSERT", "INSERT INTO people (note, n) VALUES ('canary-plan', '5')", "INSERT INTO people (note, n) VALUES ('canary-plan'::text, '5'::int4)"),
        ("UPDATE", "UPDATE people SET note = 'canary-plan-2' WHERE z = 5", "UPDATE people SET note = 'canary-plan-2'::text WHERE z = 5"),
        ("multi-row VALUES", "INSERT INTO people (note) VALUES ('canary-plan-5'), ('canary-plan-6')",
         "INSERT INTO people (note) VALUES ('canary-plan-5'::text), ('canary-plan-6'::text)"),
        ("upsert", "INSERT INTO people (ssn) VALUES ('canary-plan-3') ON CONFLICT (ssn) DO UPDATE SET note = 'canary-plan-4'",
         "INSERT INTO people (ssn) VALUES ('canary-plan-3'::text) ON CONFLICT (ssn) DO UPDATE SET note = 'canary-plan-4'::text"),
    ]:
        got = plan_tree(t, literal, "SELECT 1")
        want = plan_tree(t, typed, "SELECT 1")
        check(f"a literal {name}: the plan of the typed statement", (got == want, ":consttype 25 " in got or ":consttype 23 " in got), (True, True))
    # A view stores its query: its literals stay sealed (under __transient), never its plaintext.
    t.execute("CREATE VIEW canary_view AS SELECT id FROM people WHERE ssn = 'canary-view-secret'")
    action = t.execute("SELECT ev_action::text FROM pg_rewrite WHERE ev_class = 'canary_view'::regclass").fetchone()[0]
    secret = " ".join(str(b) for b in b"canary-view-secret")
    check("a view's literal is stored sealed", (secret in action, f":consttype {ENC} " in action), (False, True))
    check("and the view finds its rows", t.execute("SELECT count(*) FROM canary_view").fetchone()[0], 0)
    t.execute("DROP VIEW canary_view")
    # Nor a view created while no portal runs (an attacker review stored the plaintext so): from a
    # deferred trigger at commit, and from a function evaluated while a query is planned.
    t.execute("""CREATE TABLE canary_trig (x int);
        CREATE FUNCTION canary_mkview() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN EXECUTE 'CREATE VIEW canary_commit AS SELECT id FROM people WHERE ssn = ''canary-commit-secret'''; RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER canary_ct AFTER INSERT ON canary_trig DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION canary_mkview();
        CREATE FUNCTION canary_mk2() RETURNS int VOLATILE LANGUAGE plpgsql AS $$
        BEGIN EXECUTE 'CREATE VIEW canary_plan AS SELECT id FROM people WHERE ssn = ''canary-plan-secret'''; RETURN 1; END $$;
        CREATE FUNCTION canary_wrap() RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN RETURN canary_mk2(); END $$""")
    t.execute("INSERT INTO canary_trig VALUES (1)")
    t.execute("SELECT 1 WHERE canary_wrap() = 1")
    for view, secret in [("canary_commit", b"canary-commit-secret"), ("canary_plan", b"canary-plan-secret")]:
        action = t.execute("SELECT ev_action::text FROM pg_rewrite WHERE ev_class = %s::regclass", (view,)).fetchone()[0]
        check(f"a view created with no portal running keeps its literal sealed ({view})",
              (" ".join(str(b) for b in secret) in action, f":consttype {ENC} " in action), (False, True))
    t.execute("DROP VIEW canary_commit, canary_plan; DROP TABLE canary_trig; DROP FUNCTION canary_mkview, canary_mk2, canary_wrap")
# The live proof: statements parsed while __transient exists run after it is gone (below), which
# they could not if they opened their literals' __transient envelopes as they run.
a.execute("CREATE ROLE canary_nobody")
early = psycopg.connect(host=HOST, port=PORT, user="app", dbname="postgres", autocommit=True)
for name, sql in [("lit_ins", "INSERT INTO people (note, n, z) VALUES ('canary-literal-note', '11', 11)"),
                  ("lit_upd", "UPDATE people SET note = 'canary-literal-upd' WHERE z = 11")]:
    check(f"{name} has no parameters", param_types(early, name, sql), [])
# Take __transient away. A role that is not a key admin cannot create it back.
a.execute("DELETE FROM colcrypt.data_keys WHERE name = '__transient'")
app = psycopg.connect(host=HOST, port=PORT, user="app", dbname="postgres", autocommit=True)
# Every backend drops its cached keys (a key access change invalidates them), __transient too.
a.execute("SELECT colcrypt.deny_plaintext('other', 'canary_nobody')")
check("a literal INSERT parsed before runs without __transient", run(early, "lit_ins", []), (pq.ExecStatus.COMMAND_OK, ""))
check("a literal UPDATE parsed before runs without __transient", run(early, "lit_upd", []), (pq.ExecStatus.COMMAND_OK, ""))
a.execute("SELECT note::text, n::int FROM people WHERE z = 11")
check("and their values read back", a.fetchall(), [("canary-literal-upd", 11)])
early.close()
check("the app's INSERT parameters are text", param_types(app, "ins", "INSERT INTO people (ssn, note) VALUES ($1, $2)"), [TEXT, TEXT])
for i in range(3):
    check(f"untyped INSERT {i} works without __transient", run(app, "ins", [f"canary-ssn-{i}", f"canary-note-{i}"]), (pq.ExecStatus.COMMAND_OK, ""))
param_types(app, "insn", "INSERT INTO people (ssn, n) VALUES ($1, $2)")
check("untyped int4 INSERT works without __transient", run(app, "insn", ["canary-ssn-n", "42"]), (pq.ExecStatus.COMMAND_OK, ""))
a.execute("SELECT n::int FROM people WHERE ssn = 'canary-ssn-n'::text")
check("and reads back", a.fetchone()[0], 42)
param_types(app, "insj", "INSERT INTO people (ssn, doc) VALUES ($1, $2)")
check("untyped jsonb INSERT works without __transient", run(app, "insj", ["canary-ssn-j", '{"k": "canary-doc"}']), (pq.ExecStatus.COMMAND_OK, ""))
param_types(app, "getj", "SELECT id FROM people WHERE doc = $1")
r = app.pgconn.exec_prepared(b"getj", [b'{"k":"canary-doc"}'])
check("and is found by an untyped jsonb lookup", (r.status, r.ntuples), (pq.ExecStatus.TUPLES_OK, 1))
# jsonb_recv refuses an unknown version byte with a plain elog (XX000) that colcrypt's own
# receive function reported as 22P03: so does a retyped parameter.
r = app.pgconn.exec_prepared(b"insj", [b"canary-ssn-jb", b"\x07{}"], param_formats=[0, 1])
check("a jsonb parameter of an unknown binary version: 22P03", (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "22P03")
# jsonb's input quotes the value in its DETAIL ("Token … is invalid.") and in a context line
# ("JSON data, line 1: …"): neither reaches the client (an attacker review found both).
app.execute("SET log_parameter_max_length_on_error = -1")
for fmt, value in ((0, b'{"ssn": canary-json-123}'), (1, b'\x01{"ssn": canary-json-456}')):
    r = app.pgconn.exec_prepared(b"insj", [b"canary-ssn-jx", value], param_formats=[0, fmt])
    msg = (r.error_message or b"").decode("utf-8", "replace")
    check(f"invalid JSON (format {fmt}): 22P02", (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "22P02")
    # (PostgreSQL lists a binary parameter's number in the context, never its value.)
    check(f"invalid JSON (format {fmt}): no part of the value in the error", ("canary-json" in msg, "parameter $2" in msg), (False, True))
r = app.pgconn.exec_prepared(b"getj", [b'{"ssn": canary-json-789}'])
check("invalid JSON in a lookup: no part of the value in the error", "canary-json" in (r.error_message or b"").decode("utf-8", "replace"), False)
app.execute("RESET log_parameter_max_length_on_error")
# A value the plaintext type's input refuses: PostgreSQL's message would quote it; colcrypt's
# replaces it (same SQLSTATE), also in the context that log_parameter_max_length_on_error fills.
app.execute("SET log_parameter_max_length_on_error = -1")
r = app.pgconn.exec_prepared(b"insn", [b"canary-ssn-bad", b"canary-not-a-number"])
msg = (r.error_message or b"").decode("utf-8", "replace")
check("a bad int4 parameter: 22P02", (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "22P02")
check("its value is in no part of the error", "not-a-number" in msg, False)
check("the error says what to send", "plaintext type" in msg, True)
check("its context names the parameter, not its value", ("parameter $2" in msg, "$2 =" in msg), (True, False))
# The value (and a portal's name, which libpq cannot set) is the client's text and may imitate
# Bind's context line: an attacker review made colcrypt read another parameter's number from it.
# Whatever the text says, the value is not repeated.
r = app.pgconn.exec_prepared(b"insn", [b"canary-ssn-bad", b"canary-not-a-number\nunnamed portal parameter $7 = 'x'"])
msg = (r.error_message or b"").decode("utf-8", "replace")
check("a value imitating Bind's context line is not repeated", ("canary-not-a-number" in msg, "repeats no parameter value" in msg), (False, True))
r = app.pgconn.exec_prepared(b"insn", [b"canary-ssn-bad", b"\x00\x01\x02"], param_formats=[0, 1])
check("a short binary int4: 22P03", (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "22P03")
# An error while the statement runs (here a duplicate on the searchable UNIQUE column): the
# parameter values PostgreSQL adds to the context under this setting are withheld (run.sh also
# checks the server log for the canary).
r = app.pgconn.exec_prepared(b"insn", [b"canary-ssn-n", b"7"])
msg = (r.error_message or b"").decode("utf-8", "replace")
check("a duplicate: 23505", (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "23505")
check("no parameter value in its context", ("canary-ssn-n" in msg, "withheld" in msg), (False, True))
check("and its own message, not the one for a refused parameter", "repeats no parameter value" in msg, False)
# The same for a client-supplied key passed as a parameter (whatever the call fails with).
key_hex = "\\x" + "5ec7e7" * 10 + "aa"
app.pgconn.prepare(b"ck", b"SELECT colcrypt.decrypt($1, $2)")
r = app.pgconn.exec_prepared(b"ck", [b"\\x00", key_hex.encode()])
msg = (r.error_message or b"").decode("utf-8", "replace")
check("a client key call fails", r.status, pq.ExecStatus.FATAL_ERROR)
check("the key is in no part of its error", "5ec7e7" in msg, False)
app.execute("RESET log_parameter_max_length_on_error")
param_types(app, "upd", "UPDATE people SET note = $1 WHERE id = 1")
check("untyped UPDATE works without __transient", run(app, "upd", ["canary-updated"]), (pq.ExecStatus.COMMAND_OK, ""))
param_types(app, "ups", "INSERT INTO people (ssn, note) VALUES ($1, $2) ON CONFLICT (ssn) DO UPDATE SET note = $2")
check("untyped upsert works without __transient", run(app, "ups", ["canary-ssn-0", "canary-upserted"]), (pq.ExecStatus.COMMAND_OK, ""))
param_types(app, "get", "SELECT id FROM people WHERE ssn = $1")
r = app.pgconn.exec_prepared(b"get", [b"canary-ssn-1"])
check("an untyped lookup works without __transient", (r.status, r.ntuples), (pq.ExecStatus.TUPLES_OK, 1))


def found(name, values):
    r = app.pgconn.exec_prepared(name.encode(), [v.encode() for v in values])
    if r.status != pq.ExecStatus.TUPLES_OK:
        return (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
    return sorted(r.get_value(i, 0).decode() for i in range(r.ntuples))


# Lists of parameters: nothing goes through __transient, and the right rows are found.
a.execute("SELECT ssn::text, id::text FROM people")
ids = dict(a.fetchall())
check("the app's IN parameters are text", param_types(app, "in", "SELECT id FROM people WHERE ssn IN ($1, $2, $3)"), [TEXT] * 3)
check("an untyped IN lookup works without __transient and finds its rows",
      found("in", ["canary-ssn-0", "canary-ssn-2", "canary-absent"]), sorted([ids["canary-ssn-0"], ids["canary-ssn-2"]]))
param_types(app, "in8", "SELECT id FROM people WHERE ssn IN (" + ", ".join(f"${i}" for i in range(1, 9)) + ")")
check("a list of eight finds its rows", found("in8", ["canary-ssn-1", "canary-ssn-2"] + [f"canary-absent-{i}" for i in range(6)]),
      sorted([ids["canary-ssn-1"], ids["canary-ssn-2"]]))
param_types(app, "any", "SELECT id FROM people WHERE ssn = ANY($1)")
check("an = ANY($1) lookup still goes through __transient (it keeps its type)", isinstance(found("any", ["{canary-ssn-1}"]), str), True)
# A malformed array: PostgreSQL's array_in quotes the whole value before colcrypt sees an element
# (from 17 it parses as it goes, so here the first element's input fails first, on the missing
# __transient, with colcrypt's own error, which quotes nothing either).
app.execute("SET log_parameter_max_length_on_error = -1")
r = app.pgconn.exec_prepared(b"any", [b"{canary-unclosed"])
msg = (r.error_message or b"").decode("utf-8", "replace")
check("a malformed encrypted_text[] parameter: its value in no part of the error",
      ((r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "canary" in msg), ("22P02", False))
app.execute("RESET log_parameter_max_length_on_error")
param_types(app, "inn", "SELECT id FROM people WHERE n IN ($1, $2)")
check("an untyped encrypted_int4 IN lookup works without __transient", found("inn", ["7", "42"]), [ids["canary-ssn-n"]])
param_types(app, "notin", "SELECT id FROM people WHERE ssn NOT IN ($1, $2)")
check("an untyped NOT IN lookup works without __transient",
      found("notin", ["canary-ssn-0", "canary-ssn-2"]), sorted(v for k, v in ids.items() if k is not None and k not in ("canary-ssn-0", "canary-ssn-2")))
param_types(app, "inret", "SELECT id FROM people WHERE ssn IN ($1, $2) AND $2 IS NOT NULL")
check("a list parameter used otherwise still needs __transient (the check is live)", isinstance(found("inret", ["canary-ssn-0", "canary-ssn-2"]), str), True)
# Denials hold as for `=`: the list's operator is the same cross-type function, called for each
# element. Denied plaintext, or a restricted key without a grant: a searchable column's lists still
# compare stored indexes, lists against one that is not searchable (n) are refused.
param_types(app, "neq", "SELECT id FROM people WHERE n = $1")
for deny, undo in [("deny_plaintext('pii', 'app')", "allow_plaintext('pii', 'app')"), ("restrict_key_use('pii')", "unrestrict_key_use('pii')")]:
    a.execute(f"SELECT colcrypt.{deny}")
    check(f"under {deny}: n = $1 and IN refused (42501)", [found("neq", ["42"]), found("inn", ["7", "42"])], ["42501"] * 2)
    check(f"under {deny}: the searchable column's lists still compare",
          found("in", ["canary-ssn-0", "canary-absent", "canary-absent2"]), [ids["canary-ssn-0"]])
    a.execute(f"SELECT colcrypt.{undo}")
check("undone: the int4 list finds its row again", found("inn", ["7", "42"]), [ids["canary-ssn-n"]])
check("a NOT IN of one parameter (<>) is text", param_types(app, "ne1", "SELECT id FROM people WHERE ssn NOT IN ($1)"), [TEXT])
check("and finds the other rows", found("ne1", ["canary-ssn-0"]), sorted(v for k, v in ids.items() if k is not None and k != "canary-ssn-0"))
app.execute("SET log_parameter_max_length_on_error = -1")
r = app.pgconn.exec_prepared(b"inn", [b"7", b"canary-nan"])
msg = (r.error_message or b"").decode("utf-8", "replace")
check("a bad int4 in an IN list: 22P02, its value in no part of the error",
      ((r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "canary" in msg), ("22P02", False))
app.execute("RESET log_parameter_max_length_on_error")
a.execute("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")
for name, where in [("IN", "ssn IN ($1, $2)")]:
    a.execute(f"PREPARE plan_l AS SELECT id FROM people WHERE {where}")
    a.execute("EXPLAIN (COSTS OFF) EXECUTE plan_l" + ("('x', 'y')" if name == "IN" else "('{x,y}')"))
    plan = " ".join(r[0] for r in a.fetchall())
    a.execute("DEALLOCATE plan_l")
    check(f"the {name} lookup uses the index", ("Index" in plan and "people_ssn_key" in plan and "ANY" in plan, plan), (True, plan))
a.execute("RESET plan_cache_mode; RESET enable_seqscan")
a.execute("PREPARE plan_q AS SELECT id FROM people WHERE ssn = $1")
a.execute("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")
a.execute("EXPLAIN (COSTS OFF) EXECUTE plan_q('x')")
plan = " ".join(r[0] for r in a.fetchall())
check("the lookup uses the index", ("Index" in plan and "people_ssn_key" in plan, plan), (True, plan))
a.execute("RESET plan_cache_mode; RESET enable_seqscan")
# The same statement after PostgreSQL re-analyses it (a table change invalidates the plan): it
# is analysed again with the parameter types it now has, text.
a.execute("ALTER TABLE people ALTER COLUMN z SET DEFAULT 0")
check("re-analysed INSERT still works", run(app, "ins", ["canary-ssn-9", "canary-note-9"]), (pq.ExecStatus.COMMAND_OK, ""))
check("re-analysed IN lookup still works", found("in", ["canary-ssn-0", "canary-ssn-2", "canary-absent"]), sorted([ids["canary-ssn-0"], ids["canary-ssn-2"]]))
# The check is live: paths that still go through __transient fail without it.
cur = app.cursor()
try:
    cur.execute("INSERT INTO people (ssn) VALUES ('literal')", prepare=False)
    sys.exit("FAIL a literal was written without __transient: the check proves nothing")
except psycopg.Error as e:
    check("a literal still needs __transient (the check is live)", e.sqlstate is not None, True)
param_types(app, "ret", "INSERT INTO people (ssn) VALUES ($1) RETURNING $1")
check("a parameter also returned still needs __transient", run(app, "ret", ["x"])[0], pq.ExecStatus.FATAL_ERROR)

# Parameters whose type the driver sets (pgJDBC's setString is varchar and setLong int8; psycopg
# sends the smallest integer type that holds the value, a float as float8, a dict as json): the
# plaintext type's own cast, then one seal under the column's key, so none needs __transient.
VARCHAR, INT2, INT8, NUMERIC, FLOAT8, JSON = 1043, 21, 20, 1700, 701, 114


def run_typed(name, sql, types, values, conn=None, message=False):
    conn = conn or app
    r = conn.pgconn.prepare(name.encode(), sql.encode(), param_types=types)
    if r.status == pq.ExecStatus.COMMAND_OK:
        r = conn.pgconn.exec_prepared(name.encode(), [v.encode() for v in values])
    got = (r.status, (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode())
    return got + ((r.error_message or b"").decode("utf-8", "replace"),) if message else got


for name, t, value, want in [("varchar, int8, json", INT8, "41", 41), ("int2", INT2, "42", 42),
                             ("numeric, rounded as into int4", NUMERIC, "42.5", 43), ("float8", FLOAT8, "44.4", 44)]:
    ssn = f"canary-typed-{t}"
    check(f"typed parameters ({name}) need no __transient",
          run_typed(f"typed{t}", "INSERT INTO people (ssn, note, n, doc) VALUES ($1, $2, $3, $4)", [VARCHAR, VARCHAR, t, JSON],
                    [ssn, "canary-typed-note", value, '{"typed": true}']), (pq.ExecStatus.COMMAND_OK, ""))
    a.execute("SELECT n::int, note::text, doc::jsonb FROM people WHERE ssn = %s::text", (ssn,))
    check(f"and read back ({name})", a.fetchone(), (want, "canary-typed-note", {"typed": True}))
# The plaintext type's cast fails before anything is sealed: the statement's other parameters,
# which PostgreSQL adds to the error's context under this setting, are withheld all the same
# (an attacker review found them in the error and the log).
app.execute("SET log_parameter_max_length_on_error = -1")
status, state, msg = run_typed("typedbig", "INSERT INTO people (ssn, n) VALUES ($1, $2)", [VARCHAR, INT8],
                               ["canary-typed-big", "5000000000"], message=True)
check("an int8 out of int4's range: 22003, as for an int4 column", (status, state), (pq.ExecStatus.FATAL_ERROR, "22003"))
check("and the other parameter is in no part of the error", "canary-typed-big" in msg, False)
app.execute("RESET log_parameter_max_length_on_error")
cur.execute("INSERT INTO people (ssn, n) VALUES ('canary-typed-literal'::varchar, 2.5)", prepare=False)
check("a varchar literal and a numeric literal need no __transient", cur.rowcount, 1)

# What the parameter no longer gets from colcrypt's input is given back: an envelope's text form
# is refused as input refuses it (22P02, not sealed as data)...
a.execute("SELECT colcrypt.envelope(note)::text FROM people WHERE id = 2")
env_text = a.fetchone()[0]
check("an envelope's text as a parameter is refused", run(app, "ins", ["canary-env", env_text]), (pq.ExecStatus.FATAL_ERROR, "22P02"))
# ... and so is one compared with a column (colcrypt's cross-type `=`), as text and in binary:
# the comparison took an envelope's bytes as a plaintext (found by sql_fuzz, seed 2910948646).
check("a lookup parameter is text", param_types(app, "lk_text", "SELECT id FROM people WHERE ssn = $1"), [TEXT])
check("an envelope's text as a lookup parameter is refused", run(app, "lk_text", [env_text]), (pq.ExecStatus.FATAL_ERROR, "22P02"))
a.execute("SELECT colcrypt.envelope(n) FROM people WHERE n IS NOT NULL LIMIT 1")
env_int4 = bytes(a.fetchone()[0])
check("an int lookup parameter is int4", param_types(app, "lk_bin", "SELECT id FROM people WHERE n = $1"), [23])
r = app.pgconn.exec_prepared(b"lk_bin", [env_int4], param_formats=[1])
check("an envelope as a binary lookup parameter is refused: 22P03", (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "22P03")
r = app.pgconn.exec_prepared(b"lk_bin", [(7).to_bytes(4, "big")], param_formats=[1])
check("while a binary int4 looks up as usual", r.status, pq.ExecStatus.TUPLES_OK)
# A statement's cached blind index of a parameter value does not carry a refusal over: the same
# envelope text compared first inside a function where ciphertext_io is off (data there), then
# through the retyped parameter, is refused (an attacker review found the cache answering it).
a.execute("""CREATE FUNCTION public.count_off(x text) RETURNS bigint LANGUAGE sql SET colcrypt.ciphertext_io = off
             AS $$ SELECT count(*) FROM public.people WHERE ssn = x $$""")
app.pgconn.prepare(b"lk_twice", b"SELECT public.count_off($1::text), (SELECT count(*) FROM people WHERE ssn = $2)")
check("an envelope's text cached where it was data is still refused as a retyped parameter",
      run(app, "lk_twice", [env_text, env_text]), (pq.ExecStatus.FATAL_ERROR, "22P02"))
# ... also when ciphertext_io is turned on after the statement was parsed (it is typed text and
# cannot load the envelope: refused, not stored as the envelope's text).
param_types(admin, "late", "INSERT INTO people (ssn, note) VALUES ($1, $2)")
a.execute("SET colcrypt.ciphertext_io = on")
check("ciphertext_io turned on after Parse: refused", run(admin, "late", ["canary-late", env_text]), (pq.ExecStatus.FATAL_ERROR, "22P02"))
# Under `on`, a parameter the driver typed as text or varchar (pgJDBC's setString) is data, as
# a cast from text is in this mode (README, ciphertext_io): an envelope's text is stored as that
# text. Envelopes load through untyped parameters or the encrypted type.
check("under ciphertext_io = on, a varchar parameter is data",
      run_typed("envvarchar", "INSERT INTO people (ssn, note) VALUES ($1, $2) /* typed */", [TEXT, VARCHAR],
                ["canary-env-varchar", env_text], conn=admin), (pq.ExecStatus.COMMAND_OK, ""))
a.execute("RESET colcrypt.ciphertext_io")
a.execute("SELECT note::text FROM people WHERE ssn = 'canary-env-varchar'::text")
check("and reads back as the envelope's text", a.fetchone()[0], env_text)
a.execute("SET colcrypt.ciphertext_io = on")
a.execute("RESET colcrypt.ciphertext_io")
# ... and bytes text input refuses (an envelope, or plaintext in another encoding, sent as a
# binary parameter) are not quoted in the error, which says what to send.
r = app.pgconn.exec_prepared(b"ins", [b"canary-ssn-bin", b"SECRET\xf0XYZ"], param_formats=[1, 1])
msg = (r.error_message or b"").decode("utf-8", "replace")
check("invalid bytes in a binary parameter: 22021", (r.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode(), "22021")
check("the error quotes no byte", ("0x" in msg, "XYZ" in msg), (False, False))
check("the error says what to send", "ciphertext_io" in msg and "plaintext type" in msg, True)
# SQL PREPARE / EXECUTE: the statement EXECUTE runs is the PREPARE's, and keeps the check.
cur = app.cursor()
cur.execute("PREPARE sql_ins AS INSERT INTO people (ssn, note) VALUES ($1, $2)")
try:
    cur.execute(f"EXECUTE sql_ins('canary-sqlprep', '{env_text}')")
    sys.exit("FAIL an envelope's text through SQL EXECUTE was stored as data")
except psycopg.Error as e:
    check("an envelope's text through SQL EXECUTE is refused", e.sqlstate, "22P02")
# A backend remembers a bounded number of retyped statements and never forgets one: past the
# bound, new statements keep their types (and colcrypt's input); old ones keep their checks.
for i in range(16400):
    app.pgconn.prepare(f"fill{i}".encode(), f"SELECT id FROM people WHERE ssn = $1 /* {i} */".encode())
    app.pgconn.exec_(f"DEALLOCATE fill{i}".encode())
check("past the bound a new statement keeps encrypted_text",
      param_types(app, "late2", "SELECT id FROM people WHERE ssn = $1 /* new */"), [ENC])
check("an old statement still refuses an envelope's text", run(app, "ins", ["canary-env2", env_text]), (pq.ExecStatus.FATAL_ERROR, "22P02"))
r = app.pgconn.exec_prepared(b"ins", [b"canary-ssn-bin", b"SECRET\xf0XYZ"], param_formats=[1, 1])
check("and still rewords a refused byte", "XYZ" in (r.error_message or b"").decode("utf-8", "replace"), False)
# A declared parameter type that does not exist is PostgreSQL's business when no one uses it.
r = app.pgconn.prepare(b"ghost", b"SELECT 1", [99999])
check("an unused parameter of a missing type is no error", r.status, pq.ExecStatus.COMMAND_OK)

# Every value reads back, and each is under its column's key.
a.execute("SELECT ssn::text, note::text FROM people ORDER BY id")
rows = a.fetchall()
check("values read back", [r for r in rows if r[0] and r[0].startswith("canary-ssn-") and r[0][-1].isdigit()][:3], [("canary-ssn-0", "canary-upserted"), ("canary-ssn-1", "canary-note-1"), ("canary-ssn-2", "canary-note-2")])
check("the UPDATE's value read back", rows[0][1] != "canary-note-0", True)
a.execute("""SELECT DISTINCT ks.name, kn.name FROM people,
    colcrypt.envelope_info(colcrypt.envelope(ssn)) es, colcrypt.keys ks,
    colcrypt.envelope_info(colcrypt.envelope(note)) en, colcrypt.keys kn
    WHERE ks.envelope_key_id = es.key_id AND kn.envelope_key_id = en.key_id""")
check("sealed under the columns' keys", a.fetchall(), [("pii", "other")])
a.execute("SELECT count(*) FROM people WHERE ssn = 'canary-ssn-2'::text")
check("the searchable column finds a parameter-written value", a.fetchone()[0], 1)
print("one_seal: all checks passed")
