"""Alembic environment: runs migrations on the engine the store hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from ortaq.store.fulltext import include_name
from ortaq.store.schema import metadata

config = context.config
engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url", "")
)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_on_sqlite(connection: Connection) -> None:
    """Batch mode rebuilds a table by copying it and dropping the original; with foreign
    keys on, that drop would cascade into every table that references it (item_topics
    rows vanished when 0004 rebuilt `items`). SQLite ignores the pragma inside a
    transaction, so it is switched off before the migration's transaction begins, and
    the references are checked before it is switched back on."""
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        with connection.begin():
            run(connection)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left {len(broken)} broken references: {broken[:5]}")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


if engine.dialect.name == "sqlite":
    with engine.connect() as connection:
        run_on_sqlite(connection)
else:
    with engine.begin() as connection:
        run(connection)
