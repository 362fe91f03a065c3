"""The model store: every version of a model in a database, with its audit trail.

:func:`open_store` opens (and, when needed, creates or upgrades) a store in SQLite or
PostgreSQL. A :class:`ModelStore` imports whole models, applies checked changes, reads any
version back, lists versions and audit entries, and compares two versions. Every write is one
transaction: it happens completely or not at all.

Examples
--------
>>> from vitaal.io import read_model
>>> with open_store("city.db") as store:                          # doctest: +SKIP
...     v1 = store.import_model(read_model("tiny"), author="ann")
...     comp = store.read_model().components["c1"]
...     v2 = store.apply([Change.put("components", replace(comp, condition=4))], author="bo")
...     store.diff(v1, v2).as_dict()
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy import (
    Connection,
    Engine,
    Text,
    and_,
    cast,
    create_engine,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from vitaal.errors import Loc, ModelError, Problem, Severity, StoreError
from vitaal.model.diff import ModelDiff, diff_models
from vitaal.model.model import RECORD_KINDS, Model
from vitaal.model.records import ModelInfo
from vitaal.model.validate import validate_model
from vitaal.store import chain, codec, migrate
from vitaal.store.conflicts import ConflictError, find_conflicts
from vitaal.store.schema import INFO_KEY, INFO_KIND, audit, records, versions
from vitaal.store.scope import copy_model, validation_scope
from vitaal.store.verify import Verification, verify_store

#: Rows per INSERT statement (executemany) when writing records and audit entries.
BATCH_SIZE = 2000
#: Ids per ``IN (...)`` list when closing records (well under every backend's parameter limit).
_ID_CHUNK = 500
#: (kind, key) pairs per query when reading the records a change touches
_PAIR_CHUNK = 200
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_MAX_AUTHOR = 200
_MAX_KEY = 1000
#: The PostgreSQL advisory lock that serialises writers ("vitaal" in ASCII).
_PG_LOCK_KEY = 0x76697461616C


# -- public value types -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Change:
    """One edit: the record of ``kind`` under ``key`` becomes ``record`` (``None`` removes it).

    ``kind`` is one of :data:`~vitaal.model.model.RECORD_KINDS`, or ``"info"`` (key
    ``"model"``) for the model's description.
    """

    kind: str
    key: str
    record: Any | None

    @classmethod
    def put(cls, kind: str, record: Any) -> Change:
        """Add ``record`` or replace the record with its key."""
        if kind not in codec.STORED_KINDS:
            raise StoreError(
                f"unknown record kind '{kind}', expected one of {', '.join(codec.STORED_KINDS)}"
            )
        return cls(kind, codec.key_of(kind, record), record)

    @classmethod
    def remove(cls, kind: str, key: str) -> Change:
        return cls(kind, key, None)


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One version: its number, when and by whom it was made, why, and what it changed."""

    number: int
    created_at: datetime
    author: str
    message: str
    parent: int | None
    added: int
    changed: int
    removed: int
    #: the version's link in the hash chain (``None`` in a store written by hand)
    hash: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "created_at": self.created_at.isoformat(),
            "author": self.author,
            "message": self.message,
            "parent": self.parent,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "hash": self.hash,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What one version did to one record: ``before`` and ``after`` are its plain JSON form
    (``None`` where it did not exist)."""

    id: int
    version: int
    at: datetime
    author: str
    action: str
    kind: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "at": self.at.isoformat(),
            "author": self.author,
            "action": self.action,
            "kind": self.kind,
            "key": self.key,
            "before": self.before,
            "after": self.after,
        }


# -- opening ------------------------------------------------------------------------------
def open_store(url: str) -> ModelStore:
    """Open the store at ``url``, creating or upgrading its tables to the current schema.

    ``url`` is a database URL (``sqlite:///path/to/city.db``,
    ``postgresql+psycopg://user:password@host:5432/dbname``; ``postgresql://`` means psycopg)
    or a path to a file ending in ``.db``, ``.sqlite`` or ``.sqlite3`` (a SQLite store).
    Raises :class:`StoreError` with the reason when the URL is not understood or the database
    cannot be reached or opened.
    """
    sa_url = _parse_url(url)
    shown = sa_url.render_as_string(hide_password=True)
    try:
        engine = _create_engine(sa_url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use database {shown}: {exc}") from None
    store = ModelStore(engine)
    try:
        store._upgrade()
    except BaseException:
        engine.dispose()
        raise
    return store


def _parse_url(url: str) -> URL:
    if not isinstance(url, str) or not url.strip():
        raise StoreError(
            "no database given: expected a URL such as sqlite:///city.db or a path ending in .db"
        )
    text = url.strip()
    if "://" not in text:
        path = Path(text).expanduser()
        if path.suffix.lower() not in _SQLITE_SUFFIXES:
            raise StoreError(
                f"'{text}' is neither a database URL (sqlite:///..., postgresql+psycopg://...) "
                f"nor a path ending in {', '.join(_SQLITE_SUFFIXES)}"
            )
        sa_url = URL.create("sqlite", database=str(path.resolve()))
    else:
        try:
            sa_url = make_url(text)
        except ArgumentError as exc:
            raise StoreError(f"'{text}' is not a database URL ({exc})") from None
    backend = sa_url.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    elif backend == "postgresql" and "+" not in sa_url.drivername:
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database '{sa_url.drivername}' in "
            f"{sa_url.render_as_string(hide_password=True)}: expected sqlite or postgresql"
        )
    if backend == "sqlite" and sa_url.database not in (None, "", ":memory:"):
        folder = Path(sa_url.database or "").expanduser().resolve().parent
        if not folder.is_dir():
            raise StoreError(
                f"cannot create the SQLite store {sa_url.database}: "
                f"the folder {folder} does not exist"
            )
    return sa_url


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, connect_args={"connect_timeout": 10}, pool_pre_ping=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's transactions decide when BEGIN is sent (the driver's own handling
    # defers it and commits around DDL), and enforce foreign keys.
    # Write-ahead logging lets readers go on reading their snapshot while a writer writes
    # (kept in the file: set once, when the store is first opened).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()
        if mode is not None and str(mode[0]).lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # Writers take the database's write lock when they start, so that the latest version they
    # read is still the latest when they write the next one. Readers are read-only
    # (query_only) and take no lock a writer could hold up.
    write = bool(connection.get_execution_options().get("vitaal_write"))
    connection.exec_driver_sql(f"PRAGMA query_only = {'OFF' if write else 'ON'}")
    connection.exec_driver_sql(f"BEGIN {'IMMEDIATE' if write else 'DEFERRED'}")


# -- the store ----------------------------------------------------------------------------
class ModelStore:
    """Versions of one model in a database. Use :func:`open_store` to get one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._closed = False
        #: versions known to validate without errors (those written here, and those checked)
        self._valid: dict[int, bool] = {}

    # -- housekeeping -------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The database URL, with any password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.url.get_backend_name()

    def close(self) -> None:
        """Release the database connections; the store cannot be used afterwards."""
        if not self._closed:
            self._engine.dispose()
            self._closed = True

    def __enter__(self) -> ModelStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ModelStore({self.url!r})"

    @contextlib.contextmanager
    def _transaction(self, what: str, *, write: bool = False) -> Iterator[Connection]:
        if self._closed:
            raise StoreError(f"cannot {what}: the store {self.url} is closed")
        try:
            conn = self._engine.connect()
            if write:
                conn = conn.execution_options(vitaal_write=True)
            elif self.backend == "postgresql":
                # one snapshot for every query of the read, and no writes
                conn = conn.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            with conn, conn.begin():
                if write and self.backend == "postgresql":
                    # one writer (or migration) at a time, until commit; readers go on
                    conn.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
                yield conn
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise StoreError(
                f"cannot {what} in {self.url}: {reason[0] if reason else type(exc).__name__}"
            ) from None

    @contextlib.contextmanager
    def transaction(self, what: str, *, write: bool = False) -> Iterator[Connection]:
        """A transaction on the store's database for the tables beside the model's (the web
        app's users, sessions and decision register): ``write`` takes the store's write lock,
        a read sees one snapshot. ``what`` names the work in a :class:`StoreError`."""
        with self._transaction(what, write=write) as conn:
            yield conn

    def _upgrade(self) -> None:
        head = migrate.head_revision()
        # a read first: a store at the newest schema is opened without waiting for writers
        with self._transaction("open the store") as conn:
            if migrate.current_revision(conn) == head:
                return
        try:
            with self._transaction("open the store", write=True) as conn:
                if migrate.current_revision(conn) != head:
                    migrate.upgrade_to_head(conn)
        except CommandError as exc:
            raise StoreError(
                f"cannot open {self.url}: its schema is not one this version of vitaal knows "
                f"({exc}); is it a store of a newer vitaal?"
            ) from None

    # -- reading ------------------------------------------------------------------------
    def latest_version(self) -> int | None:
        """The number of the newest version (``None`` while the store is empty)."""
        with self._transaction("read the versions") as conn:
            return _latest(conn)

    def read_model(self, version: int | None = None) -> Model:
        """The model as it was at ``version`` (the latest when ``None``).

        Raises :class:`StoreError` for a version the store does not hold.
        """
        with self._transaction("read the model") as conn:
            number = self._check_version(conn, version)
            rows = conn.execute(
                select(records.c.id, records.c.kind, records.c.key, _text(records.c.data))
                .where(_valid_at(number))
                .order_by(records.c.id)
            ).all()
        return _build_model(
            ((r.kind, r.key, _record_data(r.id, r.kind, r.key, r.data)) for r in rows), number
        )

    def versions(self) -> list[VersionInfo]:
        """Every version, oldest first, with how many records it added, changed and removed."""
        with self._transaction("read the versions") as conn:
            counts: dict[int, dict[str, int]] = {}
            for vid, action, n in conn.execute(
                select(audit.c.version_id, audit.c.action, func.count()).group_by(
                    audit.c.version_id, audit.c.action
                )
            ):
                counts.setdefault(vid, {})[action] = n
            with _readable_times(self.url, "versions"):
                rows = conn.execute(select(versions).order_by(versions.c.id)).all()
        out = []
        for row in rows:
            c = counts.get(row.id, {})
            out.append(
                VersionInfo(
                    number=row.id,
                    created_at=_utc(row.created_at),
                    author=row.author,
                    message=row.message,
                    parent=row.parent_id,
                    added=c.get("add", 0) + c.get("import", 0),
                    changed=c.get("change", 0),
                    removed=c.get("remove", 0),
                    hash=row.hash,
                )
            )
        return out

    def audit(
        self, version: int | None = None, kind: str | None = None, key: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries in the order they were written, optionally of one version, one kind
        (``"info"`` for the model's description) and one key."""
        if kind is not None and kind not in codec.STORED_KINDS:
            raise StoreError(
                f"unknown record kind '{kind}', expected one of {', '.join(codec.STORED_KINDS)}"
            )
        with self._transaction("read the audit trail") as conn:
            query = select(
                *(c for c in audit.c if c.name not in ("before", "after")),
                _text(audit.c.before),
                _text(audit.c.after),
            ).order_by(audit.c.id)
            if version is not None:
                self._check_version(conn, version)
                query = query.where(audit.c.version_id == version)
            if kind is not None:
                query = query.where(audit.c.kind == kind)
            if key is not None:
                query = query.where(audit.c.key == key)
            with _readable_times(self.url, "audit"):
                rows = conn.execute(query).all()
        return [
            AuditEntry(
                id=r.id,
                version=r.version_id,
                at=_utc(r.at),
                author=r.author,
                action=r.action,
                kind=r.kind,
                key=r.key,
                before=codec.parse_json(r.before, f"audit row {r.id}: before", nullable=True),
                after=codec.parse_json(r.after, f"audit row {r.id}: after", nullable=True),
            )
            for r in rows
        ]

    def verify(self, expect: str | None = None) -> Verification:
        """Check the hash chain of every version, record and audit row (one snapshot); the
        findings name each row changed, removed, inserted or back-dated behind the store's
        back. ``expect`` is a version hash kept elsewhere that the chain must still hold."""
        with self._transaction("verify the audit trail") as conn:
            return verify_store(conn, expect)

    def backup(self, path: str | Path) -> dict[str, Any]:
        """Write every version, record and audit row, from one snapshot, to the file ``path``
        (JSON lines; gzip when it ends in ``.gz``); returns the file's header (counts, the
        newest version's hash). See :mod:`vitaal.store.backup`."""
        from vitaal.store.backup import write_backup

        with self._transaction("back up the store") as conn:
            try:
                return write_backup(conn, Path(path), self.url)
            except OSError as exc:
                raise StoreError(f"cannot write the backup {path}: {exc}") from None

    def restore(self, path: str | Path) -> Verification:
        """Restore the backup file ``path`` into this store, which must hold no version; all
        or nothing, and refused unless the restored hash chain verifies."""
        from vitaal.store.backup import restore_backup

        with self._transaction("restore the backup", write=True) as conn:
            return restore_backup(conn, Path(path))

    def diff(self, a: int, b: int | None = None) -> ModelDiff:
        """What changed from version ``a`` to version ``b`` (the latest when ``None``)."""
        return diff_models(self.read_model(a), self.read_model(b))

    # -- writing ------------------------------------------------------------------------
    def import_model(
        self, model: Model, *, author: str, message: str = "", base: int | None = None
    ) -> int:
        """Store ``model`` as a new version and return its number, in one transaction.

        ``base`` is the version the model was made from (``None`` only for the first import
        into an empty store). Into an empty store every record is written (audit action
        ``import``). Into a store that holds a model, the records in which ``model`` differs
        from version ``base`` are written over the latest version (``add``, ``change``,
        ``remove``); records it leaves as they were in ``base`` keep what later versions made
        of them. A record that differs from ``base`` and that a later version has changed is
        a conflict: :class:`~vitaal.store.conflicts.ConflictError` shows it in both versions
        and nothing is written. Importing an unchanged model makes a version without changes,
        which still records who imported it, when and why.

        Raises :class:`ModelError` if the model (or the result of writing its changes over the
        latest version) has errors and :class:`StoreError` if the database fails; nothing is
        written either way.
        """
        author = _check_author(author)
        message = _check_message(message)
        problems = _check_keys(model)
        wanted: dict[_Pair, dict[str, Any]] = {}
        if not problems:
            wanted, problems = _dump_model(model)
        if not problems:
            problems = [p for p in validate_model(model) if p.severity is Severity.ERROR]
        if problems:
            raise ModelError(problems, f"{len(problems)} problem(s): the model was not imported")
        with self._transaction("import the model", write=True) as conn:
            parent = _latest(conn)
            if parent is None:
                if base is not None:
                    raise StoreError(
                        f"base: found version {base!r}, but {self.url} holds no model yet "
                        "(the first import is based on no version)"
                    )
                _write_version(conn, _NewVersion(1, None, author, message), {}, wanted)
                return 1
            base = self._check_base(conn, base, parent)
            current = _current_rows(conn)
            base_rows = _data_of(current) if base == parent else _rows_at(conn, base)
            edits: dict[_Pair, dict[str, Any] | None] = {
                pair: data for pair, data in wanted.items() if base_rows.get(pair) != data
            }
            edits.update({pair: None for pair in base_rows if pair not in wanted})
            merged = _merge(conn, base, parent, base_rows, current, edits)
            if merged != wanted:
                _refuse_errors(_build_model(_items(merged), parent + 1), "imported", merged=True)
            number = parent + 1
            _write_version(conn, _NewVersion(number, parent, author, message), current, merged)
        return number

    def apply(
        self,
        changes: Iterable[Change],
        *,
        author: str,
        base: int,
        message: str = "",
        known: Model | None = None,
    ) -> int:
        """Apply ``changes``, made to version ``base``, as a new version; return its number.

        Every change is checked against version ``base`` (known kind, a record of that kind
        under its own key, no two changes of one record, removals of records that exist) and
        the resulting model must validate without errors; otherwise :class:`ModelError` lists
        every problem and nothing is written. Changes that leave a record as it was in
        ``base`` are not recorded. The changes are written over the latest version; a change
        of a record that a version after ``base`` has changed is refused with
        :class:`~vitaal.store.conflicts.ConflictError` (nothing is written).

        ``known`` is the model of version ``base`` as read from this store and kept in memory
        (it is not changed). When ``base`` is the latest version, the model is then not read
        again: only the records the changes touch are read, and the validation looks only at
        what they can make wrong (:mod:`vitaal.store.scope`), with the same errors as a
        validation of the whole model.
        """
        author = _check_author(author)
        message = _check_message(message)
        changes = list(changes)
        with self._transaction("apply the changes", write=True) as conn:
            parent = _latest(conn)
            if parent is None:
                raise StoreError(
                    f"cannot apply changes: {self.url} holds no model yet; import one first"
                )
            base = self._check_base(conn, base, parent)
            if known is not None and base == parent:
                number = self._apply_known(conn, changes, known, parent, author, message)
                self._valid[number] = True
                return number
            current = _current_rows(conn)
            base_rows = _data_of(current) if base == parent else _rows_at(conn, base)
            model = _build_model(_items(base_rows), base)
            problems = _apply_to_model(model, changes)
            if problems:
                raise ModelError(
                    problems, f"{len(problems)} problem(s): the changes were not applied"
                )
            edits: dict[_Pair, dict[str, Any] | None] = {}
            for ch in changes:
                new = None if ch.record is None else codec.dump(ch.kind, ch.record)
                if base_rows.get((ch.kind, ch.key)) != new:
                    edits[(ch.kind, ch.key)] = new
            merged = _merge(conn, base, parent, base_rows, current, edits)
            if base != parent:
                model = _build_model(_items(merged), parent + 1)
            _refuse_errors(model, "applied", merged=base != parent)
            number = parent + 1
            _write_version(conn, _NewVersion(number, parent, author, message), current, merged)
        self._valid[number] = True
        return number

    def _apply_known(
        self,
        conn: Connection,
        changes: list[Change],
        known: Model,
        latest: int,
        author: str,
        message: str,
    ) -> int:
        """:meth:`apply` over the latest version, whose model the caller holds: the touched
        records are read, the model is copied and changed, and validated as narrowly as the
        changes allow (:func:`~vitaal.store.scope.validation_scope`) when the latest version
        is known to be free of errors."""
        pairs = {(ch.kind, ch.key) for ch in changes if isinstance(ch, Change)}
        current = _current_rows_of(conn, pairs)
        base_rows = _data_of(current)
        model = copy_model(known)
        problems = _apply_to_model(model, changes)
        if problems:
            raise ModelError(problems, f"{len(problems)} problem(s): the changes were not applied")
        wanted = dict(base_rows)
        for ch in changes:
            if ch.record is None:
                wanted.pop((ch.kind, ch.key), None)
            else:
                wanted[(ch.kind, ch.key)] = codec.dump(ch.kind, ch.record)
        scope = validation_scope(known, changes) if self._free_of_errors(latest, known) else None
        _refuse_errors(model, "applied", merged=False, scope=scope)
        number = latest + 1
        new = _NewVersion(number, latest, author, message)
        _write_version(conn, new, current, wanted, partial=True)
        return number

    def _free_of_errors(self, version: int, model: Model) -> bool:
        """Whether ``model`` (of ``version``) validates without errors: known for the versions
        this store object wrote, validated once for the others."""
        found = self._valid.get(version)
        if found is None:
            found = not any(p.severity is Severity.ERROR for p in validate_model(model))
            self._valid[version] = found
        return found

    def _check_base(self, conn: Connection, base: int | None, latest: int) -> int:
        if base is None:
            raise StoreError(
                f"{self.url} holds versions 1 to {latest}: name the version your change is "
                f"based on (the latest is {latest})"
            )
        if isinstance(base, bool) or not isinstance(base, int) or not 1 <= base <= latest:
            raise StoreError(
                f"base: found {base!r}, expected the version your change is based on "
                f"(1 to {latest})"
            )
        return base

    def _check_version(self, conn: Connection, version: int | None) -> int:
        latest = _latest(conn)
        if version is None:
            if latest is None:
                raise StoreError(f"{self.url} holds no model yet; import one first")
            return latest
        if isinstance(version, bool) or not isinstance(version, int):
            raise StoreError(f"version: found {version!r}, expected a version number")
        found = conn.execute(select(versions.c.id).where(versions.c.id == version)).first()
        if found is None:
            held = "no versions" if latest is None else f"versions 1 to {latest}"
            raise StoreError(f"{self.url} has no version {version} (it holds {held})")
        return version


# -- helpers ------------------------------------------------------------------------------
_Pair = tuple[str, str]
# audit entries of a version are written kind by kind (info first), each kind by key
_KIND_ORDER = {kind: i for i, kind in enumerate(codec.STORED_KINDS)}


def _utc(value: datetime) -> datetime:
    # SQLite keeps no time zone; the store writes UTC only
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _latest(conn: Connection) -> int | None:
    value = conn.execute(select(func.max(versions.c.id))).scalar()
    return None if value is None else int(value)


def _valid_at(version: int) -> Any:
    return and_(
        records.c.valid_from <= version,
        or_(records.c.valid_to.is_(None), records.c.valid_to > version),
    )


def _check_author(author: str) -> str:
    if not isinstance(author, str) or not author.strip():
        raise StoreError("author: found nothing, expected who makes the change (a name)")
    author = author.strip()
    if len(author) > _MAX_AUTHOR:
        raise StoreError(f"author: found {len(author)} characters, expected at most {_MAX_AUTHOR}")
    return author


def _check_message(message: str) -> str:
    if not isinstance(message, str):
        raise StoreError(f"message: found {message!r}, expected text")
    return message


def _check_keys(model: Model) -> list[Problem]:
    """Problems of a hand-built model that a model folder cannot have: records of the wrong
    type, or kept under a key other than their own."""
    problems: list[Problem] = []
    for kind, table in model.tables():
        cls = codec.record_class(kind)
        for key, record in table.items():
            if not isinstance(record, cls):
                problems.append(
                    Problem(None, kind, type(record).__name__, f"a {cls.__name__}", record=key)
                )
            elif codec.key_of(kind, record) != key or len(key) > _MAX_KEY:
                problems.append(
                    Problem(
                        None,
                        "key",
                        repr(key),
                        f"the record's own key {codec.key_of(kind, record)!r}",
                        record=key,
                    )
                )
    return problems


def _dump_model(model: Model) -> tuple[dict[_Pair, dict[str, Any]], list[Problem]]:
    """The stored form of every record, and a problem for each that would not read back."""
    out: dict[_Pair, dict[str, Any]] = {}
    problems: list[Problem] = []
    items = [(INFO_KIND, INFO_KEY, model.info)]
    items += [(kind, key, rec) for kind, table in model.tables() for key, rec in table.items()]
    for kind, key, record in items:
        data, problem = _faithful_dump(kind, key, record, getattr(record, "loc", None))
        if problem is not None:
            problems.append(problem)
        elif data is not None:
            out[(kind, key)] = data
    return out, problems


def _faithful_dump(
    kind: str, key: str, record: Any, loc: Loc | None
) -> tuple[dict[str, Any] | None, Problem | None]:
    try:
        data = codec.dump(kind, record)
    except (TypeError, ValueError, AttributeError) as exc:
        return None, Problem(
            loc,
            kind,
            f"a record without a plain form ({exc})",
            "a record of plain values",
            record=key,
        )
    bad = codec.unfaithful_fields(kind, record, data)
    if bad is not None:
        return None, Problem(
            loc,
            ", ".join(bad),
            "values that do not read back as they are",
            "values as a model file gives them (text without surrounding spaces, ...)",
            record=key,
        )
    return data, None


def _build_model(rows: Iterable[tuple[str, str, Any]], version: int) -> Model:
    info = None
    tables: dict[str, dict[str, Any]] = {kind: {} for kind in RECORD_KINDS}
    locs: dict[str, Loc] = {}
    for kind, key, data in rows:
        loc = locs.get(kind)
        if loc is None:
            loc = locs[kind] = Loc(f"store version {version}: {kind}")
        if kind == INFO_KIND:
            info = codec.load_info(data, loc)
        elif kind in tables:
            tables[kind][key] = codec.load(kind, key, data, loc)
        else:
            raise StoreError(f"{loc}: the store holds a record of unknown kind '{kind}'")
    if info is None:
        raise StoreError(f"version {version} has no model info; the store is damaged")
    return Model(info=info, **tables)


def _apply_to_model(model: Model, changes: Sequence[Change]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[_Pair] = set()
    for i, item in enumerate(changes, start=1):
        loc = Loc("changes", i)

        def bad(
            field: str, found: str, expected: str, key: str | None = None, loc: Loc = loc
        ) -> None:
            problems.append(Problem(loc, field, found, expected, record=key))

        ch: object = item
        if not isinstance(ch, Change):
            bad("change", type(ch).__name__, "a Change")
            continue
        if ch.kind not in codec.STORED_KINDS:
            bad("kind", repr(ch.kind), f"one of {', '.join(codec.STORED_KINDS)}", ch.key)
            continue
        if (ch.kind, ch.key) in seen:
            bad("key", f"a second change of {ch.kind} '{ch.key}'", "one change per record", ch.key)
            continue
        seen.add((ch.kind, ch.key))
        cls = codec.record_class(ch.kind)
        if ch.kind == INFO_KIND:
            if ch.record is None:
                bad("record", "a removal of the model info", "a ModelInfo (it cannot go)")
            elif not isinstance(ch.record, ModelInfo):
                bad("record", type(ch.record).__name__, "a ModelInfo")
            elif ch.key != INFO_KEY:
                bad("key", repr(ch.key), repr(INFO_KEY))
            else:
                _, problem = _faithful_dump(ch.kind, ch.key, ch.record, loc)
                if problem is not None:
                    problems.append(problem)
                else:
                    model.info = ch.record
            continue
        table = model.table(ch.kind)
        if ch.record is None:
            if ch.key not in table:
                bad("key", f"'{ch.key}', which {ch.kind} does not hold", "an existing key", ch.key)
            else:
                del table[ch.key]
            continue
        if not isinstance(ch.record, cls):
            bad("record", type(ch.record).__name__, f"a {cls.__name__}", ch.key)
            continue
        own = codec.key_of(ch.kind, ch.record)
        if own != ch.key:
            bad("key", repr(ch.key), f"the record's own key {own!r}", ch.key)
            continue
        _, problem = _faithful_dump(ch.kind, ch.key, ch.record, loc)
        if problem is not None:
            problems.append(problem)
            continue
        table[ch.key] = ch.record
    return problems


@contextlib.contextmanager
def _readable_times(url: str, table: str) -> Iterator[None]:
    """A time SQLite holds as text that is no time (written by hand) is a StoreError."""
    try:
        yield
    except ValueError as exc:
        raise StoreError(
            f"{url}: the table {table} holds a time that cannot be read ({exc}); the store "
            "is damaged (vitaal audit verify names the row)"
        ) from None


def _text(column: Any) -> Any:
    """A JSON column read as text, so that damaged JSON is a located error (see codec)."""
    return cast(column, Text).label(column.name)


def _record_data(row_id: int, kind: str, key: str, text: str | None) -> dict[str, Any]:
    value: dict[str, Any] = codec.parse_json(text, f"records row {row_id} ({kind} '{key}'): data")
    return value


def _items(rows: dict[_Pair, dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    return ((kind, key, data) for (kind, key), data in rows.items())


def _data_of(current: dict[_Pair, _Current]) -> dict[_Pair, dict[str, Any]]:
    return {pair: row.data for pair, row in current.items()}


def _refuse_errors(
    model: Model, done: str, *, merged: bool, scope: dict[str, list[str]] | None = None
) -> None:
    found = validate_model(model) if scope is None else validate_model(model, scope, across=False)
    problems = [p for p in found if p.severity is Severity.ERROR]
    if problems:
        what = " in the model the changes would make of the latest version" if merged else ""
        raise ModelError(problems, f"{len(problems)} problem(s){what}: the changes were not {done}")


@dataclass(frozen=True, slots=True)
class _Current:
    """A current row of ``records``: its id, data and hash."""

    id: int
    data: dict[str, Any]
    hash: str | None


@dataclass(frozen=True, slots=True)
class _NewVersion:
    number: int
    parent: int | None
    author: str
    message: str


def _current_rows(conn: Connection) -> dict[_Pair, _Current]:
    rows = conn.execute(
        select(records.c.id, records.c.kind, records.c.key, _text(records.c.data), records.c.hash)
        .where(records.c.valid_to.is_(None))
        .order_by(records.c.id)
    )
    return {
        (r.kind, r.key): _Current(r.id, _record_data(r.id, r.kind, r.key, r.data), r.hash)
        for r in rows
    }


def _current_rows_of(conn: Connection, pairs: Iterable[_Pair]) -> dict[_Pair, _Current]:
    """The current rows of the records ``pairs`` names (those that exist)."""
    wanted = sorted(pairs)
    out: dict[_Pair, _Current] = {}
    for start in range(0, len(wanted), _PAIR_CHUNK):
        chunk = wanted[start : start + _PAIR_CHUNK]
        match = or_(*(and_(records.c.kind == k, records.c.key == key) for k, key in chunk))
        rows = conn.execute(
            select(
                records.c.id, records.c.kind, records.c.key, _text(records.c.data), records.c.hash
            ).where(records.c.valid_to.is_(None), match)
        )
        for r in rows:
            data = _record_data(r.id, r.kind, r.key, r.data)
            out[(r.kind, r.key)] = _Current(r.id, data, r.hash)
    return out


def _rows_at(conn: Connection, version: int) -> dict[_Pair, dict[str, Any]]:
    rows = conn.execute(
        select(records.c.id, records.c.kind, records.c.key, _text(records.c.data))
        .where(_valid_at(version))
        .order_by(records.c.id)
    )
    return {(r.kind, r.key): _record_data(r.id, r.kind, r.key, r.data) for r in rows}


def _merge(
    conn: Connection,
    base: int,
    latest: int,
    base_rows: dict[_Pair, dict[str, Any]],
    current: dict[_Pair, _Current],
    edits: dict[_Pair, dict[str, Any] | None],
) -> dict[_Pair, dict[str, Any]]:
    """The latest records with ``edits`` (made to version ``base``) written over them;
    :class:`ConflictError` if an edited record has changed since ``base``."""
    now = _data_of(current)
    if base != latest and edits:
        touched = _touched_since(conn, base)
        conflicts = find_conflicts(edits, base_rows, now, touched, base)
        if conflicts:
            raise ConflictError(conflicts, latest)
    merged = dict(now)
    for pair, data in edits.items():
        if data is None:
            merged.pop(pair, None)
        else:
            merged[pair] = data
    return merged


def _touched_since(conn: Connection, base: int) -> dict[_Pair, tuple[int, str]]:
    """Every record a version after ``base`` changed: the last such version and its author."""
    last: dict[_Pair, int] = {}
    rows = conn.execute(
        select(records.c.kind, records.c.key, records.c.valid_from, records.c.valid_to).where(
            or_(records.c.valid_from > base, records.c.valid_to > base)
        )
    )
    for r in rows:
        when = max(v for v in (r.valid_from, r.valid_to) if v is not None and v > base)
        last[(r.kind, r.key)] = max(when, last.get((r.kind, r.key), 0))
    authors = dict(
        conn.execute(select(versions.c.id, versions.c.author).where(versions.c.id > base)).all()
    )
    return {pair: (v, str(authors.get(v, "?"))) for pair, v in last.items()}


_Entry = tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]


def _differences(
    current: dict[_Pair, _Current], wanted: dict[_Pair, dict[str, Any]], *, partial: bool = False
) -> tuple[list[_Entry], list[_Current], dict[_Pair, dict[str, Any]]]:
    """The audit entries, the rows to close and the rows to open that take ``current`` to
    ``wanted`` (into an empty store: every record, action ``import``). ``partial``: both
    hold only the records a change touches."""
    if not current and not partial:
        return [("import", *pair, None, data) for pair, data in wanted.items()], [], wanted
    entries: list[_Entry] = []
    closed: list[_Current] = []
    opened: dict[_Pair, dict[str, Any]] = {}
    for pair, data in wanted.items():
        old = current.get(pair)
        if old is None:
            opened[pair] = data
            entries.append(("add", *pair, None, data))
        elif old.data != data:
            closed.append(old)
            opened[pair] = data
            entries.append(("change", *pair, old.data, data))
    for pair, row in current.items():
        if pair not in wanted:
            closed.append(row)
            entries.append(("remove", *pair, row.data, None))
    entries.sort(key=lambda e: (_KIND_ORDER.get(e[1], len(_KIND_ORDER)), e[2]))
    return entries, closed, opened


def _write_version(
    conn: Connection,
    new: _NewVersion,
    current: dict[_Pair, _Current],
    wanted: dict[_Pair, dict[str, Any]],
    *,
    partial: bool = False,
) -> None:
    """Write version ``new``: its row (chained to its parent's hash), the rows that change
    or go closed, the rows that change or come inserted, and the audit entries. ``partial``:
    ``current`` and ``wanted`` hold only the records that may change."""
    entries, closed, opened = _differences(current, wanted, partial=partial)
    now = datetime.now(UTC)
    # each JSON form is hashed once, for its records row and its audit entry
    digests = {id(data): chain.data_hash(data) for data in opened.values()}
    record_rows: list[dict[str, Any]] = [
        {
            "kind": kind,
            "key": key,
            "data": data,
            "valid_from": new.number,
            "valid_to": None,
            "hash": chain.record_hash(kind, key, data, new.number, digest=digests[id(data)]),
        }
        for (kind, key), data in opened.items()
    ]
    audit_rows: list[dict[str, Any]] = []
    for action, kind, key, before, after in entries:
        entry: dict[str, Any] = {
            "version_id": new.number,
            "at": now,
            "author": new.author,
            "action": action,
            "kind": kind,
            "key": key,
            "before": before,
            "after": after,
        }
        entry["hash"] = chain.audit_hash(entry, digests)
        audit_rows.append(entry)
    previous = None
    if new.parent is not None:
        previous = conn.execute(select(versions.c.hash).where(versions.c.id == new.parent)).scalar()
    version: dict[str, Any] = {
        "id": new.number,
        "created_at": now,
        "author": new.author,
        "message": new.message,
        "parent_id": new.parent,
    }
    version["hash"] = chain.version_hash(
        previous,
        version,
        (e["hash"] for e in audit_rows),
        (r["hash"] for r in record_rows),
        (row.hash or "" for row in closed),
    )
    conn.execute(versions.insert().values(**version))
    ids = [row.id for row in closed]
    for start in range(0, len(ids), _ID_CHUNK):
        conn.execute(
            update(records)
            .where(records.c.id.in_(ids[start : start + _ID_CHUNK]))
            .values(valid_to=new.number)
        )
    _insert_rows(conn, records, record_rows)
    _insert_rows(conn, audit, audit_rows)


def _insert_rows(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` in batches of :data:`BATCH_SIZE` (one executemany per batch)."""
    for start in range(0, len(rows), BATCH_SIZE):
        _insert_batch(conn, table, rows[start : start + BATCH_SIZE])


def _insert_batch(conn: Connection, table: Any, batch: Sequence[dict[str, Any]]) -> None:
    conn.execute(table.insert(), list(batch))


__all__ = ["AuditEntry", "Change", "ModelStore", "VersionInfo", "open_store"]
