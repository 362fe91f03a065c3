"""Where a model comes from on the command line: a folder, a database, or a bundled example.

``MODEL`` is one of
- a model folder (``examples/rotterdam``);
- a database URL (``sqlite:///vitaal.db``, ``postgresql+psycopg://user@host/db``) or a path
  ending in ``.db`` or ``.sqlite``, optionally with ``#N`` for version N (latest otherwise);
- ``example:NAME`` for a bundled example (``example:rotterdam``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vitaal.errors import VitaalError
from vitaal.model.model import Model

_VERSION = re.compile(r"^(.*)#(\d+)$")


@dataclass(frozen=True)
class Source:
    kind: str  # "folder" or "db"
    location: str
    version: int | None = None

    def __str__(self) -> str:
        if self.kind == "db" and self.version is not None:
            return f"{self.location}#{self.version}"
        return self.location


def is_db(text: str) -> bool:
    return "://" in text or text.endswith((".db", ".sqlite", ".sqlite3"))


def parse_source(text: str, version: int | None = None) -> Source:
    if text.startswith("example:"):
        from vitaal.examples import example_path

        return Source("folder", str(example_path(text.split(":", 1)[1])))
    m = _VERSION.match(text)
    if m and is_db(m.group(1)):
        if version is not None and version != int(m.group(2)):
            raise VitaalError(f"two versions given: #{m.group(2)} and --version {version}")
        return Source("db", m.group(1), int(m.group(2)))
    if is_db(text):
        return Source("db", text, version)
    if version is not None:
        raise VitaalError("--version applies to a database, not to a model folder")
    return Source("folder", text)


def db_url(text: str) -> str:
    """A database URL from a URL or a bare SQLite file path."""
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).resolve()}"


def load(source: Source, *, strict: bool = False, progress: bool = True) -> Model:
    """Read the model a :class:`Source` names; raises ModelError or StoreError."""
    if source.kind == "folder":
        from vitaal.cli.progress import progress_bar
        from vitaal.io.folder import read_model

        with progress_bar("Reading model", enabled=progress) as update:
            return read_model(source.location, strict=strict, progress=update)
    from vitaal.store import open_store

    with open_store(db_url(source.location)) as store:
        return store.read_model(source.version)
