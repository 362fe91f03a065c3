"""The tables of the model store: versions, temporal records and the audit trail.

``records`` is a temporal table: each row holds one record (its plain JSON form, as written by
:func:`vitaal.io.tables.dump_record`) and the half-open range of versions in which it is valid,
``[valid_from, valid_to)``. The model of version ``v`` is every row with
``valid_from <= v`` and ``valid_to`` null or greater than ``v``; the latest model is every row
whose ``valid_to`` is null. A change closes the old row and opens a new one; nothing is ever
overwritten, so any earlier version can be read back.

Every row carries a ``hash`` and the versions form a hash chain (:mod:`vitaal.store.chain`,
checked by :mod:`vitaal.store.verify`).

The migrations in :mod:`vitaal.store.migrations` create exactly these tables; a test compares
them with this metadata on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: The kind under which the model's :class:`~vitaal.model.records.ModelInfo` is kept.
INFO_KIND = "info"
#: Its key (there is one per version).
INFO_KEY = "model"
#: The actions an audit entry records.
ACTIONS = ("import", "add", "change", "remove")

# Names for constraints, so that migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 64-bit ids on PostgreSQL; SQLite's rowid is 64-bit already and autoincrements only as INTEGER.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON}  # noqa: RUF012 - SQLAlchemy's own protocol


class VersionRow(Base):
    """One version of the model: who made it, when, why, and which version it follows."""

    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, server_default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    #: the chain: previous version's hash, this version's fields and rows (vitaal.store.chain)
    hash: Mapped[str | None] = mapped_column(String(64))


class RecordRow(Base):
    """One record (or the model info) valid from version ``valid_from`` up to ``valid_to``."""

    __tablename__ = "records"
    __table_args__ = (
        # reading one version: the current rows, or those whose range holds the version
        Index("ix_records_valid_to_valid_from", "valid_to", "valid_from"),
        # history of one record, and the current row of a key when it changes
        Index("ix_records_kind_key", "kind", "key"),
        # at most one current row per record
        Index(
            "uq_records_current",
            "kind",
            "key",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="range"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(1000))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    valid_from: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    valid_to: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    #: the hash of kind, key, data and valid_from (vitaal.store.chain.record_hash)
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditRow(Base):
    """What one version did to one record: who, when, the action, and before and after."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_version_id", "version_id"),
        Index("ix_audit_kind_key", "kind", "key"),
        CheckConstraint("action IN ('import', 'add', 'change', 'remove')", name="action"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(1000))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    #: the hash of the entry's columns but its id (vitaal.store.chain.audit_hash)
    hash: Mapped[str | None] = mapped_column(String(64))


# -- the web app's tables (vitaal.web; migration 0003) ----------------------------------
#: The roles a user of the web app has (vitaal.web.accounts says what each may do).
ROLES = ("administrator", "analyst", "system_owner", "planner", "viewer")
#: What the decision register records of a decision.
DECISION_STATUSES = ("taken", "deferred", "refused")


class WebUserRow(Base):
    """A person who signs in to the web app: a role, an organisation, a password hash."""

    __tablename__ = "web_users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('administrator', 'analyst', 'system_owner', 'planner', 'viewer')",
            name="role",
        ),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: the organisation a system owner speaks for (a system's or subsystem's ``owner``)
    organisation: Mapped[str | None] = mapped_column(String(200))
    #: an Argon2id hash (vitaal.web.accounts)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))


class WebSessionRow(Base):
    """A signed-in browser: the SHA-256 of its cookie's token (never the token itself)."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"))
    #: the session's token for forms and API writes (CSRF)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DecisionEntryRow(Base):
    """One entry of the decision register: a decision of the table taken, deferred or refused,
    by whom and when; the entries form a hash chain of their own (vitaal.web.register)."""

    __tablename__ = "web_register"
    __table_args__ = (
        Index("ix_web_register_decision", "decision"),
        CheckConstraint("status IN ('taken', 'deferred', 'refused')", name="status"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    decision: Mapped[str] = mapped_column(String(1000))
    #: the model version whose analysis listed the decision
    model_version: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, server_default="")
    author: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: the previous entry's hash and this entry's columns (vitaal.web.register)
    hash: Mapped[str] = mapped_column(String(64))


metadata = Base.metadata
versions: Table = metadata.tables["versions"]
records: Table = metadata.tables["records"]
audit: Table = metadata.tables["audit"]
web_users: Table = metadata.tables["web_users"]
web_sessions: Table = metadata.tables["web_sessions"]
web_register: Table = metadata.tables["web_register"]

__all__ = [
    "ACTIONS",
    "DECISION_STATUSES",
    "INFO_KEY",
    "INFO_KIND",
    "ROLES",
    "AuditRow",
    "Base",
    "DecisionEntryRow",
    "RecordRow",
    "VersionRow",
    "WebSessionRow",
    "WebUserRow",
    "audit",
    "metadata",
    "records",
    "versions",
    "web_register",
    "web_sessions",
    "web_users",
]
