"""SQLAlchemy 2: column types for colcrypt, reflection, and driver registration.

    from colcrypt_drivers.sqlalchemy import EncryptedText, EncryptedInt8, register
    engine = create_engine("postgresql+psycopg://…")      # or postgresql+asyncpg
    register(engine)                                        # each new DBAPI connection gets the adapters

    class Patient(Base):
        __tablename__ = "patients"
        id: Mapped[int] = mapped_column(primary_key=True)
        ssn: Mapped[str] = mapped_column(EncryptedText("pii", searchable=True), unique=True)

DDL is ``colcrypt.encrypted_text(pii, searchable)``; ``MetaData.reflect`` maps reflected colcrypt
columns back to these types (importing this module is enough), and Alembic autogenerate renders
them as ``colcrypt_drivers.sqlalchemy.EncryptedText('pii', searchable=True)``.
"""
from __future__ import annotations

import datetime
import decimal
import re

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import base as _pg_base
from sqlalchemy.types import UserDefinedType

from . import TYPES

_SIMPLE_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


class Encrypted(UserDefinedType):
    """Base of the colcrypt column types: ``key`` names the column's data key (the server gives
    a column without one the key named ``default``), ``searchable`` adds the blind index that equality, UNIQUE and
    indexes use."""

    cache_ok = True
    type_name: str = ""
    plain_python_type: type = object

    def __init__(self, key: str | None = None, searchable: bool | str = False):
        # Reflection passes the type modifier's words positionally: ("pii", "searchable").
        if isinstance(searchable, str):
            if searchable.strip().lower() != "searchable":
                raise ValueError(f"unknown colcrypt type modifier {searchable!r}")
            searchable = True
        # format_type() quotes a name where SQL needs it: encrypted_text("default").
        if key is not None and len(key) >= 2 and key[0] == key[-1] == '"':
            key = key[1:-1].replace('""', '"')
        if searchable and key is None:
            raise ValueError("a searchable colcrypt column needs a key name")
        self.key = key
        self.searchable = bool(searchable)

    def get_col_spec(self, **kw) -> str:
        if self.key is None:
            return f"colcrypt.{self.type_name}"
        key = self.key
        if not _SIMPLE_NAME.match(key) or key in _pg_base.RESERVED_WORDS:
            key = '"' + key.replace('"', '""') + '"'
        return f"colcrypt.{self.type_name}({key}{', searchable' if self.searchable else ''})"

    @property
    def python_type(self):
        return self.plain_python_type

    def __repr__(self) -> str:
        args = [] if self.key is None else [repr(self.key)]
        if self.searchable:
            args.append("searchable=True")
        return f"{type(self).__name__}({', '.join(args)})"

    def compare_values(self, x, y):
        return x == y


def _make(class_name: str, type_name: str, python_type: type):
    cls = type(class_name, (Encrypted,), {"type_name": type_name, "plain_python_type": python_type,
                                            "__module__": __name__, "cache_ok": True})
    return cls


EncryptedText = _make("EncryptedText", "encrypted_text", str)
EncryptedBytea = _make("EncryptedBytea", "encrypted_bytea", bytes)


class EncryptedJSONB(Encrypted):
    type_name = "encrypted_jsonb"
    plain_python_type = object
    cache_ok = True

    def bind_processor(self, dialect):
        # psycopg dumps JSON only when wrapped (a dict has no default dumper); asyncpg's codec
        # registered by register(..., json=True) takes Python objects as they are.
        if dialect.driver == "psycopg":
            from psycopg.types.json import Jsonb
            return lambda v: None if v is None else Jsonb(v)
        return None


EncryptedInt4 = _make("EncryptedInt4", "encrypted_int4", int)
EncryptedInt8 = _make("EncryptedInt8", "encrypted_int8", int)
EncryptedNumeric = _make("EncryptedNumeric", "encrypted_numeric", decimal.Decimal)
EncryptedFloat8 = _make("EncryptedFloat8", "encrypted_float8", float)
EncryptedBool = _make("EncryptedBool", "encrypted_bool", bool)
EncryptedDate = _make("EncryptedDate", "encrypted_date", datetime.date)
EncryptedTimestampTZ = _make("EncryptedTimestampTZ", "encrypted_timestamptz", datetime.datetime)

BY_NAME = {cls.type_name: cls for cls in (EncryptedText, EncryptedBytea, EncryptedJSONB, EncryptedInt4,
                                          EncryptedInt8, EncryptedNumeric, EncryptedFloat8, EncryptedBool,
                                          EncryptedDate, EncryptedTimestampTZ)}
assert set(BY_NAME) == set(TYPES)

# Reflection: format_type() spells the type schema-qualified unless colcrypt is on the search_path.
for _name, _cls in BY_NAME.items():
    _pg_base.ischema_names[_name] = _cls
    _pg_base.ischema_names[f"colcrypt.{_name}"] = _cls


def _on_connect(dbapi_connection, connection_record):
    # psycopg (sync): the DBAPI connection is a psycopg.Connection. asyncpg and psycopg async:
    # SQLAlchemy's adapter runs a coroutine on the driver connection with run_async.
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    module = type(driver).__module__
    if module.startswith("asyncpg"):
        from . import asyncpg as _a
        dbapi_connection.run_async(lambda conn: _a.register(conn, json=True))
    elif module.startswith("psycopg") and hasattr(dbapi_connection, "run_async"):
        from . import psycopg as _p
        dbapi_connection.run_async(_p.register_async)
    elif module.startswith("psycopg"):
        from . import psycopg as _p
        _p.register(driver)
    else:
        raise TypeError(f"colcrypt_drivers.sqlalchemy supports psycopg 3 and asyncpg, not {module}")


def register(engine) -> None:
    """Registers colcrypt's adapters on each new DBAPI connection of engine (a sync or async
    Engine using psycopg 3 or asyncpg)."""
    target = getattr(engine, "sync_engine", engine)
    event.listen(target, "connect", _on_connect)
