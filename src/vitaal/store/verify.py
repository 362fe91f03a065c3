"""Checking the hash chain: what was changed, removed, inserted or back-dated behind the
store's back, row by row.

:func:`verify_store` reads every version, record and audit row in one snapshot and returns a
:class:`Verification` whose findings each name the table and row and say what is wrong:

- a row whose content no longer matches its own hash (changed), that has no hash (written
  by hand), or whose JSON cannot be read;
- a version missing from the sequence 1, 2, 3, ..., a row that refers to a missing version;
- a version whose hash no longer matches the previous version's hash, its fields and the
  hashes of the rows it wrote (its fields changed, or rows of it removed or added);
- records and audit entries of a version that disagree (a record that no audit entry
  recorded, an audit entry whose record is gone);
- a version dated before the one it follows, or whose time differs from its audit entries'.

A chain rewritten from some version on by someone who recomputes every hash is found only
against a hash kept elsewhere (``expect``): ``vitaal audit verify`` prints the newest one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, cast, select

from vitaal.errors import StoreError
from vitaal.store import chain, codec
from vitaal.store.schema import audit, records, versions

_OPENS = ("import", "add", "change")
_CLOSES = ("change", "remove")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong: ``table`` and ``row`` (the version number for ``versions``) name it,
    ``what`` is one of changed, missing, inserted, back-dated, unreadable, rewritten."""

    table: str
    row: int | None
    what: str
    detail: str

    def __str__(self) -> str:
        where = self.table if self.row is None else f"{self.table} {self.row}"
        return f"{where}: {self.what}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "what": self.what, "detail": self.detail}


@dataclass
class Verification:
    """The outcome: the findings, how many rows were checked, and the newest version's hash."""

    findings: list[Finding] = field(default_factory=list)
    versions: int = 0
    records: int = 0
    audit: int = 0
    head: str | None = None
    head_version: int | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "versions": self.versions,
            "records": self.records,
            "audit": self.audit,
            "head": {"version": self.head_version, "hash": self.head},
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class _Row:
    """A row as read for checking: its columns, its JSON parsed, its hash recomputed."""

    id: int
    cols: dict[str, Any]
    stored: str | None
    computed: str | None = None


def verify_store(conn: Connection, expect: str | None = None) -> Verification:
    """Check every row of the store behind ``conn`` (see the module's docstring)."""
    out = Verification()
    vers = _read_versions(conn, out)
    recs = _read_records(conn, out)
    entries = _read_audit(conn, out)
    out.versions, out.records, out.audit = len(vers), len(recs), len(entries)
    numbers = {v.id for v in vers}
    for row in recs:
        for col in ("valid_from", "valid_to"):
            if row.cols[col] is not None and row.cols[col] not in numbers:
                out.findings.append(
                    Finding(
                        "records",
                        row.id,
                        "missing",
                        f"{_name(row)} refers to version "
                        f"{row.cols[col]} ({col}), which the store does not hold",
                    )
                )
    for row in entries:
        if row.cols["version_id"] not in numbers:
            out.findings.append(
                Finding(
                    "audit",
                    row.id,
                    "missing",
                    f"{_entry(row)} belongs to version "
                    f"{row.cols['version_id']}, which the store does not hold",
                )
            )
    _check_chain(vers, recs, entries, out)
    _cross_check(vers, recs, entries, out)
    if vers:
        out.head, out.head_version = vers[-1].stored, vers[-1].id
    if expect is not None and expect not in {v.stored for v in vers}:
        out.findings.append(
            Finding(
                "versions",
                None,
                "rewritten",
                f"no version has the hash {expect} that you "
                "expect: the chain was rewritten, or the hash is not from this store",
            )
        )
    out.findings.sort(key=lambda f: (f.table, f.row or 0, f.what))
    return out


