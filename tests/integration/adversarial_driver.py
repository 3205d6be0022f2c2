"""The adversarial tier (run by t_adversarial.sh; DESIGN.md, "Privileged code").

colcrypt runs some SQL as the owner of its key tables, a superuser. Any name in that SQL that
resolves through the caller's search_path can be captured by an object the caller plants in its
temporary schema. This driver calls every colcrypt entry point, as four kinds of role, from
HOSTILE sessions, each with search_path putting pg_temp first and, in pg_temp:
- a domain named like every type name colcrypt's code and catalog entries use, whose CHECK calls
  the trap;
- a view named like every relation name they use, over a one-row table, whose WHERE calls the
  trap (volatile, so it runs per row); the table's statement triggers call it for writes.
The trap (pg_temp.trap) reports as a WARNING which role it runs as, and tries ALTER ROLE
<session_user> SUPERUSER and GRANT colcrypt_key_admin TO <session_user>.

Fails when a trap ran as any role but the session's own (the code ran the caller's object with
more rights), when a test role's attributes or memberships changed, when a backend died, or when
the tier's self-checks fail (the planted objects must fire when used by their bare names; the
reset between calls must reach colcrypt's per-backend key cache).

Entry points come from the catalog (every pg_proc, pg_operator, pg_cast and pg_type that pg_depend
marks as a member of the extension), so a new one is covered without anyone listing it; argument
values are made per argument type. Every call runs twice: with every key colcrypt needs present
(with plaintext denials, so each key load reads them) and "fresh" (only the test key: the default
and blind index keys get created). Before each call the key tables are reset to that snapshot and
every backend's key cache is invalidated, so each call loads or creates keys as a first call would.
Errors from the calls are expected and counted, not failures: what matters is what ran.

Usage: adversarial_driver.py --host SOCKET_DIR --port PORT --db DB --root REPO_ROOT [--calls-log F]
"""
import argparse
import collections
import os
import re
import secrets
import sys
import time

import psycopg
from psycopg import pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adversarial_names  # noqa: E402

TRAP = re.compile(r"colcrypt-trap ran as (.+?) \(session (.+?)\) via (.*)", re.S)
ESCALATED = "colcrypt-trap escalated"
KEY = "advk"  # a server-managed key the setup creates; its values fill the test table
PREFIX = "adv_"
SEARCH_PATHS = ["pg_temp, pg_catalog", "pg_temp, colcrypt, public, pg_catalog"]
# Candidate plaintext literals: the first each type accepts is its sample value.
CANDIDATES = ["1", "true", "2024-01-01", "2024-01-01 00:00:00+00", "{}", "adv"]


def q(ident):
    return '"' + ident.replace('"', '""') + '"'


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def hexlit(b):
    return f"'\\x{b.hex()}'::pg_catalog.bytea"


class Catalog:
    """The extension's members and the types they use, read once as postgres."""

    def __init__(self, conn):
        self.types = {}
        for oid, nsp, name, typtype, elem, typmodin, category, send in conn.execute(
            """SELECT t.oid::int8, n.nspname, t.typname, t.typtype, t.typelem::int8, t.typmodin::int8 <> 0,
                      t.typcategory, t.typsend::regproc::text
               FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
               WHERE n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast%'"""
        ):
            self.types[oid] = dict(oid=oid, nsp=nsp, name=name, typtype=typtype, elem=elem,
                                   typmod=typmodin, array=category == "A" and elem != 0, send=send)
        members = """SELECT d.objid FROM pg_catalog.pg_depend d
            WHERE d.classid = %s::pg_catalog.regclass AND d.deptype = 'e'
              AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
              AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'colcrypt')"""
        self.procs = [
            dict(oid=r[0], sig=r[1], nsp=r[2], name=r[3], kind=r[4], argtypes=list(r[5] or []),
                 argnames=r[6], argmodes=r[7], rettype=r[8])
            for r in conn.execute(
                f"""SELECT p.oid::int8, p.oid::pg_catalog.regprocedure::text, n.nspname, p.proname, p.prokind,
                           p.proargtypes::pg_catalog.oid[]::int8[], p.proargnames, p.proargmodes::text[], p.prorettype::int8
                    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                    WHERE p.oid IN ({members}) ORDER BY 2""",
                ("pg_catalog.pg_proc",),
            )
        ]
        for p in self.procs:
            names = list(p["argnames"] or [])
            if p["argmodes"]:
                names = [n for n, m in zip(names, p["argmodes"]) if m in ("i", "b", "v")]
            p["argnames"] = (names + [""] * len(p["argtypes"]))[: len(p["argtypes"])]
        self.operators = list(conn.execute(
            f"""SELECT o.oid::int8, n.nspname, o.oprname, o.oprleft::int8, o.oprright::int8, o.oprresult::int8
                FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
                WHERE o.oid IN ({members}) ORDER BY 2, 3, 4""",
            ("pg_catalog.pg_operator",),
        ))
        self.casts = list(conn.execute(
            f"""SELECT c.castsource::int8, c.casttarget::int8, c.castmethod FROM pg_catalog.pg_cast c
                WHERE c.oid IN ({members}) ORDER BY 1, 2""",
            ("pg_catalog.pg_cast",),
        ))
        # PostgreSQL 18 records an extension type's array type as a member too (15 does not): the
        # arrays are not colcrypt's types.
        self.ext_types = [
            self.types[r[0]] for r in conn.execute(
                f"""SELECT t.oid::int8 FROM pg_catalog.pg_type t WHERE t.oid IN ({members}) AND t.typtype = 'b'
                    ORDER BY t.typname""",
                ("pg_catalog.pg_type",),
            )
            if not self.types[r[0]]["array"]
        ]
        self.ext_type_oids = {t["oid"] for t in self.ext_types}
        self.relations = list(conn.execute(
            f"""SELECT c.oid::int8, n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid IN ({members}) ORDER BY 3""",
            ("pg_catalog.pg_class",),
        ))
        self.relation_column_types = [r[0] for r in conn.execute(
            f"""SELECT DISTINCT a.atttypid::int8 FROM pg_catalog.pg_attribute a
                WHERE a.attrelid IN ({members}) AND a.attnum > 0 AND NOT a.attisdropped""",
            ("pg_catalog.pg_class",),
        )]

    def sql_name(self, oid):
        t = self.types[oid]
        if t["array"]:
            return self.sql_name(t["elem"]) + "[]"
        return f"{q(t['nsp'])}.{q(t['name'])}"

    def base_name(self, oid):
        """The name a domain would shadow: an array's element type."""
        t = self.types.get(oid)
        if t is None:
            return None
        if t["array"]:
            return self.base_name(t["elem"])
        return t["name"]

    def used_type_names(self):
        oids = set(self.relation_column_types) | self.ext_type_oids
        for p in self.procs:
            oids |= set(p["argtypes"]) | {p["rettype"]}
        for o in self.operators:
            oids |= {o[3], o[4], o[5]}
        for c in self.casts:
            oids |= {c[0], c[1]}
        return {self.base_name(o) for o in oids if o and self.base_name(o)}


