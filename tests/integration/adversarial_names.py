"""The names colcrypt's SQL uses, for the adversarial tier (t_adversarial.sh): every identifier in a
type position and every identifier in a relation position, taken from the code itself so that a
name added later is covered without anyone listing it.

Sources:
- string literals in src/**/*.rs that look like SQL (the SQL colcrypt runs through SPI, some of it
  as the key tables' owner);
- sql/*.sql (the extension script: plpgsql bodies such as colcrypt.reencrypt, SQL functions, DDL).

Type positions: after `::`, the target of CAST(... AS x) (CREATE CAST's source as well), after
RETURNS [SETOF], the variable types of a plpgsql DECLARE section, and type names given as string
literals ('x'::regtype, to_regtype('x')). Relation positions: after FROM, JOIN, INTO, UPDATE, TABLE
and ONLY, plus relation names given as string literals (nextval('x'), 'x'::regclass,
pg_extension_config_dump('x', ...)). Schema qualifiers are stripped: the hostile session plants
pg_temp objects under the bare name, which is what an unqualified or mis-qualified reference
would find. The caller adds the catalog's names (argument and result types of the extension's
functions, its casts, operators and relations).

Usage as a script: adversarial_names.py ROOT  (prints the names found, one "kind name where" a line)
"""
import pathlib
import re
import sys

# Rust string literals: raw strings r#"..."# and ordinary "..." with escapes. Char literals such
# as '"' would confuse this; colcrypt has none in SQL-bearing files, and the worst a mismatch does
# is add a junk name (one more trap) or miss a string, which the catalog names partly make up for.
RUST_STRING = re.compile(r'\br(#*)"(.*?)"\1|b?"((?:[^"\\]|\\.)*)"', re.S)
LOOKS_LIKE_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WITH|CALL|FROM|RETURNING)\b")

IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z_0-9$]*)'
QUALIFIED = rf"{IDENT}(?:\s*\.\s*{IDENT})*"
CAST_OP = re.compile(rf"::\s*({QUALIFIED})(?![\w$])")
RETURNS = re.compile(rf"\bRETURNS\s+(?:SETOF\s+)?({QUALIFIED})(?![\w$])", re.I)
REGTYPE_LITERAL = re.compile(rf"'({QUALIFIED})'\s*::\s*(?:pg_catalog\s*\.\s*)?regtype\b|\bto_regtype\s*\(\s*'({QUALIFIED})'", re.I)
# The name must end where the identifier ends (no backtracking into a shorter one) and must not
# be a function call (FROM f() is not a relation name).
RELATION = re.compile(rf"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ONLY)\s+({QUALIFIED})(?![\w$])(?!\s*[.(])", re.I)
REGCLASS_LITERAL = re.compile(
    rf"'({QUALIFIED})'\s*::\s*(?:pg_catalog\s*\.\s*)?regclass\b"
    rf"|\b(?:nextval|currval|setval|to_regclass|pg_extension_config_dump)\s*\(\s*'({QUALIFIED})'",
    re.I,
)
DECLARE_BLOCK = re.compile(r"\bDECLARE\b(.*?)\bBEGIN\b", re.S | re.I)
DECLARE_VAR = re.compile(rf"^\s*{IDENT}\s+(?:CONSTANT\s+)?({QUALIFIED})", re.M | re.I)


def last_part(qualified):
    """`pg_catalog.oid` -> `oid`; `"Odd"` -> `Odd`."""
    parts = re.findall(IDENT, qualified)
    name = parts[-1]
    if name.startswith('"'):
        name = name[1:-1].replace('""', '"')
    elif name.upper() == name or name.lower() == name:
        name = name.lower()  # unquoted identifiers fold to lower case
    return name


def strip_sql_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"--[^\n]*", " ", text)


def cast_targets(sql):
    """Targets of CAST(expr AS type) and sources and targets of CREATE CAST (a AS b), by paren
    matching: the AS at the top level of the parentheses."""
    out = []
    for m in re.finditer(r"\bCAST\s*\(", sql, re.I):
        depth, i, start = 1, m.end(), m.end()
        while i < len(sql) and depth:
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            i += 1
        inner = sql[start:i - 1]
        # the last top-level AS
        depth, cut = 0, None
        for j, ch in enumerate(inner):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and re.match(r"\bAS\b", inner[j:], re.I) and (j == 0 or not inner[j - 1].isalnum()):
                cut = j
        if cut is None:
            continue
        target = re.match(rf"AS\s+({QUALIFIED})", inner[cut:], re.I)
        if target:
            out.append(target.group(1))
        source = re.fullmatch(rf"\s*({QUALIFIED})(?:\s+\w+)*\s*", inner[:cut])
        if source and re.match(r"\s*CREATE\s+$", sql[max(0, m.start() - 20):m.start()], re.I):
            out.append(source.group(1))
    return out


SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")


def keep_sql_literals(sql):
    """Blanks the single-quoted literals of an SQL file that are prose (COMMENT ... IS '...'),
    keeping those that hold SQL (EXECUTE format('SELECT ... FROM %s ...'))."""
    return SQL_LITERAL.sub(lambda m: m.group(0) if LOOKS_LIKE_SQL.search(m.group(0)) else "''", sql)


def scan_sql(sql, where, types, relations, literals_are_prose=False):
    sql = sql.replace("@extschema@", "colcrypt")
    for m in REGTYPE_LITERAL.finditer(sql):
        types.setdefault(last_part(m.group(1) or m.group(2)), where)
    for m in REGCLASS_LITERAL.finditer(sql):
        relations.setdefault(last_part(m.group(1) or m.group(2)), where)
    if literals_are_prose:
        sql = keep_sql_literals(sql)
    for m in CAST_OP.finditer(sql):
        types.setdefault(last_part(m.group(1)), where)
    for t in cast_targets(sql):
        types.setdefault(last_part(t), where)
    for m in RETURNS.finditer(sql):
        types.setdefault(last_part(m.group(1)), where)
    for block in DECLARE_BLOCK.finditer(sql):
        for m in DECLARE_VAR.finditer(block.group(1)):
            types.setdefault(last_part(m.group(1)), where)
    for m in RELATION.finditer(sql):
        relations.setdefault(last_part(m.group(1)), where)


def extract(root):
    """({type name: where first seen}, {relation name: where first seen}) from ROOT's src and sql."""
    root = pathlib.Path(root)
    types, relations = {}, {}
    for path in sorted(root.glob("src/**/*.rs")):
        text = path.read_text(errors="replace")
        for m in RUST_STRING.finditer(text):
            s = m.group(2) if m.group(2) is not None else m.group(3)
            s = re.sub(r"\\\n\s*", "", s)  # string continuation lines
            if not LOOKS_LIKE_SQL.search(s):
                continue
            where = f"{path.relative_to(root)}:{text.count(chr(10), 0, m.start()) + 1}"
            scan_sql(s, where, types, relations)
    for path in sorted(root.glob("sql/*.sql")):
        text = strip_sql_comments(path.read_text(errors="replace"))
        scan_sql(text, str(path.relative_to(root)), types, relations, literals_are_prose=True)
    return types, relations


if __name__ == "__main__":
    t, r = extract(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name, where in sorted(t.items()):
        print("type", name, where)
    for name, where in sorted(r.items()):
        print("relation", name, where)
