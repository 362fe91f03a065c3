"""The decision register: what the table did with each of its decisions (taken, deferred or
refused), by whom, when and on which model version.

Entries are only ever added (the latest entry of a decision is its status); each carries the
SHA-256 of the previous entry's hash and its own columns, so that :func:`verify_register`
finds an entry changed, removed or inserted behind the app's back, as ``vitaal audit verify``
does for the model's versions (``docs/store.md``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from vitaal.errors import VitaalError
from vitaal.store import ModelStore
from vitaal.store.chain import canonical, timestamp
from vitaal.store.schema import DECISION_STATUSES, web_register

__all__ = ["DECISION_STATUSES", "Entry", "RegisterError", "entries", "record", "verify_register"]

_MAX_NOTE = 4000
_SCHEME = "vitaal-register-1"


class RegisterError(VitaalError):
    """An entry that cannot be recorded; the message says why."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    decision: str
    model_version: int
    status: str
    note: str
    author: str
    at: datetime
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "decision": self.decision,
            "model_version": self.model_version,
            "status": self.status,
            "note": self.note,
            "author": self.author,
            "at": self.at.isoformat(),
            "hash": self.hash,
        }


def entry_hash(previous: str | None, row: dict[str, Any]) -> str:
    """The hash of one entry: the previous entry's hash and this entry's columns (not its id)."""
    return hashlib.sha256(
        canonical(
            [
                _SCHEME,
                previous,
                row["decision"],
                row["model_version"],
                row["status"],
                row["note"],
                row["author"],
                timestamp(row["at"]),
            ]
        )
    ).hexdigest()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _entry(row: Any) -> Entry:
    return Entry(
        id=int(row.id),
        decision=str(row.decision),
        model_version=int(row.model_version),
        status=str(row.status),
        note=str(row.note),
        author=str(row.author),
        at=_utc(row.at),
        hash=str(row.hash),
    )


def record(
    store: ModelStore, decision: str, status: str, *, author: str, model_version: int, note: str
) -> Entry:
    """Add an entry (under the store's write lock, so that the chain has one order)."""
    if status not in DECISION_STATUSES:
        raise RegisterError(
            f"status: found '{status}', expected one of {', '.join(DECISION_STATUSES)}"
        )
    if not decision or len(decision) > 1000:
        raise RegisterError("decision: expected the id of one of the table's decisions")
    if len(note) > _MAX_NOTE:
        raise RegisterError(f"note: found {len(note)} characters, expected at most {_MAX_NOTE}")
    with store.transaction("record a decision", write=True) as conn:
        previous = conn.execute(
            select(web_register.c.hash).order_by(web_register.c.id.desc()).limit(1)
        ).scalar()
        row: dict[str, Any] = {
            "decision": decision,
            "model_version": model_version,
            "status": status,
            "note": note,
            "author": author,
            "at": datetime.now(UTC),
        }
        row["hash"] = entry_hash(previous, row)
        conn.execute(web_register.insert().values(**row))
        new_id = conn.execute(
            select(web_register.c.id).where(web_register.c.hash == row["hash"])
        ).scalar_one()
    return Entry(id=int(new_id), **{**row, "at": _utc(row["at"])})


def entries(store: ModelStore, decision: str | None = None) -> list[Entry]:
    """The register's entries, oldest first (of one decision, when given)."""
    query = select(web_register).order_by(web_register.c.id)
    if decision is not None:
        query = query.where(web_register.c.decision == decision)
    with store.transaction("read the decision register") as conn:
        return [_entry(r) for r in conn.execute(query)]


def latest_by_decision(store: ModelStore) -> dict[str, Entry]:
    """Each decision's latest entry: what the register says of it now."""
    return {e.decision: e for e in entries(store)}


def verify_register(store: ModelStore) -> list[str]:
    """Each entry whose hash does not follow from the previous entry and its own columns
    (changed, inserted, or following a removed entry), named by its row id; ``[]`` when intact."""
    findings: list[str] = []
    previous: str | None = None
    for e in entries(store):
        row = {
            "decision": e.decision,
            "model_version": e.model_version,
            "status": e.status,
            "note": e.note,
            "author": e.author,
            "at": e.at,
        }
        if entry_hash(previous, row) != e.hash:
            findings.append(
                f"web_register {e.id}: changed, inserted or after a removed entry "
                "(its hash does not follow from the entry before it)"
            )
        previous = e.hash
    return findings