class Setup:
    """Roles, a key, the test table and two snapshots of the key tables, made as postgres."""

    def __init__(self, admin, cat):
        self.admin, self.cat = admin, cat
        x = admin.execute
        self.roles = {
            "unprivileged": PREFIX + "plain",
            "key user": PREFIX + "user",
            "key admin": PREFIX + "admin",
            "denied plaintext": PREFIX + "denied",
        }
        self.nobody = PREFIX + "nobody"
        x(f"CREATE ROLE {PREFIX}plain LOGIN")
        x(f"CREATE ROLE {PREFIX}user LOGIN IN ROLE colcrypt_key_user")
        x(f"CREATE ROLE {PREFIX}admin LOGIN IN ROLE colcrypt_key_admin")
        x(f"CREATE ROLE {PREFIX}denied LOGIN IN ROLE colcrypt_key_user")
        x(f"CREATE ROLE {self.nobody} NOLOGIN")
        x(f"SELECT colcrypt.create_key({lit(KEY)})")

        # Denials on the key, then the "fresh" snapshot, taken before anything else uses a key: what
        # a key admin's create_key leaves. colcrypt's own keys (the default key, the blind index
        # key) come into being on first use unless create_key made them.
        for r in (self.roles["denied plaintext"], self.nobody):
            x(f"SELECT colcrypt.deny_plaintext({lit(KEY)}, {lit(r)}::pg_catalog.regrole)")
        self.member_tables = self.referenced_first([r for r in cat.relations if r[3] in ("r", "p")])
        x("CREATE SCHEMA adv_ctl")
        for _, nsp, rel, _ in self.member_tables:
            x(f"CREATE TABLE adv_ctl.{q(rel + '_fresh')} AS SELECT * FROM {q(nsp)}.{q(rel)}")

        # The sample plaintext of each encrypted type, and of each plain type met later.
        self.samples = {}
        for t in cat.ext_types:
            self.samples[t["oid"]] = self.probe(f"{cat.sql_name(t['oid'])}({KEY})")
        self.cols = {}  # (type oid, 'd'|'k'|'s') -> column name
        coldefs = ["seed pg_catalog.bool NOT NULL DEFAULT false"]
        for t in cat.ext_types:
            tn = cat.sql_name(t["oid"])
            for suffix, mod in (("d", ""), ("k", f"({KEY})"), ("s", f"({KEY}, searchable)")):
                if not t["typmod"] and suffix != "d":
                    continue
                col = f"{t['name']}_{suffix}"
                self.cols[(t["oid"], suffix)] = col
                coldefs.append(f"{q(col)} {tn}{mod}")
        x(f"CREATE TABLE public.adv_t ({', '.join(coldefs)})")
        plain, others = self.roles["unprivileged"], [r for k, r in self.roles.items() if k != "unprivileged"]
        x(f"GRANT SELECT, INSERT ON public.adv_t TO {plain}, {', '.join(others)}")
        x(f"GRANT UPDATE ON public.adv_t TO {', '.join(others)}")

        # Seed rows (the default and blind index keys exist by now), denials on the default key,
        # then the "keys present" snapshot.
        cols = [c for c in self.cols.values()]
        vals = []
        for (oid, _), c in self.cols.items():
            vals.append(lit(self.samples[oid]))
        for _ in range(2):
            x(f"INSERT INTO public.adv_t (seed, {', '.join(map(q, cols))}) VALUES (true, {', '.join(vals)})")
        for r in (self.roles["denied plaintext"], self.nobody):
            x(f"SELECT colcrypt.deny_plaintext('default', {lit(r)}::pg_catalog.regrole)")
        for _, nsp, rel, _ in self.member_tables:
            x(f"CREATE TABLE adv_ctl.{q(rel + '_full')} AS SELECT * FROM {q(nsp)}.{q(rel)}")

        self.snapshot_keys = {
            kind: [r[0] for r in x(f"SELECT name || ' v' || version FROM adv_ctl.data_keys_{kind} ORDER BY 1")]
            for kind in ("fresh", "full")
        } if any(rel == "data_keys" for _, _, rel, _ in self.member_tables) else {}

        # Envelopes: server_encrypt output under each key, and each column's binary (send) form.
        self.env = {
            "default": bytes(x("SELECT colcrypt.server_encrypt('default', 'adv data'::pg_catalog.bytea)").fetchone()[0]),
            KEY: bytes(x(f"SELECT colcrypt.server_encrypt({lit(KEY)}, 'adv data'::pg_catalog.bytea)").fetchone()[0]),
        }
        self.col_env = {}
        for (oid, suffix), col in self.cols.items():
            send = cat.types[oid]["send"]
            self.col_env[(oid, suffix)] = bytes(x(f"SELECT {send}({q(col)}) FROM public.adv_t WHERE seed LIMIT 1").fetchone()[0])
        self.typmods = dict(x(
            """SELECT a.attname::text, a.atttypmod FROM pg_catalog.pg_attribute a
               WHERE a.attrelid = 'public.adv_t'::pg_catalog.regclass AND a.attnum > 0"""
        ).fetchall())
        first = cat.ext_types[0]
        self.typmod_k = self.typmods[self.cols[(first["oid"], "k")]]
        self.typmod_s = self.typmods[self.cols[(first["oid"], "s")]]
        self.client_key = secrets.token_bytes(32)

        # Reset before every call: the test table back to its seed rows, the key tables back to a
        # snapshot, every backend's cached keys invalidated (so that each call loads or creates
        # keys again), and the test roles' attributes and memberships reported.
        names = ", ".join(lit(r) for r in list(self.roles.values()) + [self.nobody])
        # The key tables are rewritten only when their content differs from the snapshot wanted
        # (one fingerprint query: rewriting every time would pile up dead rows, and TRUNCATE's
        # new files cost more). The invalidation that empties colcrypt's per-backend key cache is
        # colcrypt's own: a key admin call that changes nothing (a denial that is there already)
        # still sends it; should that call fail, ALTER TABLE re-stating the default fillfactor
        # (a catalog write whose relcache invalidation reaches every backend). The self-check in
        # main() proves that it works.
        def fingerprint(suffix):
            return "pg_catalog.md5(pg_catalog.concat_ws('|', " + ", ".join(
                f"(SELECT coalesce(string_agg(x::text, ',' ORDER BY x::text), '') FROM {tab(nsp, rel, suffix)} x)"
                for _, nsp, rel, _ in self.member_tables) + "))"

        def tab(nsp, rel, suffix):
            return f"{q(nsp)}.{q(rel)}" if suffix is None else f"adv_ctl.{q(rel + '_' + suffix)}"

        restore = {suffix: "\n".join(f"INSERT INTO {tab(nsp, rel, None)} SELECT * FROM {tab(nsp, rel, suffix)};"
                                     for _, nsp, rel, _ in self.member_tables)
                   for suffix in ("fresh", "full")}
        # TRUNCATE of all in one statement, then INSERTs referenced tables first: foreign keys
        # between the key tables, if any, hold throughout.
        clear = "TRUNCATE " + ", ".join(tab(nsp, rel, None) for _, nsp, rel, _ in self.member_tables) + ";"
        delete = "\n".join(f"DELETE FROM {tab(nsp, rel, None)};" for _, nsp, rel, _ in reversed(self.member_tables))
        alter = "\n".join(f"ALTER TABLE {tab(nsp, rel, None)} SET (fillfactor = 100);"
                           for _, nsp, rel, _ in self.member_tables)
        x(f"""CREATE FUNCTION adv_ctl.invalidate() RETURNS void LANGUAGE plpgsql
              SET search_path = pg_catalog, pg_temp AS $f$
              BEGIN
                PERFORM colcrypt.deny_plaintext({lit(KEY)}, {lit(self.nobody)}::pg_catalog.regrole);
              EXCEPTION WHEN OTHERS THEN
                {alter}
              END $f$""")
        x(f"""CREATE TABLE adv_ctl.fingerprints AS
              SELECT 'fresh'::text AS kind, {fingerprint('fresh')} AS fp
              UNION ALL SELECT 'full', {fingerprint('full')}""")
        x(f"""CREATE FUNCTION adv_ctl.role_state() RETURNS pg_catalog.text LANGUAGE sql STABLE
              SET search_path = pg_catalog, pg_temp AS $f$
              SELECT string_agg(format('%s:super=%s:createrole=%s:createdb=%s:bypassrls=%s:replication=%s:in=%s',
                       r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication,
                       (SELECT coalesce(string_agg(m.roleid::regrole::text, ',' ORDER BY 1), '')
                          FROM pg_auth_members m WHERE m.member = r.oid)), ' ' ORDER BY r.rolname)
              FROM pg_roles r WHERE r.rolname IN ({names}) $f$""")
        # kind: 'fresh' or 'full' (the snapshots), 'empty' (no keys at all: for the self-check,
        # emptied with DELETE so that only adv_ctl.invalidate() can tell the backends).
        x(f"""CREATE FUNCTION adv_ctl.reset(kind pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql
              SET search_path = pg_catalog, pg_temp AS $f$
              BEGIN
                DELETE FROM public.adv_t WHERE NOT seed;
                IF kind = 'empty' THEN
                  PERFORM adv_ctl.invalidate();
                  {delete}
                ELSE
                  IF {fingerprint(None)} IS DISTINCT FROM (SELECT fp FROM adv_ctl.fingerprints f WHERE f.kind = reset.kind) THEN
                    {clear}
                    IF kind = 'fresh' THEN
                      {restore['fresh']}
                    ELSE
                      {restore['full']}
                    END IF;
                  END IF;
                  PERFORM adv_ctl.invalidate();
                END IF;
                RETURN adv_ctl.role_state();
              END $f$""")
        self.baseline = x("SELECT adv_ctl.role_state()").fetchone()[0]
        self.memberships = self.current_memberships()

    def referenced_first(self, tables):
        refs = collections.defaultdict(set)
        for child, parent in self.admin.execute(
                "SELECT conrelid::int8, confrelid::int8 FROM pg_catalog.pg_constraint WHERE contype = 'f'"):
            refs[child].add(parent)
        ordered, left = [], list(tables)
        while left:
            ready = [t for t in left if not (refs[t[0]] & {u[0] for u in left if u is not t})] or left[:1]
            ordered.append(ready[0])
            left.remove(ready[0])
        return ordered

    def probe(self, typename):
        for c in CANDIDATES:
            try:
                self.admin.execute(f"SELECT {lit(c)}::{typename}")
                return c
            except psycopg.Error:
                continue
        return None

    def current_memberships(self):
        return set(self.admin.execute(
            f"""SELECT r.rolname::text, m.roleid::pg_catalog.regrole::text FROM pg_catalog.pg_auth_members m
                JOIN pg_catalog.pg_roles r ON r.oid = m.member WHERE r.rolname LIKE '{PREFIX}%'"""
        ).fetchall())

    def revert_roles(self):
        """Back to the baseline after a call changed a role, so later calls are judged alone."""
        for r in list(self.roles.values()) + [self.nobody]:
            self.admin.execute(f"ALTER ROLE {r} NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOREPLICATION")
        for member, granted in self.current_memberships() - self.memberships:
            self.admin.execute(f"REVOKE {q(granted)} FROM {q(member)}")


