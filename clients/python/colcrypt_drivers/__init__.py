"""Driver adapters for colcrypt's transparent column types.

Each encrypted type travels as its plaintext type does: text I/O is the plaintext's text form and
binary I/O the plaintext's binary form (the envelope only under ``colcrypt.ciphertext_io = on``).
So an adapter is an alias: it points the driver's own codec for the plaintext type at the
encrypted type's oid, which differs per database and is looked up at registration.

- psycopg 3: ``colcrypt_drivers.psycopg.register(conn)``
- asyncpg: ``await colcrypt_drivers.asyncpg.register(conn)``
- SQLAlchemy 2: ``colcrypt_drivers.sqlalchemy.register(engine)`` and the column types there
"""

# colcrypt type name -> plaintext type name (as PostgreSQL's catalog spells it).
TYPES = {
    "encrypted_text": "text",
    "encrypted_bytea": "bytea",
    "encrypted_jsonb": "jsonb",
    "encrypted_int4": "int4",
    "encrypted_int8": "int8",
    "encrypted_numeric": "numeric",
    "encrypted_float8": "float8",
    "encrypted_bool": "bool",
    "encrypted_date": "date",
    "encrypted_timestamptz": "timestamptz",
}

# The extension's types, found through its schema rather than a fixed name: returns rows of
# (type name, oid, array type oid).
OID_QUERY = """
SELECT t.typname::text, t.oid::int8, t.typarray::int8
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_extension e ON e.extname = 'colcrypt' AND t.typnamespace = e.extnamespace
WHERE t.typname::text = ANY ({param})
"""


class ColcryptNotInstalled(LookupError):
    """The database has no colcrypt extension (CREATE EXTENSION colcrypt), so no types to map."""


def check_found(found):
    """Raises ColcryptNotInstalled when the lookup found none of the types."""
    if not found:
        raise ColcryptNotInstalled(
            "colcrypt's types are not in this database: run CREATE EXTENSION colcrypt there first")
    return found
