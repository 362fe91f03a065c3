"""The hash chain: manipulations by direct SQL are found by ``verify`` and named, on SQLite and
PostgreSQL; damaged JSON is a located error; an existing store gets its chain on upgrade."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, inspect, text

from tests.cli_helpers import run
from vitaal.errors import StoreError
from vitaal.model.model import Model
from vitaal.store import Change, ModelStore, open_store
from vitaal.store.chain import record_hash
from vitaal.store.migrate import alembic_config


@pytest.fixture
def chained(store: ModelStore, tiny: Model) -> ModelStore:
    """A store of three versions: the tiny model, gs-1 inspected, ss-1 inspected and a
    challenge dropped."""
    store.import_model(tiny, author="ann", message="survey")
    gs, ss = tiny.components["gs-1"], tiny.components["ss-1"]
    store.apply(
        [Change.put("components", dataclasses.replace(gs, condition=5))], author="bo", base=1
    )
    store.apply(
        [
            Change.put("components", dataclasses.replace(ss, condition=4)),
            Change.remove("challenges", "ch-solar"),
        ],
        author="cy",
        base=2,
    )
    assert store.verify().ok, store.verify().findings
    return store


@pytest.fixture
def sql(store_url: str) -> Iterator[Any]:
    """Run SQL on the store behind its back (foreign keys not enforced, as by hand)."""
    engine = create_engine(store_url)

    def execute(statement: str, **params: Any) -> list[Any]:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            result = conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    yield execute
    engine.dispose()


def _json_param(store_url: str) -> str:
    return "CAST(:data AS json)" if store_url.startswith("postgresql") else ":data"


def _found(store: ModelStore, table: str, row: int | None, what: str) -> str:
    findings = store.verify().findings
    hits = [f for f in findings if (f.table, f.row, f.what) == (table, row, what)]
    assert hits, [str(f) for f in findings]
    return str(hits[0])


def _current_row(sql: Any, kind: str, key: str) -> tuple[int, dict[str, Any]]:
    [(row_id, data)] = sql(
        "SELECT id, CAST(data AS TEXT) FROM records "
        "WHERE kind = :kind AND key = :key AND valid_to IS NULL",
        kind=kind,
        key=key,
    )
    return row_id, json.loads(data)


def test_an_untouched_store_verifies(chained: ModelStore, store_url: str) -> None:
    result = chained.verify()
    assert result.ok
    assert (result.versions, result.head_version) == (3, 3)
    assert result.head == chained.versions()[-1].hash
    assert chained.verify(expect=chained.versions()[0].hash).ok
    done = run("audit", "verify", "--db", store_url)
    assert done.exit_code == 0, done.output
    assert f"version 3, hash {result.head}" in done.stdout


def test_a_record_changed_is_found_and_named(chained: ModelStore, store_url: str, sql: Any) -> None:
    row_id, data = _current_row(sql, "components", "gs-1")
    data["condition"] = 1
    sql(
        f"UPDATE records SET data = {_json_param(store_url)} WHERE id = :id",
        data=json.dumps(data),
        id=row_id,
    )
    message = _found(chained, "records", row_id, "changed")
    assert "components 'gs-1'" in message
    done = run("audit", "verify", "--db", store_url)
    assert done.exit_code == 2
    assert f"records {row_id}: changed: components 'gs-1'" in done.stdout


def test_a_record_changed_with_its_hash_recomputed_is_found_and_named(
    chained: ModelStore, store_url: str, sql: Any
) -> None:
    row_id, data = _current_row(sql, "components", "gs-1")
    data["condition"] = 1
    sql(
        f"UPDATE records SET data = {_json_param(store_url)}, hash = :hash WHERE id = :id",
        data=json.dumps(data),
        hash=record_hash("components", "gs-1", data, 2),
        id=row_id,
    )
    # its own hash matches now, but not the audit entry of version 2, nor version 2's hash
    assert "differs from what audit row" in _found(chained, "records", row_id, "changed")
    _found(chained, "versions", 2, "changed")


def test_an_audit_entry_changed_is_found_and_named(chained: ModelStore, sql: Any) -> None:
    [(entry,)] = sql("SELECT id FROM audit WHERE version_id = 2")
    sql("UPDATE audit SET author = 'mallory' WHERE id = :id", id=entry)
    assert "change components gs-1" in _found(chained, "audit", entry, "changed")


def test_a_version_removed_is_found_and_named(chained: ModelStore, sql: Any) -> None:
    sql("DELETE FROM audit WHERE version_id = 2")
    sql("DELETE FROM versions WHERE id = 2")
    assert "version 2 is missing" in _found(chained, "versions", 2, "missing")
    # the records it wrote and closed now refer to a version that is not there
    [(opened,)] = sql("SELECT id FROM records WHERE valid_from = 2")
    _found(chained, "records", opened, "missing")


def test_the_newest_version_removed_is_found_against_a_kept_hash(
    chained: ModelStore, sql: Any
) -> None:
    kept = chained.versions()[-1].hash
    sql("DELETE FROM audit WHERE version_id = 3")
    sql("DELETE FROM records WHERE valid_from = 3")
    sql("UPDATE records SET valid_to = NULL WHERE valid_to = 3")
    sql("DELETE FROM versions WHERE id = 3")
    # a clean cut of the newest version leaves a sound chain of versions 1 and 2 ...
    assert chained.verify().ok
    # ... which no longer holds the hash kept elsewhere
    assert "no version has the hash" in str(chained.verify(expect=kept).findings[0])


def test_an_audit_row_inserted_is_found_and_named(
    chained: ModelStore, store_url: str, sql: Any
) -> None:
    sql(
        "INSERT INTO audit (version_id, at, author, action, kind, key, before, after) "
        f"VALUES (2, '2026-01-01 00:00:00', 'mallory', 'add', 'systems', 'heat', NULL, "
        f"{_json_param(store_url)})",
        data=json.dumps({"id": "heat", "name": "Heat"}),
    )
    [(entry,)] = sql("SELECT id FROM audit WHERE author = 'mallory'")
    assert "has no hash" in _found(chained, "audit", entry, "inserted")
    _found(chained, "versions", 2, "changed")


def test_a_record_inserted_is_found_and_named(
    chained: ModelStore, store_url: str, sql: Any
) -> None:
    data = {"id": "heat", "name": "Heat"}
    sql(
        "INSERT INTO records (kind, key, data, valid_from, hash) "
        f"VALUES ('systems', 'heat', {_json_param(store_url)}, 2, :hash)",
        data=json.dumps(data),
        hash=record_hash("systems", "heat", data, 2),  # a forged hash of its own
    )
    [(row_id,)] = sql("SELECT id FROM records WHERE key = 'heat'")
    assert "no audit entry" in _found(chained, "records", row_id, "inserted")
    _found(chained, "versions", 2, "changed")


def test_a_version_inserted_is_found_and_named(chained: ModelStore, sql: Any) -> None:
    sql(
        "INSERT INTO versions (id, created_at, author, message, parent_id) "
        "VALUES (4, '2030-01-01 00:00:00', 'mallory', 'nothing to see', 3)"
    )
    assert "has no hash" in _found(chained, "versions", 4, "inserted")


def test_a_version_back_dated_is_found_and_named(chained: ModelStore, sql: Any) -> None:
    sql("UPDATE versions SET created_at = '2020-01-01 00:00:00' WHERE id = 2")
    message = _found(chained, "versions", 2, "back-dated")
    assert "2020-01-01" in message
    _found(chained, "versions", 2, "changed")


def test_an_audit_entry_back_dated_is_found_and_named(chained: ModelStore, sql: Any) -> None:
    [(entry,)] = sql("SELECT id FROM audit WHERE version_id = 2")
    sql("UPDATE audit SET at = '2020-01-01 00:00:00' WHERE id = :id", id=entry)
    _found(chained, "audit", entry, "changed")
    assert "2020-01-01" in _found(chained, "versions", 2, "back-dated")


def test_a_damaged_json_row_is_a_located_error(
    chained: ModelStore, store_url: str, sql: Any, tmp_path: Path
) -> None:
    row_id, _ = _current_row(sql, "components", "gs-1")
    # SQLite keeps any text; PostgreSQL checks JSON, but not that it is an object
    damaged = "[1, 2]" if store_url.startswith("postgresql") else '{"id": "gs-1", "name'
    sql(
        f"UPDATE records SET data = {_json_param(store_url)} WHERE id = :id",
        data=damaged,
        id=row_id,
    )
    with pytest.raises(StoreError, match=rf"records row {row_id} \(components 'gs-1'\): data"):
        chained.read_model()
    assert chained.read_model(1).components["gs-1"].condition == 3  # other versions still read
    _found(chained, "records", row_id, "unreadable")
    for args in (("validate", store_url), ("export", str(tmp_path / "out"), "--db", store_url)):
        done = run(*args)
        assert done.exit_code == 1
        assert f"records row {row_id} (components 'gs-1')" in done.stderr
    assert run("audit", "verify", "--db", store_url).exit_code == 2


def test_an_existing_store_gets_its_chain_on_upgrade(chained: ModelStore, store_url: str) -> None:
    hashes = [v.hash for v in chained.versions()]
    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0001")  # a store of the previous schema
        with engine.connect() as conn:
            assert "hash" not in _columns(conn, "versions")
    finally:
        engine.dispose()
    with open_store(store_url) as store:
        # the migration computes exactly the chain the store writes
        assert [v.hash for v in store.versions()] == hashes
        assert store.verify().ok
        wtp = dataclasses.replace(store.read_model().components["wtp-1"], condition=2)
        assert store.apply([Change.put("components", wtp)], author="di", base=3) == 4
        assert store.verify().ok


def _columns(conn: Connection, table: str) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns(table)}


def test_a_time_that_is_no_time_is_a_located_error(
    chained: ModelStore, store_url: str, sql: Any
) -> None:
    if not store_url.startswith("sqlite"):
        pytest.skip("PostgreSQL keeps only valid times in a timestamp column")
    sql("UPDATE versions SET created_at = 'yesterday' WHERE id = 2")
    done = run("log", "--db", store_url)
    assert done.exit_code == 1
    assert "the table versions holds a time that cannot be read" in done.stderr
    assert "'yesterday'" in _found(chained, "versions", 2, "unreadable")
    assert chained.read_model(2).components["gs-1"].condition == 5
