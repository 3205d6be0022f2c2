"""asyncpg: colcrypt's encrypted types use asyncpg's builtin codecs of their plaintext types.

    import colcrypt_drivers.asyncpg
    conn = await asyncpg.connect(...)
    await colcrypt_drivers.asyncpg.register(conn)

or for a pool: ``asyncpg.create_pool(..., init=colcrypt_drivers.asyncpg.register)``.

Values are then what asyncpg gives for the plaintext type: ``int``, ``Decimal``, ``float``, ``bool``,
``bytes``, ``date``, ``datetime`` (and ``infinity``/``-infinity`` as asyncpg maps them), and for
``encrypted_jsonb`` a JSON ``str`` as asyncpg's jsonb codec does; ``register(conn, json=True)``
decodes it to Python objects (and encodes them) instead, for ``jsonb`` as well: the server types
a parameter written into or compared with an ``encrypted_jsonb`` column as ``jsonb``, so a
``dict`` passed there goes through asyncpg's ``jsonb`` codec. Parameters typed by the server as
encrypted (``INSERT``, ``UPDATE … SET``, ``WHERE col = $1``) take native values, and
``copy_records_to_table`` works, because binary I/O of every encrypted type is its plaintext
type's binary form.
"""
from __future__ import annotations

import json as _json

from . import OID_QUERY, TYPES, check_found

# asyncpg's names for its builtin codecs of the plaintext types.
CODECS = {
    "text": "text", "bytea": "bytea", "jsonb": "jsonb", "int4": "int4", "int8": "int8",
    "numeric": "numeric", "float8": "float8", "bool": "bool", "date": "date",
    "timestamptz": "timestamptz",
}


def _jsonb_encode(value) -> bytes:
    # jsonb's binary form: a version byte (1), then the JSON text.
    return b"\x01" + _json.dumps(value).encode()


def _jsonb_decode(data: bytes):
    if data[:1] != b"\x01":
        raise ValueError("unexpected jsonb binary format version")
    return _json.loads(data[1:].decode())


async def register(conn, *, json: bool = False) -> dict[str, int]:
    """Registers a codec for every colcrypt type in conn's database; returns {type name: oid}.
    asyncpg caches statements per connection, so call this before preparing statements that use
    the types."""
    rows = await conn.fetch(OID_QUERY.format(param="$1::text[]"), list(TYPES))
    found = check_found({r[0]: int(r[1]) for r in rows})
    schema = await conn.fetchval("SELECT n.nspname::text FROM pg_catalog.pg_extension e "
                                 "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'colcrypt'")
    for name in found:
        plain = TYPES[name]
        if plain == "jsonb" and json:
            await conn.set_type_codec(name, schema=schema, encoder=_jsonb_encode, decoder=_jsonb_decode, format="binary")
        else:
            await conn.set_builtin_type_codec(name, schema=schema, codec_name=CODECS[plain])
    if json:
        await conn.set_type_codec("jsonb", schema="pg_catalog", encoder=_jsonb_encode, decoder=_jsonb_decode, format="binary")
    return found
