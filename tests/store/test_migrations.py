"""The migrations create exactly the schema of the SQLAlchemy metadata, on both backends."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from vitaal.model.model import Model
from vitaal.store import open_store
from vitaal.store.migrate import alembic_config, head_revision
from vitaal.store.schema import metadata


def test_migrated_schema_matches_the_metadata(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            assert context.get_current_revision() == head_revision()
            names = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert names == {
        "alembic_version",
        "versions",
        "records",
        "audit",
        "web_users",
        "web_sessions",
        "web_register",
    }


def test_opening_again_changes_nothing(
    store_url: str, tiny: Model, snapshot: Callable[[str], object]
) -> None:
    with open_store(store_url) as store:
        store.import_model(tiny, author="ann")
    before = snapshot(store_url)
    with open_store(store_url) as store:
        assert store.latest_version() == 1
    assert snapshot(store_url) == before


def test_downgrade_removes_everything_and_upgrade_restores_it(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
    with open_store(store_url) as store:
        assert store.latest_version() is None
        assert store.versions() == []
