"""SQLAlchemy 2 with colcrypt_drivers.sqlalchemy over TLS (verify-full): Core, ORM, reflection and
Alembic's autogenerate comparison, on the psycopg or asyncpg dialect (argv[1])."""
import asyncio
import os
import ssl
import sys

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, inspect, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.schema import CreateTable

from colcrypt_drivers import sqlalchemy as cc
from common import COLS, TYPES, check_rows, rows, uses_index

driver = sys.argv[1]
env = os.environ
url = f"postgresql+{driver}://{env['PGUSER']}@{env['PGHOST']}:{env['PGPORT']}/{env['PGDATABASE']}"
if driver == "psycopg":
    engine = create_engine(url, connect_args={"sslmode": "verify-full", "sslrootcert": env["PGSSLROOTCERT"]})
else:
    ctx = ssl.create_default_context(cafile=env["PGSSLROOTCERT"])  # verifies the chain and the host name
    async_engine = create_async_engine(url, connect_args={"ssl": ctx})
    engine = async_engine.sync_engine
cc.register(engine)

CLASSES = {"encrypted_text": cc.EncryptedText, "encrypted_bytea": cc.EncryptedBytea, "encrypted_jsonb": cc.EncryptedJSONB,
           "encrypted_int4": cc.EncryptedInt4, "encrypted_int8": cc.EncryptedInt8, "encrypted_numeric": cc.EncryptedNumeric,
           "encrypted_float8": cc.EncryptedFloat8, "encrypted_bool": cc.EncryptedBool, "encrypted_date": cc.EncryptedDate,
           "encrypted_timestamptz": cc.EncryptedTimestampTZ}
md = MetaData()
core = Table(f"sa_{driver}", md, Column("id", Integer, primary_key=True),
             *[Column(c, CLASSES[ty]("drv", searchable=(c == "ssn")), unique=(c == "ssn")) for c, ty in TYPES.items()])


class Base(DeclarativeBase):
    pass


class Patient(Base):
    __tablename__ = f"sa_orm_{driver}"
    id: Mapped[int] = mapped_column(primary_key=True)
    ssn: Mapped[str] = mapped_column(cc.EncryptedText("drv", searchable=True), unique=True)
    born = mapped_column(cc.EncryptedDate("drv"))
    balance = mapped_column(cc.EncryptedNumeric("drv"))
    notes = mapped_column(cc.EncryptedJSONB("drv"))


# Finite timestamps here: the other programs check infinity through each driver's own mapping.
want = rows(infinite=False)


def run(conn):
    ddl = str(CreateTable(core).compile(dialect=conn.dialect))
    assert "ssn colcrypt.encrypted_text(drv, searchable)" in ddl and "i8 colcrypt.encrypted_int8(drv)" in ddl, ddl
    md.create_all(conn)
    Base.metadata.create_all(conn)
    conn.execute(core.insert(), [dict(zip(COLS, r)) for r in want])
    check_rows("Core select", conn.execute(select(core).order_by(core.c.id)).all(), want)
    assert conn.execute(select(core.c.id, core.c.t).where(core.c.ssn == "ssn-2")).all() == [(2, "")]
    conn.execute(text("SET enable_seqscan = off"))
    plan = conn.execute(text(f"EXPLAIN SELECT id FROM sa_{driver} WHERE ssn = :v"), {"v": "ssn-2"}).scalars().all()
    uses_index(plan, f"sa_{driver}_ssn_key")
    conn.execute(text("RESET enable_seqscan"))
    conn.execute(update(core).where(core.c.ssn == "ssn-2").values(t="updated ✓", i8=-7, j={"u": 1}))
    assert conn.execute(select(core.c.t, core.c.i8, core.c.j).where(core.c.id == 2)).one() == ("updated ✓", -7, {"u": 1})
    for new_id, value in ((4, "inserted"), (5, "upserted")):
        stmt = pg_insert(core).values(id=new_id, ssn="ssn-upsert", t=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=[core.c.ssn], set_={"t": stmt.excluded.t}))
    assert conn.execute(select(core.c.id, core.c.t).where(core.c.id >= 4)).all() == [(4, "upserted")]

    # ORM.
    import datetime
    import decimal
    with Session(conn) as s:
        s.add_all([Patient(id=1, ssn="orm-1", born=datetime.date(1980, 4, 1), balance=decimal.Decimal("-0.50"), notes={"k": ["ü"]}),
                   Patient(id=2, ssn="orm-2", born=None, balance=None, notes=None)])
        s.flush()
        p = s.scalars(select(Patient).where(Patient.ssn == "orm-1")).one()
        s.expire(p)
        assert (p.id, p.born, p.balance, p.notes) == (1, datetime.date(1980, 4, 1), decimal.Decimal("-0.50"), {"k": ["ü"]})
        p.balance = decimal.Decimal("1e-20")
        s.flush()
        assert s.scalar(select(Patient.balance).where(Patient.id == 1)) == decimal.Decimal("1e-20")

    # Reflection: the columns come back as colcrypt types with their key and searchable flag.
    reflected = MetaData()
    reflected.reflect(conn, only=[f"sa_{driver}"])
    cols = reflected.tables[f"sa_{driver}"].c
    for c, ty in TYPES.items():
        assert type(cols[c].type) is CLASSES[ty], (c, cols[c].type)
        assert (cols[c].type.key, cols[c].type.searchable) == ("drv", c == "ssn"), (c, cols[c].type.key)
        # The reflected type renders the same DDL as the declared one.
        assert cols[c].type.compile(dialect=conn.dialect) == core.c[c].type.compile(dialect=conn.dialect)
    assert [i["column_names"] for i in inspect(conn).get_unique_constraints(f"sa_{driver}")] == [["ssn"]]

    # Alembic autogenerate: the model and the database agree; an added column renders as the type.
    from alembic.autogenerate import compare_metadata, render_python_code
    from alembic.migration import MigrationContext
    from alembic.operations import ops
    mc = MigrationContext.configure(conn, opts={
        "compare_type": True, "include_name": lambda name, kind, parents: kind != "table" or name in md.tables})
    diff = compare_metadata(mc, md)
    assert diff == [], diff
    added = ops.UpgradeOps(ops=[ops.AddColumnOp(f"sa_{driver}", Column("extra", cc.EncryptedInt4("pii", searchable=True)))])
    code = render_python_code(added)
    assert "colcrypt_drivers.sqlalchemy.EncryptedInt4('pii', searchable=True)" in code, code


if driver == "psycopg":
    with engine.begin() as conn:
        run(conn)
else:
    async def main():
        async with async_engine.begin() as conn:
            await conn.run_sync(run)
        await async_engine.dispose()
    asyncio.run(main())
print(f"SQLAlchemy {driver}: Core, ORM, reflection, Alembic compare")
