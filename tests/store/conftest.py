"""Store fixtures: every store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text

from vitaal.errors import ModelError
from vitaal.io import read_model
from vitaal.model.model import Model
from vitaal.store import ModelStore, open_store
from vitaal.store.schema import metadata

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
ROTTERDAM = Path(__file__).resolve().parents[2] / "examples" / "rotterdam"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def store(store_url: str) -> Iterator[ModelStore]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture(scope="session")
def tiny() -> Model:
    return read_model(TINY)


Snapshot = Callable[[str], dict[str, list[tuple[Any, ...]]]]


@pytest.fixture
def snapshot() -> Snapshot:
    """A function giving every row of every table of a store, to compare before and after."""
    return take_snapshot


def take_snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store (and Alembic's), in a fixed order."""
    engine: Engine = create_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for table in metadata.sorted_tables:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                out[table.name] = [tuple(repr(v) for v in row) for row in rows]
            out["alembic_version"] = [
                tuple(row) for row in conn.execute(text("SELECT version_num FROM alembic_version"))
            ]
            return out
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def rotterdam() -> Model:
    """The Rotterdam example, when its folder exists and validates (skipped otherwise)."""
    if not ROTTERDAM.is_dir():
        pytest.skip(f"the Rotterdam example is not there ({ROTTERDAM})")
    try:
        return read_model(ROTTERDAM)
    except ModelError as exc:
        pytest.skip(f"the Rotterdam example does not validate: {exc} (first: {exc.problems[:1]})")
