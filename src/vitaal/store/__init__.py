"""Layer 2: the model store, every version of a model in SQLite or PostgreSQL with an audit
trail. See ``docs/store.md``."""

from __future__ import annotations

from vitaal.store.repository import AuditEntry, Change, ModelStore, VersionInfo, open_store

__all__ = ["AuditEntry", "Change", "ModelStore", "VersionInfo", "open_store"]