# -- reading ------------------------------------------------------------------------------
def _time(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise StoreError(f"{where}: found {value!r}, expected a time") from None


def _hash_row(row: _Row, out: Verification, table: str, what: str, compute: Any) -> None:
    try:
        row.computed = compute()
    except (StoreError, ValueError, TypeError) as exc:
        out.findings.append(Finding(table, row.id, "unreadable", f"{what}: {exc}"))
        return
    if row.stored is None:
        out.findings.append(
            Finding(
                table,
                row.id,
                "inserted",
                f"{what} has no hash: it was written behind the store's back",
            )
        )
    elif row.computed != row.stored:
        out.findings.append(
            Finding(
                table,
                row.id,
                "changed",
                f"{what} no longer matches its hash: it was changed behind the store's back",
            )
        )


def _read_versions(conn: Connection, out: Verification) -> list[_Row]:
    rows = []
    for r in conn.execute(
        select(
            *(c for c in versions.c if c.name != "created_at"),
            cast(versions.c.created_at, Text).label("created_at"),
        ).order_by(versions.c.id)
    ):
        cols = dict(r._mapping)
        rows.append(_Row(r.id, cols, cols.pop("hash")))
    for row in rows:
        try:
            row.cols["created_at"] = _time(row.cols["created_at"], f"versions {row.id}: created_at")
        except StoreError as exc:
            out.findings.append(Finding("versions", row.id, "unreadable", str(exc)))
    return rows


def _read_records(conn: Connection, out: Verification) -> list[_Row]:
    rows = []
    for r in conn.execute(
        select(
            *(c for c in records.c if c.name != "data"), cast(records.c.data, Text).label("data")
        ).order_by(records.c.id)
    ):
        cols = dict(r._mapping)
        row = _Row(r.id, cols, cols.pop("hash"))

        def compute(row: _Row = row) -> str:
            row.cols["data"] = codec.parse_json(row.cols["data"], "its data")
            c = row.cols
            return chain.record_hash(c["kind"], c["key"], c["data"], c["valid_from"])

        _hash_row(row, out, "records", _name(row), compute)
        rows.append(row)
    return rows


def _read_audit(conn: Connection, out: Verification) -> list[_Row]:
    rows = []
    for r in conn.execute(
        select(
            *(c for c in audit.c if c.name not in ("before", "after", "at")),
            cast(audit.c.before, Text).label("before"),
            cast(audit.c.after, Text).label("after"),
            cast(audit.c.at, Text).label("at"),
        ).order_by(audit.c.id)
    ):
        cols = dict(r._mapping)
        row = _Row(r.id, cols, cols.pop("hash"))

        def compute(row: _Row = row) -> str:
            c = row.cols
            c["at"] = _time(c["at"], "its time")
            c["before"] = codec.parse_json(c["before"], "before", nullable=True)
            c["after"] = codec.parse_json(c["after"], "after", nullable=True)
            return chain.audit_hash(c)

        _hash_row(row, out, "audit", _entry(row), compute)
        rows.append(row)
    return rows


def _name(row: _Row) -> str:
    c = row.cols
    return f"{c['kind']} '{c['key']}' (valid from version {c['valid_from']})"


def _entry(row: _Row) -> str:
    c = row.cols
    return f"the entry '{c['action']} {c['kind']} {c['key']}' of version {c['version_id']}"


# -- the chain ----------------------------------------------------------------------------
def _check_chain(
    vers: list[_Row], recs: list[_Row], entries: list[_Row], out: Verification
) -> None:
    opened: dict[int, list[str]] = defaultdict(list)
    closed: dict[int, list[str]] = defaultdict(list)
    for row in recs:
        opened[row.cols["valid_from"]].append(row.stored or "")
        if row.cols["valid_to"] is not None:
            closed[row.cols["valid_to"]].append(row.stored or "")
    written: dict[int, list[str]] = defaultdict(list)
    times: dict[int, set[str]] = defaultdict(set)
    for row in entries:
        written[row.cols["version_id"]].append(row.stored or "")
        if isinstance(row.cols["at"], datetime):
            times[row.cols["version_id"]].add(chain_time(row.cols["at"]))
    previous: _Row | None = None
    for row in vers:
        _check_version(row, previous, out, times.get(row.id, set()))
        created = row.cols["created_at"]
        if row.stored is None:
            out.findings.append(
                Finding(
                    "versions",
                    row.id,
                    "inserted",
                    f"version {row.id} has no hash: it was written behind the store's back",
                )
            )
        elif isinstance(created, datetime):
            cols = {**row.cols, "created_at": created}
            computed = chain.version_hash(
                None if previous is None else previous.stored,
                cols,
                written[row.id],
                opened[row.id],
                closed[row.id],
            )
            if computed != row.stored:
                out.findings.append(
                    Finding(
                        "versions",
                        row.id,
                        "changed",
                        f"version {row.id} no longer matches "
                        "its hash: its fields, the rows it wrote, or the version before it "
                        "were changed, removed or inserted behind the store's back",
                    )
                )
        previous = row


def chain_time(value: datetime) -> str:
    """A time as the chain compares it (UTC, microseconds)."""
    return chain.timestamp(value)


def _check_version(
    row: _Row, previous: _Row | None, out: Verification, entry_times: set[str]
) -> None:
    expected = 1 if previous is None else previous.id + 1
    if row.id != expected:
        gap = f"{expected}" if row.id == expected + 1 else f"{expected} to {row.id - 1}"
        after = "it is the first" if previous is None else f"it follows version {previous.id}"
        out.findings.append(
            Finding(
                "versions",
                expected,
                "missing",
                f"version {gap} is missing: version {row.id} is in the store and {after}",
            )
        )
    parent = None if previous is None else previous.id
    if row.cols["parent_id"] != parent:
        out.findings.append(
            Finding(
                "versions",
                row.id,
                "changed",
                f"version {row.id} names version "
                f"{row.cols['parent_id']} as its parent, but follows version {parent}",
            )
        )
    created = row.cols["created_at"]
    if not isinstance(created, datetime):
        return
    if (
        previous is not None
        and isinstance(previous.cols["created_at"], datetime)
        and (chain_time(created) < chain_time(previous.cols["created_at"]))
    ):
        out.findings.append(
            Finding(
                "versions",
                row.id,
                "back-dated",
                f"version {row.id} is dated "
                f"{chain_time(created)}, before version {previous.id} "
                f"({chain_time(previous.cols['created_at'])})",
            )
        )
    if entry_times and entry_times != {chain_time(created)}:
        out.findings.append(
            Finding(
                "versions",
                row.id,
                "back-dated",
                f"version {row.id} is dated "
                f"{chain_time(created)}, but its audit entries at "
                f"{', '.join(sorted(entry_times))}",
            )
        )


def _cross_check(
    vers: list[_Row], recs: list[_Row], entries: list[_Row], out: Verification
) -> None:
    """Each version's records must be what its audit entries say, one for one."""
    rows_by: dict[tuple[int, str, str, str], list[_Row]] = defaultdict(list)
    for row in recs:
        c = row.cols
        rows_by[(c["valid_from"], "open", c["kind"], c["key"])].append(row)
        if c["valid_to"] is not None:
            rows_by[(c["valid_to"], "close", c["kind"], c["key"])].append(row)
    used: set[tuple[int, str]] = set()
    for entry in entries:
        c = entry.cols
        wants = []
        if c["action"] in _OPENS:
            wants.append(("open", c["after"]))
        if c["action"] in _CLOSES:
            wants.append(("close", c["before"]))
        for side, data in wants:
            found = rows_by.get((c["version_id"], side, c["kind"], c["key"]), [])
            match = [r for r in found if r.cols["data"] == data]
            if match:
                used.add((match[0].id, side))
            elif found:
                used.add((found[0].id, side))
                verb = "written" if side == "open" else "replaced"
                out.findings.append(
                    Finding(
                        "records",
                        found[0].id,
                        "changed",
                        f"{_name(found[0])} differs "
                        f"from what audit row {entry.id} recorded as {verb} by version "
                        f"{c['version_id']}",
                    )
                )
            else:
                verb = "it wrote" if side == "open" else "it closed"
                out.findings.append(
                    Finding(
                        "audit",
                        entry.id,
                        "inserted",
                        f"{_entry(entry)}: the record "
                        f"{verb} is not in the store (the entry was inserted, or the "
                        "record removed)",
                    )
                )
    for (version, side, _kind, _key), rows in rows_by.items():
        for row in rows:
            if (row.id, side) not in used:
                verb = "written" if side == "open" else "closed"
                out.findings.append(
                    Finding(
                        "records",
                        row.id,
                        "inserted",
                        f"{_name(row)} is {verb} by "
                        f"version {version} but no audit entry of it records that",
                    )
                )


__all__ = ["Finding", "Verification", "verify_store"]
