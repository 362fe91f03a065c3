"""Layer 2: the model store, every version of a model in SQLite or PostgreSQL with an audit
trail chained by hash. See ``docs/store.md``."""

from __future__ import annotations

from vitaal.store.conflicts import Conflict, ConflictError
from vitaal.store.repository import AuditEntry, Change, ModelStore, VersionInfo, open_store
from vitaal.store.verify import Finding, Verification

__all__ = [
    "AuditEntry",
    "Change",
    "Conflict",
    "ConflictError",
    "Finding",
    "ModelStore",
    "Verification",
    "VersionInfo",
    "open_store",
]
