"""The hashes that make the store tamper-evident.

Every ``records`` row and every ``audit`` row carries the SHA-256 of its own content; every
version carries a hash over the previous version's hash, its own fields (number, time, author,
message, parent) and the hashes of the rows it wrote (audit entries, records it opened, records
it closed). The versions thus form a chain: a row changed, removed or inserted behind the
store's back no longer matches its own hash or its version's, and a version changed or removed
breaks the chain from there on. :mod:`vitaal.store.verify` checks all of it.

The form hashed is fixed here (``ALGORITHM``); changing it needs a migration that recomputes
the hashes of existing stores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

#: The name of the hashing scheme, part of every hash (a new scheme gives different hashes).
ALGORITHM = "vitaal-chain-1"


def canonical(value: Any) -> bytes:
    """The one JSON text of ``value``: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _digest(*parts: Any) -> str:
    return hashlib.sha256(canonical([ALGORITHM, *parts])).hexdigest()


def data_hash(data: Any) -> str | None:
    """The hash of a record's JSON form (``None`` for none); rows hash this, not the JSON."""
    return None if data is None else hashlib.sha256(canonical(data)).hexdigest()


def timestamp(value: datetime) -> str:
    """A time as hashed: UTC, ISO 8601 with microseconds (SQLite keeps no time zone)."""
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.isoformat(timespec="microseconds")


def record_hash(
    kind: str, key: str, data: Any, valid_from: int, *, digest: str | None = None
) -> str:
    """The hash of one ``records`` row (``valid_to`` is not part of it: closing a row is
    recorded in the hash of the version that closes it). ``digest`` is ``data_hash(data)``
    when the caller has it already."""
    return _digest("record", kind, key, digest or data_hash(data), valid_from)


def audit_hash(entry: dict[str, Any], digests: dict[int, str | None] | None = None) -> str:
    """The hash of one ``audit`` row, given as a mapping of its columns (``id`` aside);
    ``digests`` holds ``data_hash`` of JSON forms already hashed, by ``id()`` of the form."""
    known = digests or {}

    def of(data: Any) -> str | None:
        return known[id(data)] if id(data) in known else data_hash(data)

    return _digest(
        "audit",
        entry["version_id"],
        timestamp(entry["at"]),
        entry["author"],
        entry["action"],
        entry["kind"],
        entry["key"],
        of(entry["before"]),
        of(entry["after"]),
    )


def version_hash(
    previous: str | None,
    version: dict[str, Any],
    audit_hashes: Iterable[str],
    opened: Iterable[str],
    closed: Iterable[str],
) -> str:
    """The hash of one version: the previous version's hash (``None`` for the first), its
    columns (``id``, ``created_at``, ``author``, ``message``, ``parent_id``) and the hashes of
    its audit entries, of the records it opened and of the records it closed."""
    return _digest(
        "version",
        previous,
        version["id"],
        timestamp(version["created_at"]),
        version["author"],
        version["message"],
        version["parent_id"],
        sorted(audit_hashes),
        sorted(opened),
        sorted(closed),
    )


__all__ = [
    "ALGORITHM",
    "audit_hash",
    "canonical",
    "data_hash",
    "record_hash",
    "timestamp",
    "version_hash",
]
