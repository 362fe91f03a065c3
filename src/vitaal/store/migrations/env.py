"""Alembic environment: runs the store's migrations on the connection it is given.

The store runs migrations itself (see :mod:`vitaal.store.migrate`) and hands Alembic an open
connection in ``config.attributes["connection"]``; no ``alembic.ini`` is needed. For the
``alembic`` command line, ``sqlalchemy.url`` in the config names the database instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from vitaal.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url, or pass a connection in config.attributes")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations()
