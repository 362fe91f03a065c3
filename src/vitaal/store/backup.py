"""Backups of a whole store, in a file that any store (SQLite or PostgreSQL) can restore.

A backup is a text file of JSON lines (gzip-compressed when its name ends in ``.gz``): a
header, then one line per row of ``versions``, ``records`` and ``audit``, with every column,
ids and hashes included, so that the restored store holds the same versions, the same audit
trail and the same hash chain. It is read in one snapshot and written next to its target
first, then moved into place. A restore goes into an empty store, in one transaction, and
is refused (nothing written) when a line cannot be read or the restored chain does not
verify.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Table, Text, cast, func, select, text

from vitaal.errors import StoreError
from vitaal.store import chain, codec, migrate
from vitaal.store.schema import audit, records, versions
from vitaal.store.verify import Verification, verify_store

FORMAT = "vitaal-store-backup"
FORMAT_VERSION = 1
_TABLES: tuple[Table, ...] = (versions, records, audit)
_JSON = {"records": ("data",), "audit": ("before", "after")}
_TIMES = {"versions": ("created_at",), "audit": ("at",)}
_BATCH = 2000


def _open(path: Path, mode: str, *, name: str | None = None) -> IO[str]:
    """``path`` as text, through gzip when ``name`` (by default its own) ends in ``.gz``."""
    if (name or path.name).endswith(".gz"):
        return cast_io(gzip.open(path, mode + "t", encoding="utf-8"))
    return open(path, mode, encoding="utf-8")


def cast_io(stream: Any) -> IO[str]:
    """A text stream as the type checker should see it (gzip's text mode is one)."""
    out: IO[str] = stream
    return out


# -- writing ------------------------------------------------------------------------------
def write_backup(conn: Connection, path: Path, source: str) -> dict[str, Any]:
    """Write every row of the store behind ``conn`` to ``path``; returns the header."""
    counts = {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in _TABLES
    }
    head = conn.execute(
        select(versions.c.id, versions.c.hash).order_by(versions.c.id.desc())
    ).first()
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": migrate.current_revision(conn),
        "source": source,
        "counts": counts,
        "head": None if head is None else {"version": head.id, "hash": head.hash},
    }
    path = Path(path)
    if not path.parent.is_dir():
        raise StoreError(f"cannot write the backup {path}: the folder {path.parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with _open(tmp, "w", name=path.name) as out:
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for table in _TABLES:
                for row in _rows(conn, table):
                    out.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
        tmp.replace(path)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    return header


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    json_cols = _JSON.get(table.name, ())
    cols = [cast(c, Text).label(c.name) if c.name in json_cols else c for c in table.c]
    for r in conn.execute(select(*cols).order_by(table.c.id)):
        row: dict[str, Any] = {"table": table.name, **r._mapping}
        for name in json_cols:
            row[name] = codec.parse_json(
                row[name], f"{table.name} row {row['id']}: {name}", nullable=name != "data"
            )
        for name in _TIMES.get(table.name, ()):
            row[name] = chain.timestamp(row[name])
        yield row


# -- reading ------------------------------------------------------------------------------
def restore_backup(conn: Connection, path: Path) -> Verification:
    """Write the rows of the backup at ``path`` into the empty store behind ``conn`` and
    verify the chain; :class:`StoreError` (the caller rolls back) on any problem."""
    if conn.execute(select(func.count()).select_from(versions)).scalar_one():
        raise StoreError("the store to restore into holds versions; restore into an empty store")
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"cannot restore: there is no backup file {path}")
    try:
        with _open(path, "r") as lines:
            header = _header(path, next(lines, ""))
            seen = {t.name: 0 for t in _TABLES}
            batch: list[dict[str, Any]] = []
            table: Table | None = None
            for number, line in enumerate(lines, start=2):
                row_table, row = _row(path, number, line)
                if table is not None and row_table is not table:
                    _insert(conn, table, batch)
                    batch = []
                table = row_table
                batch.append(row)
                seen[row_table.name] += 1
                if len(batch) >= _BATCH:
                    _insert(conn, table, batch)
                    batch = []
            if table is not None:
                _insert(conn, table, batch)
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise StoreError(f"cannot read the backup {path}: {exc}") from None
    if seen != header["counts"]:
        raise StoreError(
            f"{path}: the backup holds {seen} rows, but its header announces "
            f"{header['counts']}: it is incomplete"
        )
    if conn.dialect.name == "postgresql":
        for name in ("records", "audit"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                )
            )
    result = verify_store(conn, None if header["head"] is None else header["head"]["hash"])
    if not result.ok:
        shown = "\n".join(str(f) for f in result.findings[:20])
        raise StoreError(
            f"{path}: the restored store does not verify ({len(result.findings)} finding(s)); "
            f"nothing was restored\n{shown}"
        )
    return result


def _header(path: Path, line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StoreError(f"{path}:1: found no backup header, expected a {FORMAT} file")
    if header.get("format_version") != FORMAT_VERSION:
        raise StoreError(
            f"{path}:1: format_version: found {header.get('format_version')!r}, "
            f"expected {FORMAT_VERSION}"
        )
    if header.get("schema") != migrate.head_revision():
        raise StoreError(
            f"{path}:1: schema: found {header.get('schema')!r}, expected "
            f"{migrate.head_revision()!r} (a backup of another vitaal)"
        )
    counts = header.get("counts")
    if not isinstance(counts, dict) or set(counts) != {t.name for t in _TABLES}:
        raise StoreError(f"{path}:1: counts: found {counts!r}, expected a count per table")
    return header


def _row(path: Path, number: int, line: str) -> tuple[Table, dict[str, Any]]:
    where = f"{path}:{number}"
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise StoreError(f"{where}: the line is not JSON ({exc})") from None
    name = row.get("table") if isinstance(row, dict) else None
    table = {t.name: t for t in _TABLES}.get(name) if isinstance(name, str) else None
    if table is None or not isinstance(row, dict):
        raise StoreError(f"{where}: found no row of versions, records or audit")
    row = dict(row)
    del row["table"]
    names = {c.name for c in table.c}
    if set(row) != names:
        raise StoreError(
            f"{where}: {table.name} row: found the columns {', '.join(sorted(row))}, "
            f"expected {', '.join(sorted(names))}"
        )
    for name in _TIMES.get(table.name, ()):
        try:
            row[name] = datetime.fromisoformat(str(row[name]))
        except ValueError:
            raise StoreError(f"{where}: {name}: found {row[name]!r}, expected a time") from None
    return table, row


def _insert(conn: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    if batch:
        conn.execute(table.insert(), batch)


__all__ = ["FORMAT", "restore_backup", "write_backup"]
