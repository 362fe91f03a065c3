"""Bulk upload: a zipped model folder, or one table file, validated whole and written as one
new version (all or nothing).

A zipped model folder (``docs/model-format.md``: ``model.yaml`` at the top of the zip or of
its one folder) is read as ``vitaal import`` reads a folder and imported with the version the
upload was made from as its base: records it adds, changes or leaves out are added, changed
or removed, as ``vitaal import --base N`` does. One table file (``components.csv``,
``supply.yaml``, ... named after its table, or with the table given) adds its rows or
changes the rows with the same key; the table's other rows are kept.

The zip is checked before anything is unpacked and while it is: at most
:data:`MAX_FILES` entries and :data:`MAX_UNPACKED` bytes unpacked (counted as the bytes come
out, not as the zip declares them), no entry more than :data:`MAX_RATIO` times smaller
packed than unpacked, and no absolute path, ``..``, backslash, drive or link.
"""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from vitaal.errors import ModelError, Problem, Severity
from vitaal.io.folder import load_model, read_table
from vitaal.model.diff import diff_models
from vitaal.model.model import RECORD_KINDS, Model
from vitaal.model.validate import validate_model
from vitaal.store import Change, ConflictError, ModelStore
from vitaal.web.accounts import User
from vitaal.web.rights import may_write

__all__ = [
    "MAX_FILES",
    "MAX_RATIO",
    "MAX_UNPACKED",
    "MAX_UPLOAD",
    "TABLE_KINDS",
    "Upload",
    "UploadError",
    "Written",
    "changed_records",
    "check_upload",
    "problem_rows",
    "read_upload",
    "refusal",
    "run_upload",
    "write_upload",
]

#: the largest upload (bytes as sent)
MAX_UPLOAD = 50 * 1024 * 1024
#: the most a zip may unpack to, in bytes
MAX_UNPACKED = 200 * 1024 * 1024
#: the most entries a zip may hold
MAX_FILES = 5000
#: the most an entry may grow when unpacked (a model's CSV packs about 5 to 10 times)
MAX_RATIO = 200
#: the tables one file may be uploaded for (systems hold their subsystems, and scenarios
#: name files beside them: they come with their folder)
TABLE_KINDS = tuple(k for k in RECORD_KINDS if k not in ("systems", "scenarios"))
_TABLE_SUFFIXES = (".csv", ".yaml", ".yml", ".geojson", ".json")
_CHUNK = 1 << 16


class UploadError(ValueError):
    """An upload that cannot be read at all (not a zip, too large, a path outside the
    folder, ...): nothing of it is looked at further."""


@dataclass
class Upload:
    """What an upload holds: a whole model, or the records of one table, and the problems
    met reading it (file, line or row, field)."""

    model: Model | None = None
    kind: str | None = None
    records: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _entry_problem(name: str) -> str | None:
    """Why a zip entry's path is refused, or ``None``."""
    if "\\" in name or name.startswith("/") or "\x00" in name:
        return "an absolute path or a backslash"
    parts = PurePosixPath(name).parts
    if any(p == ".." for p in parts):
        return "a path with '..'"
    if parts and (":" in parts[0]):
        return "a path with a drive"
    return None


def _unpack(data: bytes, dest: Path) -> Path:
    """Unpack the zip ``data`` into ``dest`` and return the model folder in it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadError(
            f"file: found no zip file ({exc}), expected a zipped model folder"
        ) from None
    with archive:
        entries = [e for e in archive.infolist() if not e.filename.startswith("__MACOSX/")]
        _check_entries(entries)
        total = 0
        for entry in entries:
            name = entry.filename
            target = dest.joinpath(*PurePosixPath(name).parts)
            written = 0
            try:
                if entry.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(entry) as src, target.open("wb") as out:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        total += len(chunk)
                        if written > entry.file_size or total > MAX_UNPACKED:
                            raise UploadError(
                                f"{name}: found more bytes than the zip declares or than "
                                f"{MAX_UNPACKED} in all, expected an honest zip"
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                raise UploadError(
                    f"{name}: found an entry that cannot be unpacked ({exc})"
                ) from None
    if (dest / "model.yaml").is_file():
        return dest
    tops = [p for p in dest.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(tops) == 1 and (tops[0] / "model.yaml").is_file():
        return tops[0]
    raise UploadError(_NO_MODEL)


def _table_kind(filename: str, kind: str | None) -> tuple[str, str]:
    name = PurePosixPath(filename.replace("\\", "/")).name
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in _TABLE_SUFFIXES:
        raise UploadError(
            f"file: found '{name}', expected a zip of a model folder or a table file "
            f"({', '.join(_TABLE_SUFFIXES)})"
        )
    chosen = kind or PurePosixPath(name).stem
    if chosen not in TABLE_KINDS:
        raise UploadError(
            f"kind: found '{chosen}', expected the table the file is of: "
            f"{', '.join(TABLE_KINDS)} (name the file after it, e.g. components.csv)"
        )
    return chosen, suffix


def check_upload(filename: str, data: bytes, kind: str | None) -> None:
    """The checks that need no unpacking, made before an upload goes to a worker: its size,
    and a zip's entries (count, paths, declared sizes and packing, a ``model.yaml``) or a
    table file's table. :class:`UploadError` says what is wrong."""
    if len(data) > MAX_UPLOAD:
        raise UploadError(f"file: found {len(data)} bytes, expected at most {MAX_UPLOAD}")
    if not _is_zip(filename, data):
        _table_kind(filename, kind)
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [e for e in archive.infolist() if not e.filename.startswith("__MACOSX/")]
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadError(
            f"file: found no zip file ({exc}), expected a zipped model folder"
        ) from None
    _check_entries(entries)
    names = {PurePosixPath(e.filename).parts for e in entries}
    if ("model.yaml",) not in names and not any(
        len(p) == 2 and p[1] == "model.yaml" for p in names
    ):
        raise UploadError(_NO_MODEL)