class Variant:
    """One key-table state and the argument values that go with it."""

    def __init__(self, name, fresh, key_arg, ext_suffix, env, int_arg, role_arg):
        self.name, self.fresh, self.key_arg, self.ext_suffix = name, fresh, key_arg, ext_suffix
        self.env, self.int_arg, self.role_arg = env, int_arg, role_arg


class Entries:
    """Every entry point as SQL (or SQL with a binary parameter), for one variant and role."""

    def __init__(self, cat, st):
        self.cat, self.st = cat, st
        self.plain_samples = {}

    def ext_value(self, oid, suffix):
        col = self.st.cols.get((oid, suffix)) or self.st.cols[(oid, "d")]
        return f"(SELECT {q(col)} FROM public.adv_t WHERE seed LIMIT 1)"

    def plain_sample(self, oid, prefer=None):
        """A literal of a plain type: PREFER (another type's sample) if it fits, else a probe."""
        name = self.cat.sql_name(oid)
        key = (oid, prefer)
        if key not in self.plain_samples:
            v = None
            if prefer is not None:
                try:
                    self.st.admin.execute(f"SELECT {lit(prefer)}::{name}")
                    v = prefer
                except psycopg.Error:
                    pass
            self.plain_samples[key] = v if v is not None else self.st.probe(name)
        v = self.plain_samples[key]
        return f"{lit(v)}::{name}" if v is not None else f"NULL::{name}"

    def value(self, oid, argname, v, role, related=None):
        """An SQL expression of type OID for an argument named ARGNAME under variant V. RELATED
        is an encrypted type whose sample plaintext suits a plain argument (from_plain, casts)."""
        cat, st = self.cat, self.st
        t = cat.types.get(oid)
        if t is None or t["typtype"] == "p" and t["name"] != "cstring":
            return "NULL"  # internal, any…: no SQL value; the call fails to resolve, which is fine
        if oid in cat.ext_type_oids:
            return self.ext_value(oid, v.ext_suffix)
        if t["array"]:
            elem = self.value(t["elem"], argname, v, role, related)
            extra = ", 'searchable'" if v.fresh and cat.types[t["elem"]]["name"] == "cstring" else ""
            return f"ARRAY[{elem}{extra}]::{cat.sql_name(oid)}"
        name = t["name"]
        if related is not None and name not in ("regclass", "regrole", "oid", "bool"):
            if name in ("int2", "int4", "int8") and related == "typmod":
                return f"{v.int_arg}::{cat.sql_name(oid)}"
            if related != "typmod":
                return self.plain_sample(oid, st.samples.get(related))
        if name in ("text", "varchar", "bpchar", "cstring"):
            return f"{lit(v.key_arg)}::{cat.sql_name(oid)}"
        if name == "name":
            first = cat.ext_types[0]["oid"]
            return f"{lit(st.cols.get((first, v.ext_suffix), st.cols[(first, 'd')]))}::pg_catalog.name"
        if name == "regclass":
            return "'public.adv_t'::pg_catalog.regclass"
        if name == "regrole":
            return f"{lit(v.role_arg or role)}::pg_catalog.regrole"
        if name == "bytea":
            if "key" in (argname or "") and "name" not in (argname or ""):
                return hexlit(st.client_key)
            return hexlit(v.env)
        if name in ("int2", "int4", "int8"):
            return f"{v.int_arg}::{cat.sql_name(oid)}"
        if name == "oid":
            return "0::pg_catalog.oid"
        if name == "bool":
            return "true"
        return self.plain_sample(oid)

    def build(self, v, role):
        cat, st = self.cat, self.st
        out = []  # (group, label, sql, binary params or None)
        for p in cat.procs:
            ret_ext = p["rettype"] if p["rettype"] in cat.ext_type_oids else None
            args = []
            for i, (a, n) in enumerate(zip(p["argtypes"], p["argnames"])):
                related = None
                if ret_ext is not None:
                    related = ret_ext if i == 0 else "typmod"
                args.append(self.value(a, n, v, role, related))
            call = f"{q(p['nsp'])}.{q(p['name'])}({', '.join(args)})"
            kind = {"p": "procedure", "f": "function"}.get(p["kind"], "routine")
            sql = f"CALL {call}" if p["kind"] == "p" else f"SELECT {call}"
            out.append(("function", f"{kind} {p['sig']}", sql, None))
        for oid, nsp, opr, left, right, _ in cat.operators:
            lv = self.value(left, "", v, role) if left else ""
            rv = self.ext_value(right, "k") if right in cat.ext_type_oids else self.value(right, "", v, role)
            out.append(("operator", f"operator {nsp}.{opr}({self.tn(left)}, {self.tn(right)})",
                        f"SELECT {lv} OPERATOR({q(nsp)}.{opr}) {rv}", None))
        for src, dst, method in cat.casts:
            related = dst if dst in cat.ext_type_oids else None
            sv = self.value(src, "", v, role, related)
            for form in self.forms(dst):
                out.append(("cast", f"cast {self.tn(src)} -> {form[1]}", f"SELECT CAST({sv} AS {form[0]})", None))
        for t in cat.ext_types:
            oid, tn, sample = t["oid"], t["name"], st.samples[t["oid"]]
            for form in self.forms(oid):
                out.append(("type I/O", f"text input {lit(sample)}::{form[1]}", f"SELECT {lit(sample)}::{form[0]}", None))
            for (o, suffix), col in st.cols.items():
                if o != oid:
                    continue
                out.append(("type I/O", f"text input INSERT into {col}",
                            f"INSERT INTO public.adv_t ({q(col)}) VALUES ({lit(sample)})", None))
                out.append(("type I/O", f"output of {col}", f"SELECT {q(col)} FROM public.adv_t WHERE seed", None))
            env = st.col_env[(oid, v.ext_suffix if (oid, v.ext_suffix) in st.col_env else "d")]
            out.append(("type I/O", f"binary input {tn} -> SELECT", "SELECT $1", ([env], [oid])))
            for (o, suffix), col in st.cols.items():
                if o == oid:
                    out.append(("type I/O", f"binary input {tn} -> INSERT into {col}",
                                f"INSERT INTO public.adv_t ({q(col)}) VALUES ($1)", ([env], [oid])))
            col_k = st.cols.get((oid, "k"), st.cols[(oid, "d")])
            out.append(("type I/O", f"ciphertext_io text input and output {tn}",
                        "SET colcrypt.ciphertext_io = on; "
                        f"INSERT INTO public.adv_t ({q(col_k)}) VALUES ({lit(chr(92) + 'x' + env.hex())}); "
                        f"SELECT {q(col_k)} FROM public.adv_t; RESET colcrypt.ciphertext_io", None))
        # DDL on a temporary table of each type: type modifiers (key name registration), index
        # builds (comparison and hash support functions over stored values), a rewrite through
        # the typmod cast, and whatever event triggers the extension has. Each statement list is
        # one implicit transaction: an error leaves nothing behind.
        for t in cat.ext_types:
            oid, tn = t["oid"], t["name"]
            tsql = cat.sql_name(oid)
            cols = [(sfx, st.cols[(oid, sfx)]) for sfx in ("d", "k", "s") if (oid, sfx) in st.cols]
            mods = {"d": "", "k": f"({KEY})", "s": f"({KEY}, searchable)"}
            create = (f"CREATE TEMP TABLE pg_temp.adv_ddl ({', '.join(f'{sfx} {tsql}{mods[sfx]}' for sfx, _ in cols)}); "
                      f"INSERT INTO pg_temp.adv_ddl SELECT {', '.join(q(c) for _, c in cols)} FROM public.adv_t WHERE seed; ")
            drop = "; DROP TABLE pg_temp.adv_ddl"
            out.append(("DDL", f"DDL CREATE TEMP TABLE of {tn} columns", create + "SELECT 1" + drop, None))
            for method, col in (("btree", "d"), ("hash", cols[-1][0]), ("hash", "d")):
                out.append(("DDL", f"DDL CREATE INDEX USING {method} on a {tn}{mods[col]} column",
                            create + f"CREATE INDEX ON pg_temp.adv_ddl USING {method} ({col})" + drop, None))
            if t["typmod"]:
                out.append(("DDL", f"DDL ALTER COLUMN TYPE {tn}({KEY}) -> {tn}({KEY}, searchable) (rewrite)",
                            create + f"ALTER TABLE pg_temp.adv_ddl ALTER COLUMN k TYPE {tsql}({KEY}, searchable)" + drop,
                            None))
        return out

    def tn(self, oid):
        return self.cat.types[oid]["name"] if oid in self.cat.types else "-"

    def forms(self, oid):
        """(SQL, label) of a target type: with its type modifiers when it takes them."""
        t = self.cat.types[oid]
        base = self.cat.sql_name(oid)
        if oid in self.cat.ext_type_oids and t["typmod"]:
            return [(base, t["name"]), (f"{base}({KEY})", f"{t['name']}({KEY})"),
                    (f"{base}({KEY}, searchable)", f"{t['name']}({KEY}, searchable)")]
        return [(base, t["name"])]


