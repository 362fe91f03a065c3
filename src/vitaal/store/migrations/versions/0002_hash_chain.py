"""The hash chain: a hash on every version, record and audit row, computed for existing rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from vitaal.store import chain

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("versions", "records", "audit")


def upgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _compute_chain(op.get_bind())


def downgrade() -> None:
    for name in reversed(_TABLES):
        with op.batch_alter_table(name) as batch:
            batch.drop_column("hash")


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _compute_chain(conn: sa.Connection) -> None:
    """Hash every existing row and chain the versions, oldest first. A row whose JSON cannot
    be read keeps no hash (``vitaal audit verify`` names it) rather than stopping the upgrade."""
    meta = sa.MetaData()
    versions = sa.Table("versions", meta, autoload_with=conn)
    records = sa.Table("records", meta, autoload_with=conn)
    audit = sa.Table("audit", meta, autoload_with=conn)
    opened: dict[int, list[str]] = defaultdict(list)
    closed: dict[int, list[str]] = defaultdict(list)
    rows = conn.execute(
        sa.select(
            records.c.id,
            records.c.kind,
            records.c.key,
            sa.cast(records.c.data, sa.Text).label("data"),
            records.c.valid_from,
            records.c.valid_to,
        ).order_by(records.c.id)
    )
    for row in rows:
        try:
            digest = chain.record_hash(row.kind, row.key, _json(row.data), row.valid_from)
        except ValueError:
            continue
        conn.execute(sa.update(records).where(records.c.id == row.id).values(hash=digest))
        opened[row.valid_from].append(digest)
        if row.valid_to is not None:
            closed[row.valid_to].append(digest)
    entries: dict[int, list[str]] = defaultdict(list)
    rows = conn.execute(
        sa.select(
            audit.c.id,
            audit.c.version_id,
            audit.c.at,
            audit.c.author,
            audit.c.action,
            audit.c.kind,
            audit.c.key,
            sa.cast(audit.c.before, sa.Text).label("before"),
            sa.cast(audit.c.after, sa.Text).label("after"),
        ).order_by(audit.c.id)
    )
    for row in rows:
        entry = dict(row._mapping)
        try:
            entry["before"], entry["after"] = _json(entry["before"]), _json(entry["after"])
            digest = chain.audit_hash(entry)
        except ValueError:
            continue
        conn.execute(sa.update(audit).where(audit.c.id == row.id).values(hash=digest))
        entries[row.version_id].append(digest)
    previous: str | None = None
    for row in conn.execute(sa.select(versions).order_by(versions.c.id)).all():
        previous = chain.version_hash(
            previous, dict(row._mapping), entries[row.id], opened[row.id], closed[row.id]
        )
        conn.execute(sa.update(versions).where(versions.c.id == row.id).values(hash=previous))
