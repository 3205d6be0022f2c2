"""psycopg 3: colcrypt's encrypted types load and dump as their plaintext types.

    import colcrypt_drivers.psycopg
    conn = psycopg.connect(...)
    colcrypt_drivers.psycopg.register(conn)

After that, text and binary results of ``encrypted_int8`` columns are ``int``, ``encrypted_numeric``
``Decimal``, ``encrypted_jsonb`` Python JSON, ``encrypted_bytea`` ``bytes``, ``encrypted_timestamptz``
``datetime`` and so on, through psycopg's own loaders for the plaintext type (including any the
application customised before registering, such as ``set_json_loads``). Binary COPY works with
``copy.set_types([... "colcrypt.encrypted_text" ...])``.

Parameters need nothing: psycopg sends ``int``, ``Decimal``, ``datetime``, ``Jsonb(...)`` … as the
plaintext types, which convert into encrypted columns by assignment and compare with them through
colcrypt's cross-type operators.
"""
from __future__ import annotations

import psycopg
from psycopg.adapt import AdaptersMap
from psycopg.pq import Format, TransactionStatus

from . import OID_QUERY, TYPES, check_found


def lookup_oids(conn: psycopg.Connection) -> dict[str, tuple[int, int]]:
    """The oids of colcrypt's types in conn's database: {type name: (oid, array oid)}. Leaves the
    connection's transaction state as it found it."""
    idle = conn.info.transaction_status == TransactionStatus.IDLE
    cur = conn.cursor(binary=False)
    try:
        cur.execute(OID_QUERY.format(param="%s"), (list(TYPES),))
        rows = cur.fetchall()
    finally:
        cur.close()
        if idle and not conn.autocommit and conn.info.transaction_status == TransactionStatus.INTRANS:
            conn.rollback()
    return check_found({name: (int(oid), int(arr)) for name, oid, arr in rows})


def register(conn: psycopg.Connection, context: AdaptersMap | psycopg.Cursor | None = None) -> dict[str, int]:
    """Registers loaders and dumpers for every colcrypt type found in conn's database, on
    ``context`` (a connection or cursor; conn when omitted). Returns {type name: oid}."""
    return register_oids(lookup_oids(conn), context if context is not None else conn)


def register_oids(oids: dict[str, tuple[int, int]], context) -> dict[str, int]:
    """As register(), with oids already looked up (an async connection looks them up itself:
    see register_async)."""
    adapters: AdaptersMap = context.adapters
    for name, (oid, array_oid) in oids.items():
        plain = psycopg.adapters.types[TYPES[name]]
        for fmt in (Format.TEXT, Format.BINARY):
            loader = adapters.get_loader(plain.oid, fmt)
            if loader is not None:
                adapters.register_loader(oid, loader)
            # By oid only (cls=None): what COPY's set_types and typed dumps look up. Python values
            # keep dumping as the plaintext types.
            try:
                dumper = adapters.get_dumper_by_oid(plain.oid, fmt)
            except psycopg.ProgrammingError:
                continue
            adapters.register_dumper(None, type(f"{name}_{fmt.name.lower()}_dumper", (dumper,), {"oid": oid}))
        # Register the type itself too, so "colcrypt.encrypted_text" names resolve in set_types
        # and arrays of encrypted values (encrypted_text[]) load as lists.
        info = psycopg.types.TypeInfo(name, oid, array_oid)
        info.register(context)
        adapters.types.add(psycopg.types.TypeInfo(f"colcrypt.{name}", oid, array_oid))
    return {name: oid for name, (oid, _) in oids.items()}


async def register_async(conn: psycopg.AsyncConnection, context=None) -> dict[str, int]:
    """register() for psycopg.AsyncConnection."""
    idle = conn.info.transaction_status == TransactionStatus.IDLE
    cur = conn.cursor()
    try:
        await cur.execute(OID_QUERY.format(param="%s"), (list(TYPES),))
        rows = await cur.fetchall()
    finally:
        await cur.close()
        if idle and not conn.autocommit and conn.info.transaction_status == TransactionStatus.INTRANS:
            await conn.rollback()
    oids = check_found({name: (int(oid), int(arr)) for name, oid, arr in rows})
    return register_oids(oids, context if context is not None else conn)