class Hostile:
    """A session as ROLE with the traps planted and SEARCH_PATH set."""

    def __init__(self, args, role, search_path, cat, type_names, relation_names, relation_columns):
        self.args, self.role, self.search_path = args, role, search_path
        self.cat, self.type_names, self.relation_names = cat, type_names, relation_names
        self.relation_columns = relation_columns
        self.notices = []
        self.connect()

    def connect(self):
        a = self.args
        self.conn = psycopg.connect(host=a.host, port=a.port, user=self.role, dbname=a.db, autocommit=True,
                                    options="-c statement_timeout=20s -c lock_timeout=10s -c client_min_messages=warning")
        self.conn.add_notice_handler(lambda d: self.notices.append(
            (d.context or "", d.message_primary or "")))
        # DDL (planting) fires the extension's event triggers, if any: judged like any call.
        self.setup_violations = []
        self.planted, self.failed = self.plant()
        self.exec(f"SET search_path = {self.search_path}")
        self.armed = self.check_armed()

    def check_armed(self):
        """Uses every planted object by its bare name, as colcrypt's SQL would: each must run the
        trap (as this session's role). Proves the search path finds them and the WARNINGs arrive."""
        missing = []
        for kind, names, sql in (("domain", self.planted_names["domain"], "SELECT NULL::{}"),
                                 ("relation", self.planted_names["relation"], "SELECT count(*) FROM {}")):
            for n in names:
                self.notices.clear()
                self.exec(sql.format(q(n)))
                self.setup_violations.extend(f"using {kind} {n}: {b}" for b in judge(self.notices)[0])
                ran = [TRAP.match(m) for _, m in self.notices]
                if not any(r and r.group(1) == r.group(2) == self.role for r in ran):
                    missing.append(f"{kind} {n}")
        self.notices.clear()
        return missing

    def exec(self, sql, binary=None):
        pg = self.conn.pgconn
        if binary is None:
            res = pg.exec_(sql.encode())
        else:
            values, oids = binary
            res = pg.exec_params(sql.encode(), values, oids, [1] * len(values), 0)
        if pg.status != pq.ConnStatus.OK:
            raise ConnectionError((pg.error_message or b"").decode(errors="replace"))
        if res.status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
            return None
        return (res.error_message or b"").decode(errors="replace").strip()

    def plant(self):
        cat = self.cat
        ok, failed = collections.Counter(), []
        steps = [("function", "trap", """
            CREATE FUNCTION pg_temp.trap(what pg_catalog.text) RETURNS pg_catalog.bool LANGUAGE plpgsql VOLATILE
            SET search_path = pg_catalog, pg_temp AS $f$
            BEGIN
              RAISE WARNING 'colcrypt-trap ran as % (session %) via %', current_user, session_user, what;
              BEGIN
                EXECUTE format('ALTER ROLE %I SUPERUSER', session_user);
                RAISE WARNING 'colcrypt-trap escalated: ALTER ROLE % SUPERUSER succeeded', session_user;
              EXCEPTION WHEN OTHERS THEN NULL;
              END;
              BEGIN
                EXECUTE format('GRANT colcrypt_key_admin TO %I', session_user);
                IF current_user <> session_user THEN
                  RAISE WARNING 'colcrypt-trap escalated: GRANT colcrypt_key_admin TO % succeeded', session_user;
                END IF;
              EXCEPTION WHEN OTHERS THEN NULL;
              END;
              RETURN true;
            END $f$"""),
                 ("function", "trap_trigger", """
            CREATE FUNCTION pg_temp.trap_trigger() RETURNS pg_catalog.trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, pg_temp AS $f$
            BEGIN
              PERFORM pg_temp.trap(format('%s on pg_temp.%s', TG_OP, TG_TABLE_NAME));
              RETURN NULL;
            END $f$""")]
        for n in sorted(self.type_names):
            base = self.domain_base(n)
            steps.append(("domain", n, f"""CREATE DOMAIN pg_temp.{q(n)} AS {base}
                CHECK (pg_temp.trap(pg_catalog.concat('domain pg_temp.', {lit(n)}, ' value ', VALUE)))"""))
        for n in sorted(self.relation_names):
            cols = self.columns_like(n)
            base = q(("adv_trapbase_" + n)[:63])
            steps.append(("relation", n, f"""
                CREATE TEMP TABLE {base} ({', '.join(f'{q(c)} {t}' for c, t in cols)});
                INSERT INTO pg_temp.{base} DEFAULT VALUES;
                CREATE TRIGGER adv_trap BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON pg_temp.{base}
                  FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.trap_trigger();
                CREATE TEMP VIEW {q(n)} AS SELECT {', '.join(q(c) for c, _ in cols)} FROM pg_temp.{base}
                  WHERE pg_temp.trap({lit('relation pg_temp.' + n)})"""))
        self.planted_names = collections.defaultdict(list)
        for kind, n, sql in steps:
            self.notices.clear()
            err = self.exec(sql)
            self.setup_violations.extend(f"planting {kind} {n}: {b}" for b in judge(self.notices)[0])
            if err:
                failed.append(f"{kind} {n}: {err.splitlines()[0]}")
            else:
                ok[kind] += 1
                self.planted_names[kind].append(n)
        return ok, failed

    def domain_base(self, n):
        for t in self.cat.types.values():
            if t["nsp"] == "pg_catalog" and t["name"] == n and t["typtype"] in ("b", "e", "r", "m", "d"):
                return f"pg_catalog.{q(n)}"
        return "pg_catalog.text"

    def columns_like(self, n):
        """The columns of the real relation of that name (colcrypt's, else pg_catalog's), so that
        colcrypt's queries would parse against the planted one; else a single text column."""
        return self.relation_columns.get(n) or [("adv_unused", "pg_catalog.text")]


