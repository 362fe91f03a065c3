"""Running the store's Alembic migrations from code, without an ``alembic.ini``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

#: The folder of the Alembic environment (``env.py``, ``versions/``) inside the package.
SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the store's migrations, bound to ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of vitaal knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise RuntimeError("the store has no migrations")
    return str(head)


def current_revision(connection: Connection) -> str | None:
    """The schema revision of the database behind ``connection`` (``None`` when empty)."""
    rev = MigrationContext.configure(connection).get_current_revision()
    return None if rev is None else str(rev)


def upgrade_to_head(connection: Connection) -> None:
    """Bring the database behind ``connection`` to the newest schema, in its transaction."""
    command.upgrade(alembic_config(connection), "head")