def _is_zip(filename: str, data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith(".zip")


_NO_MODEL = (
    "file: found no model.yaml at the top of the zip or of its one folder, expected a "
    "zipped model folder (docs/model-format.md)"
)


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip by what its directory says: too many entries, too large unpacked, a
    path outside the folder, a link, an entry packed beyond :data:`MAX_RATIO`."""
    if len(entries) > MAX_FILES:
        raise UploadError(
            f"file: found {len(entries)} entries in the zip, expected at most {MAX_FILES}"
        )
    declared = sum(e.file_size for e in entries)
    if declared > MAX_UNPACKED:
        raise UploadError(
            f"file: found a zip that unpacks to {declared} bytes, expected at most {MAX_UNPACKED}"
        )
    for entry in entries:
        name = entry.filename
        why = _entry_problem(name)
        if why is not None:
            raise UploadError(
                f"{name}: found {why}, expected paths inside the model folder; nothing was unpacked"
            )
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise UploadError(f"{name}: found a link, expected files and folders only")
        packed = max(entry.compress_size, 1)
        if entry.file_size > MAX_RATIO * packed + _CHUNK:
            raise UploadError(
                f"{name}: found an entry packed {entry.file_size // packed} times smaller "
                f"than it unpacks, expected at most {MAX_RATIO} times (a zip bomb?)"
            )


def read_upload(filename: str, data: bytes, kind: str | None, crs: str) -> Upload:
    """Read an upload: a zip as a model folder, another file as one table (of ``kind``, or
    of the table its name says). :class:`UploadError` when it cannot be read at all."""
    if len(data) > MAX_UPLOAD:
        raise UploadError(f"file: found {len(data)} bytes, expected at most {MAX_UPLOAD}")
    with tempfile.TemporaryDirectory(prefix="vitaal-upload-") as tmp:
        if _is_zip(filename, data):
            root = _unpack(data, Path(tmp))
            model, problems = load_model(root)
            return Upload(model=model, problems=problems)
        table, suffix = _table_kind(filename, kind)
        path = Path(tmp) / f"{PurePosixPath(filename.replace(chr(92), '/')).stem}{suffix}"
        path.write_bytes(data)
        records, problems = read_table(path, table, crs=crs)
        return Upload(kind=table, records=records, problems=problems)


def changed_records(upload: Upload, base: Model) -> list[tuple[str, str, Any, Any]]:
    """What the upload would add, change or remove in ``base``: (kind, key, before, after),
    ``None`` where the record does not exist; kind ``info`` for the model's description."""
    out: list[tuple[str, str, Any, Any]] = []
    if upload.model is None:
        table = base.table(upload.kind or "")
        for key, record in upload.records.items():
            if table.get(key) != record:
                out.append((upload.kind or "", key, table.get(key), record))
        return out
    diff = diff_models(base, upload.model)
    if diff.info:
        out.append(("info", "model", base.info, upload.model.info))
    for k in diff.kinds:
        old, new = base.table(k.kind), upload.model.table(k.kind)
        for key in k.added:
            out.append((k.kind, key, None, new[key]))
        for key in k.removed:
            out.append((k.kind, key, old[key], None))
        for change in k.changed:
            out.append((k.kind, change.key, old[change.key], new[change.key]))
    return out


@dataclass
class Written:
    """What writing an upload did: the new version, or every problem, or the conflicts."""

    version: int | None = None
    problems: list[Problem] = field(default_factory=list)
    conflict: ConflictError | None = None


def write_upload(
    store: ModelStore, upload: Upload, *, base: int, author: str, name: str
) -> Written:
    """Validate the upload whole and write it as one new version over ``base``; nothing is
    written when it has any problem (all of them are returned) or a conflict."""
    if any(p.severity is Severity.ERROR for p in upload.problems):
        return Written(problems=_errors(upload))
    message = f"upload {name} in the web app"
    try:
        if upload.model is not None:
            version = store.import_model(upload.model, author=author, message=message, base=base)
        else:
            kind = upload.kind or ""
            changes = [Change.put(kind, r) for r in upload.records.values()]
            version = store.apply(changes, author=author, base=base, message=message)
    except ConflictError as exc:
        return Written(conflict=exc)
    except ModelError as exc:
        return Written(problems=[p for p in exc.errors if p.severity is Severity.ERROR])
    return Written(version=version)


def problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    """Each problem as its file, row (line), column (field), record, found and expected."""
    return [
        {
            "file": p.loc.file if p.loc else None,
            "row": p.loc.line if p.loc else None,
            "column": p.field,
            "record": p.record,
            "found": p.found,
            "expected": p.expected,
        }
        for p in problems
    ]


def refusal(user: User, read: Upload, at_base: Model, latest: Model) -> str | None:
    """Why ``user`` may not write the upload: the first record it would add, change or
    remove that is not one the user may edit (:func:`vitaal.web.rights.may_write`, both as
    it is in the latest version and as it would be), or ``None``."""
    if user.role in ("administrator", "analyst"):
        return None
    after_model = read.model or latest
    for kind, key, before, after in changed_records(read, at_base):
        if kind == "info":
            return "the model's description (model.yaml): only analysts change it"
        current = latest.table(kind).get(key)
        was = (latest, current) if current is not None else None
        if was is None and before is not None:
            was = (at_base, before)
        will = (after_model, after) if after is not None else None
        if not may_write(user, was, will, kind):
            return f"{kind} {key}: your organisation may not write it"
    return None


def run_upload(
    url: str,
    base: int,
    user: dict[str, Any],
    upload: tuple[str, bytes, str | None, str],
    progress: Callable[[str, int, int], None],
    model_at: Callable[[str, int], Model],
) -> dict[str, Any]:
    """Read, check and write an upload in a worker; ``upload`` is the file's name, its
    bytes, the table of a single file (or ``None``) and the coordinate system of GeoJSON.
    The result's ``outcome`` is ``written`` (with the ``version``), ``problems`` (each with
    its file, row and column: nothing written), ``unreadable`` or ``refused`` (with the
    ``detail``) or ``conflict`` (with ``latest`` and ``conflicts``)."""
    from vitaal.store import open_store

    filename, data, kind, crs = upload
    out: dict[str, Any] = {"name": filename, "base": base}
    progress("reading the upload", 0, 3)
    try:
        read = read_upload(filename, data, kind, crs)
    except UploadError as exc:
        return {**out, "outcome": "unreadable", "detail": str(exc)}
    if any(p.severity is Severity.ERROR for p in read.problems):
        return {**out, "outcome": "problems", "problems": problem_rows(_errors(read))}
    who = User(0, user["username"], user["username"], user["role"], user.get("organisation"))
    with open_store(url) as store:
        progress("checking rights", 1, 3)
        if who.role not in ("administrator", "analyst"):
            latest = store.latest_version() or base
            why = refusal(who, read, model_at(url, base), model_at(url, latest))
            if why is not None:
                return {**out, "outcome": "refused", "detail": f"{why} (nothing was written)"}
        progress("validating and writing", 2, 3)
        written = write_upload(store, read, base=base, author=who.username, name=filename)
    progress("validating and writing", 3, 3)
    if written.conflict is not None:
        return {
            **out,
            "outcome": "conflict",
            "detail": str(written.conflict).splitlines()[0],
            "latest": written.conflict.latest,
            "conflicts": [c.as_dict() for c in written.conflict.conflicts],
        }
    if written.problems:
        return {**out, "outcome": "problems", "problems": problem_rows(written.problems)}
    return {**out, "outcome": "written", "version": written.version}


def _errors(read: Upload) -> list[Problem]:
    """The reader's errors and, for a model, what validation finds in what could be read."""
    errors = [p for p in read.problems if p.severity is Severity.ERROR]
    if read.model is not None:
        errors += [p for p in validate_model(read.model) if p.severity is Severity.ERROR]
    return errors
