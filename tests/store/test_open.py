"""Opening a store: URLs, paths, and clear errors for everything that cannot be opened."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vitaal.errors import StoreError
from vitaal.store import open_store


def test_a_bare_path_ending_in_db_is_a_sqlite_store(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    with open_store(str(path)) as store:
        assert store.backend == "sqlite"
        assert store.latest_version() is None
    assert path.is_file()


@pytest.mark.parametrize("suffix", [".sqlite", ".sqlite3", ".DB"])
def test_other_sqlite_suffixes(tmp_path: Path, suffix: str) -> None:
    with open_store(str(tmp_path / f"city{suffix}")) as store:
        assert store.backend == "sqlite"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "no database given"),
        ("   ", "no database given"),
        ("city.txt", "nor a path ending in .db, .sqlite, .sqlite3"),
        ("mysql://u@localhost/x", "unsupported database 'mysql'"),
        ("sqlite:////no/such/folder/city.db", "the folder /no/such/folder does not exist"),
        ("postgresql+nosuchdriver://u@localhost/x", "cannot use database"),
        ("://nothing", "is not a database URL"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, words: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert words in str(info.value)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are notes, not a database\n" * 100)
    with pytest.raises(StoreError, match=r"cannot open the store in sqlite:///.*notes\.db"):
        open_store(str(path))


def test_an_unreachable_server_is_a_store_error_without_the_password(free_port: int) -> None:
    port = free_port
    start = time.monotonic()
    with pytest.raises(StoreError) as info:
        open_store(f"postgresql://ann:secret@127.0.0.1:{port}/city")
    message = str(info.value)
    assert f"127.0.0.1:{port}/city" in message
    assert "secret" not in message
    assert "cannot open the store" in message
    assert time.monotonic() - start < 15


def test_postgres_urls_default_to_psycopg(pg_url: str) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with open_store(plain) as store:
        assert store.backend == "postgresql"
        assert store.url.startswith("postgresql+psycopg://")


def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "city.db"))
    store.close()
    store.close()  # closing twice is harmless
    with pytest.raises(StoreError, match="is closed"):
        store.versions()


def test_a_schema_from_a_newer_vitaal_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "city.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    with pytest.raises(StoreError, match="newer vitaal"):
        open_store(str(path))
