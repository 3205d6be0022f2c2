"""asyncpg through colcrypt_drivers.asyncpg over TLS (verify-full, from the PG* environment):
binary protocol throughout, copy_records_to_table for COPY."""
import asyncio
import datetime
import sys

import asyncpg

import colcrypt_drivers.asyncpg
from common import INF, NINF, check_rows, ddl, rows, uses_index



async def main():
    conn = await asyncpg.connect()
    assert await conn.fetchval("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") is True
    oids = await colcrypt_drivers.asyncpg.register(conn, json=True)
    assert len(oids) == 10, oids
    T = "apg"
    await conn.execute(ddl(T))
    # asyncpg maps ±infinity of timestamptz to naive datetime.max / datetime.min, as for timestamptz.
    want = [r[:11] + ({INF: datetime.datetime.max, NINF: datetime.datetime.min}.get(r[11], r[11]),) for r in rows()]
    await conn.executemany(f"INSERT INTO {T} VALUES ({', '.join(f'${i}' for i in range(1, 13))})", want)
    check_rows("asyncpg select", await conn.fetch(f"SELECT * FROM {T} ORDER BY id"), want)
    assert await conn.fetchval(f"SELECT ts FROM {T} WHERE id = 2") == datetime.datetime.min
    # Integers are ints, not strings, in parameters too.
    assert await conn.fetchval(f"SELECT i4 FROM {T} WHERE i8::int8 = $1::int8", 2**63 - 1) == 2**31 - 1

    eq = "ssn = $1"
    assert [tuple(r) for r in await conn.fetch(f"SELECT id, t FROM {T} WHERE {eq}", "ssn-2")] == [(2, "")]
    await conn.execute("SET enable_seqscan = off")
    plan = [r[0] for r in await conn.fetch(f"EXPLAIN SELECT id FROM {T} WHERE {eq}", "ssn-2")]
    uses_index(plan, f"{T}_ssn_key")
    # EXPLAIN types its parameters as the statement does, so it shows the plan that runs.
    types = [[t.name for t in (await conn.prepare(f"{x}SELECT id FROM {T} WHERE {eq}")).get_parameters()] for x in ("", "EXPLAIN ")]
    assert types == [["text"], ["text"]], types
    assert "'ssn-2'::text" in "\n".join(plan), plan
    await conn.execute("RESET enable_seqscan")

    await conn.execute(f"UPDATE {T} SET t = $1, i8 = $2, j = $3 WHERE id = $4", "updated ✓", -7, {"u": 1}, 2)
    assert tuple(await conn.fetchrow(f"SELECT t, i8, j FROM {T} WHERE id = 2")) == ("updated ✓", -7, {"u": 1})
    for new_id, text in ((4, "inserted"), (5, "upserted")):
        await conn.execute(f"INSERT INTO {T} (id, ssn, t) VALUES ($1, $2, $3) ON CONFLICT (ssn) DO UPDATE SET t = EXCLUDED.t",
                           new_id, "ssn-upsert", text)
    assert [tuple(r) for r in await conn.fetch(f"SELECT id, t FROM {T} WHERE id >= 4")] == [(4, "upserted")]

    # Without register(), a parameter written into or compared with an encrypted column is
    # described as its plaintext type (colcrypt retypes untyped parameters), so asyncpg's own
    # codecs take native values; results still need register() (asyncpg reads the unknown
    # types as text).
    raw = await asyncpg.connect()
    await raw.execute(f"INSERT INTO {T} (id, ssn, i4) VALUES ($1, $2, $3)", 99, "ssn-99", 5)
    assert await raw.fetchval(f"SELECT id FROM {T} WHERE i4 = $1", 5) == 99
    assert await raw.fetchval(f"SELECT i4::text FROM {T} WHERE id = 1") == str(-2**31)
    await raw.execute(f"DELETE FROM {T} WHERE id = 99")
    await raw.close()

    C = "apg_copy"
    await conn.execute(ddl(C))
    await conn.copy_records_to_table(C, records=want)
    check_rows("asyncpg copy", await conn.fetch(f"SELECT * FROM {C} ORDER BY id"), want)
    await conn.close()
    print("asyncpg: all ten types, lookup, update, upsert, copy_records_to_table")


asyncio.run(main())