def judge(notices):
    """(escalations, own) from a call's WARNINGs: traps that ran as another role than the session's
    (with the SQL that used the planted object, from the CONTEXT) and successful escalation steps;
    traps that ran with the session's own rights."""
    bad, own = [], []
    for context, msg in notices:
        m = TRAP.match(msg)
        if m:
            ran_as, session = m.group(1), m.group(2)
            if ran_as != session:
                stmt = re.findall(r'SQL statement "(.*?)"(?:\n|$)', context, re.S)
                where = f" in SQL: {' '.join(stmt[-1].split())}" if stmt else ""
                bad.append(f"trap ran as {ran_as} (session {session}) via {m.group(3)}{where}")
            else:
                own.append(f"via {m.group(3)}")
        elif msg.startswith(ESCALATED):
            bad.append(msg)
    return bad, own


def kind_of(what):
    """A violation without the session's role and the value checked, for grouping."""
    what = re.sub(r"\(session [^)]*\) ", "", what)
    return re.sub(r" value .*?( in SQL:|$)", r"\1", what, flags=re.S)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--max-report", type=int, default=12)
    ap.add_argument("--calls-log", help="write every call (entry, role, search path, key state, SQL, error) here")
    args = ap.parse_args()
    started = time.monotonic()

    admin = psycopg.connect(host=args.host, port=args.port, user="postgres", dbname=args.db, autocommit=True)
    cat = Catalog(admin)
    code_types, code_relations = adversarial_names.extract(args.root)
    catalog_types = cat.used_type_names()
    type_names = set(code_types) | catalog_types
    relation_names = set(code_relations) | {r[2] for r in cat.relations}
    reserved = {r[0] for r in admin.execute("SELECT word FROM pg_catalog.pg_get_keywords() WHERE catcode = 'R'")}
    type_names -= reserved
    relation_names -= reserved | type_names  # a type of that name is planted already
    # Columns of the real relations of those names (colcrypt's first, then pg_catalog's).
    cat_columns = {}
    for relname, nsp, attname, typoid in admin.execute(
        """SELECT c.relname::text, n.nspname::text, a.attname::text, a.atttypid::int8
           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           WHERE n.nspname IN ('colcrypt', 'pg_catalog') AND c.relname = ANY(%s)
           ORDER BY n.nspname = 'colcrypt' DESC, c.relname, a.attnum""",
        (sorted(relation_names),),
    ):
        if relname in cat_columns and cat_columns[relname][0] != nsp:
            continue
        pseudo = cat.types[typoid]["typtype"] == "p"  # anyarray (pg_statistic…) cannot be a column type
        cat_columns.setdefault(relname, [nsp, []])[1].append((attname, "pg_catalog.text" if pseudo else cat.sql_name(typoid)))
    cat_columns = {k: v[1] for k, v in cat_columns.items()}

    print(f"adversarial: names from the code: types {sorted(code_types)}; relations {sorted(code_relations)}")
    print(f"adversarial: names from the catalog: types {sorted(catalog_types)}; relations {sorted(r[2] for r in cat.relations)}")

    st = Setup(admin, cat)
    entries = Entries(cat, st)
    print(f"adversarial: key states: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in st.snapshot_keys.items()))
    variants = [
        # Every key colcrypt needs exists (and has plaintext denials): entry points load keys.
        lambda role: Variant("keys present", False, KEY, "d", st.env["default"], st.typmod_k, None),
        # Only the named key exists: entry points create the default and blind index keys.
        lambda role: Variant("fresh", True, "default", "s", st.env[KEY], st.typmod_s, st.roles["denied plaintext"]),
    ]

    violations = []  # (label, role, search path, variant, what)
    state_changes = []
    calls = errors = own_traps = 0
    planted_counts = None
    plant_failures = set()
    entry_labels = {}
    last = None

    timing = collections.Counter()
    own_kinds = collections.Counter()
    calls_log = open(args.calls_log, "w") if args.calls_log else None
    self_check_failures = []

    def reset(kind):
        t0 = time.monotonic()
        state = admin.execute("SELECT adv_ctl.reset(%s)", (kind,)).fetchone()[0]
        timing["reset"] += time.monotonic() - t0
        if state != st.baseline:
            state_changes.append((last, state))
            st.revert_roles()

    # Self-check: the reset between calls must reach colcrypt's per-backend key cache, or every
    # call after the first would be served from memory and run none of the privileged SQL.
    probe_col = st.cols.get((cat.ext_types[0]["oid"], "k"))
    with psycopg.connect(host=args.host, port=args.port, user=st.roles["key user"], dbname=args.db,
                         autocommit=True) as c:
        reset("full")
        try:
            c.execute(f"SELECT {q(probe_col)}::pg_catalog.text FROM public.adv_t WHERE seed").fetchall()
        except psycopg.Error as e:
            self_check_failures.append(f"a key user cannot read the test table's {probe_col}: {e}")
        reset("empty")
        try:
            c.execute(f"SELECT {q(probe_col)}::pg_catalog.text FROM public.adv_t WHERE seed").fetchall()
            self_check_failures.append("after the reset emptied the key tables, a session that had read a value "
                                       "still read it: the reset does not invalidate colcrypt's key cache, so "
                                       "calls would not reach the privileged code")
        except psycopg.Error:
            pass
        reset("full")

    for kind, role in st.roles.items():
        for sp in SEARCH_PATHS:
            h = Hostile(args, role, sp, cat, type_names, relation_names, cat_columns)
            planted_counts = h.planted
            plant_failures.update(h.failed)
            violations.extend(("(setting up the hostile session)", role, sp, "-", b) for b in h.setup_violations)
            for m in h.armed:
                self_check_failures.append(f"{m} planted as {role} (search_path {sp}) did not run the trap when used")
            for make in variants:
                v = make(role)
                for group, label, sql, binary in entries.build(v, role):
                    entry_labels[label] = group
                    reset("fresh" if v.fresh else "full")
                    last = (label, role, sp, v.name)
                    h.notices.clear()
                    calls += 1
                    t0 = time.monotonic()
                    try:
                        err = h.exec(sql, binary)
                        timing[group] += time.monotonic() - t0
                    except ConnectionError as e:
                        violations.append((*last, f"the backend died: {e}"))
                        h.connect()
                        continue
                    if err:
                        errors += 1
                    if calls_log:
                        calls_log.write(f"{label}\t{role}\t{sp}\t{v.name}\t{sql[:300]!r}\t"
                                        f"{(err or 'ok').splitlines()[0]}\n")
                    bad, own = judge(h.notices)
                    violations.extend((*last, b) for b in bad)
                    for o in own:
                        own_traps += 1  # the caller's own rights: harmless, reported
                        own_kinds[(label, kind_of(o))] += 1
            h.conn.close()
    reset("full")

    final = admin.execute("SELECT adv_ctl.role_state()").fetchone()[0]
    elapsed = time.monotonic() - started

    groups = collections.Counter(entry_labels.values())
    n_entries = len(entry_labels)
    n_variants = len(variants)
    print(f"adversarial: traps planted per session: {planted_counts.get('domain', 0)} domains "
          f"({', '.join(sorted(type_names))}), {planted_counts.get('relation', 0)} relations "
          f"({', '.join(sorted(relation_names))}), {planted_counts.get('function', 0)} trap functions")
    for f in sorted(plant_failures):
        print(f"adversarial: could not plant {f}")

    failed = False
    n = args.max_report
    if violations:
        failed = True
        hit = collections.OrderedDict()
        kinds = collections.defaultdict(lambda: [0, set(), set()])
        for label, role, sp, vname, what in violations:
            hit.setdefault((label, role, sp, vname), what)
            k = kinds[kind_of(what)]
            k[0] += 1
            k[1].add(label)
            k[2].add(role)
        print(f"FAIL: privilege escalation: {len(hit)} of {calls} calls ran an object planted by the session's "
              f"role with another role's rights. What ran (times, from how many entry points, by which roles):")
        for kind, (times, labels, roles) in sorted(kinds.items(), key=lambda kv: -kv[1][0]):
            print(f"    {kind}: {times} times, from {len(labels)} entry points, by {', '.join(sorted(roles))}")
        hit_groups = collections.Counter(entry_labels.get(label, "setup") for label in {h[0] for h in hit})
        print("  Entry points affected: " + ", ".join(
            f"{hit_groups.get(g, 0)} of {total} {g}" for g, total in sorted(collections.Counter(entry_labels.values()).items())))
        print("  First examples:")
        seen = set()
        for (label, role, sp, vname), what in hit.items():
            if label in seen:
                continue
            seen.add(label)
            print(f"    {label} as {role} (search_path {sp}; key state {vname}): {what}")
            if len(seen) == n:
                break
    if state_changes:
        failed = True
        base = set(st.baseline.split(" "))
        print(f"FAIL: {len(state_changes)} calls changed a test role (reverted after each); first ones:")
        for entry, state in state_changes[:max(1, n // 2)]:
            entry = entry or ("(the self-check before any call)", "-", "-", "-")
            diff = " ".join(sorted(set(state.split(" ")) - base))
            print(f"    after {entry[0]} as {entry[1]} (search_path {entry[2]}; key state {entry[3]}): {diff}")
    if own_kinds:
        print("adversarial: traps that ran with the session's own rights (no escalation; the caller's own SQL or "
              "SQL run as the caller): " + "; ".join(f"{label} {via} x{c}" for (label, via), c in own_kinds.most_common(n)))
    if self_check_failures:
        failed = True
        print(f"FAIL: the tier's self-checks failed ({len(self_check_failures)}); first ones:")
        for f in self_check_failures[:n]:
            print(f"    {f}")
    if final != st.baseline:
        failed = True
        print(f"FAIL: the test roles changed: {final} (baseline: {st.baseline})")
    print(f"adversarial: {n_entries} entry points ({', '.join(f'{n} {g}' for g, n in sorted(groups.items()))}) "
          f"x {len(st.roles)} roles x {len(SEARCH_PATHS)} search paths x {n_variants} key states = {calls} calls "
          f"({errors} raised errors, as expected for many); traps planted per session: "
          f"{planted_counts.get('domain', 0)} types + {planted_counts.get('relation', 0)} relations; "
          f"traps run as the session's own role: {own_traps}; escalations: {len(violations)}; {elapsed:.1f}s "
          f"({', '.join(f'{k} {v:.1f}s' for k, v in sorted(timing.items()))})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
