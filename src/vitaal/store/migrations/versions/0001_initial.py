"""The first schema: versions, temporal records and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["versions.id"], name=op.f("fk_versions_parent_id_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
    )
    op.create_table(
        "records",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Integer(), nullable=False),
        sa.Column("valid_to", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_records_range")
        ),
        sa.ForeignKeyConstraint(
            ["valid_from"], ["versions.id"], name=op.f("fk_records_valid_from_versions")
        ),
        sa.ForeignKeyConstraint(
            ["valid_to"], ["versions.id"], name=op.f("fk_records_valid_to_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
    )
    op.create_index(op.f("ix_records_valid_to_valid_from"), "records", ["valid_to", "valid_from"])
    op.create_index(op.f("ix_records_kind_key"), "records", ["kind", "key"])
    op.create_index(
        op.f("uq_records_current"),
        "records",
        ["kind", "key"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )
    op.create_table(
        "audit",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.CheckConstraint(
            "action IN ('import', 'add', 'change', 'remove')", name=op.f("ck_audit_action")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name=op.f("fk_audit_version_id_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index(op.f("ix_audit_version_id"), "audit", ["version_id"])
    op.create_index(op.f("ix_audit_kind_key"), "audit", ["kind", "key"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_kind_key"), table_name="audit")
    op.drop_index(op.f("ix_audit_version_id"), table_name="audit")
    op.drop_table("audit")
    op.drop_index(op.f("uq_records_current"), table_name="records")
    op.drop_index(op.f("ix_records_kind_key"), table_name="records")
    op.drop_index(op.f("ix_records_valid_to_valid_from"), table_name="records")
    op.drop_table("records")
    op.drop_table("versions")
