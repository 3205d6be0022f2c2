"""Shared by the Python driver programs of t_drivers.sh: the table, the values, comparisons."""
import datetime
import decimal

UTC = datetime.timezone.utc
COLS = ["id", "ssn", "t", "b", "j", "i4", "i8", "n", "f", "bo", "d", "ts"]
TYPES = {"ssn": "encrypted_text", "t": "encrypted_text", "b": "encrypted_bytea", "j": "encrypted_jsonb",
         "i4": "encrypted_int4", "i8": "encrypted_int8", "n": "encrypted_numeric", "f": "encrypted_float8",
         "bo": "encrypted_bool", "d": "encrypted_date", "ts": "encrypted_timestamptz"}
# Python's datetime has no infinity: the drivers map ±infinity to datetime.max / datetime.min.
INF = datetime.datetime.max.replace(tzinfo=UTC)
NINF = datetime.datetime.min.replace(tzinfo=UTC)
BIG = "1 MB ü canary " + "ü" * (512 * 1024)


def ddl(table):
    cols = ", ".join(f"{c} colcrypt.{ty}(drv{', searchable' if c == 'ssn' else ''})" for c, ty in TYPES.items())
    return f"CREATE TABLE {table} (id int PRIMARY KEY, {cols}, UNIQUE (ssn))"


def rows(infinite=True):
    """Three rows: extremes and unicode; empty values and the other extremes; 1 MB text and NULLs."""
    return [
        (1, "ssn-canary-1", "Zürich ✓ 日本 canary", b"\x00\xff\x01canary", {"a": [1, "ü"], "b": None},
         -2**31, -2**63, decimal.Decimal("NaN"), -1e300, True, datetime.date(2024, 2, 29), INF if infinite else
         datetime.datetime(9999, 1, 1, tzinfo=UTC)),
        (2, "ssn-2", "", b"", [], 2**31 - 1, 2**63 - 1, decimal.Decimal("12345.678900"), 0.1, False,
         datetime.date(1, 1, 1), NINF if infinite else datetime.datetime(1, 1, 2, 12, tzinfo=UTC)),
        (3, "ssn-3", BIG, None, None, None, None, None, None, None, None,
         datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
    ]


def same(a, b):
    if isinstance(a, decimal.Decimal) and isinstance(b, decimal.Decimal) and a.is_nan():
        return b.is_nan()
    return a == b and type(a) is type(b) or (a is None and b is None)


def check_rows(what, got, want):
    got = [tuple(r) for r in got]
    assert len(got) == len(want), f"{what}: {len(got)} rows, expected {len(want)}"
    for g, w in zip(got, want):
        for col, x, y in zip(COLS, g, w):
            if isinstance(x, memoryview):
                x = bytes(x)
            assert same(x, y), f"{what}: row {w[0]} column {col}: got {short(x)} ({type(x).__name__}), expected {short(y)} ({type(y).__name__})"


def short(v):
    r = repr(v)
    return r if len(r) < 80 else r[:60] + f"… ({len(r)} chars)"


def uses_index(plan_lines, index):
    plan = "\n".join(plan_lines)
    assert index in plan and "Seq Scan" not in plan, f"expected the plan to use {index}:\n{plan}"
