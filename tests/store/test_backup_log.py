"""``vitaal backup`` and ``vitaal restore`` round trip on SQLite and PostgreSQL with a chain
that verifies; ``vitaal log`` lists versions and the audit trail."""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import run
from tests.store.conftest import TINY, Snapshot
from vitaal.errors import StoreError
from vitaal.model.model import Model
from vitaal.store import Change, ModelStore, open_store


@pytest.fixture
def other_url(store_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second empty database of the same backend as ``store_url``."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def history(store: ModelStore, tiny: Model) -> ModelStore:
    store.import_model(tiny, author="ann", message="survey")
    gs = tiny.components["gs-1"]
    store.apply(
        [Change.put("components", dataclasses.replace(gs, condition=5))],
        author="bo",
        base=1,
        message="inspection",
    )
    store.apply([Change.remove("challenges", "ch-solar")], author="cy", base=2)
    return store


@pytest.mark.parametrize("name", ["store.jsonl", "store.jsonl.gz"])
def test_backup_and_restore_give_the_same_store(
    history: ModelStore, store_url: str, other_url: str, tmp_path: Path, name: str
) -> None:
    file = tmp_path / name
    done = run("backup", str(file), "--db", store_url)
    assert done.exit_code == 0, done.output
    assert "wrote 3 versions" in done.stdout
    restored = run("restore", str(file), "--db", other_url)
    assert restored.exit_code == 0, restored.output
    assert "the chain verifies" in restored.stdout
    with open_store(other_url) as copy:
        assert copy.versions() == history.versions()
        assert copy.audit() == history.audit()
        for number in (1, 2, 3):
            assert copy.read_model(number) == history.read_model(number)
        assert copy.verify().ok
        assert copy.verify().head == history.verify().head
        # the restored store goes on: new rows get new ids, the chain stays sound
        ss = copy.read_model().components["ss-1"]
        copy.apply(
            [Change.put("components", dataclasses.replace(ss, condition=4))], author="di", base=3
        )
        assert copy.verify().ok, copy.verify().findings
    assert run("audit", "verify", "--db", other_url).exit_code == 0


def test_restore_into_a_store_that_holds_versions_is_refused(
    history: ModelStore, store_url: str, tmp_path: Path, snapshot: Snapshot
) -> None:
    file = tmp_path / "store.jsonl"
    history.backup(file)
    before = snapshot(store_url)
    done = run("restore", str(file), "--db", store_url)
    assert done.exit_code == 1
    assert "restore into an empty store" in done.stderr
    assert snapshot(store_url) == before


def test_a_tampered_backup_is_refused_and_nothing_restored(
    history: ModelStore, other_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "store.jsonl"
    history.backup(file)
    lines = file.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        row = json.loads(line)
        if row.get("table") == "records" and row["key"] == "gs-1" and row["valid_to"] is None:
            row["data"]["condition"] = 1
            lines[i] = json.dumps(row)
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_store(other_url) as copy:
        with pytest.raises(StoreError, match="does not verify") as info:
            copy.restore(file)
        assert "components 'gs-1'" in str(info.value)
        assert copy.versions() == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda lines: lines[:-1], "it is incomplete"),
        (lambda lines: [*lines[:4], "{not json", *lines[5:]], ":5: the line is not JSON"),
        (lambda lines: ["{}", *lines[1:]], ":1: found no backup header"),
        (
            lambda lines: [*lines[:2], json.dumps({"table": "versions", "id": 9}), *lines[3:]],
            ":3: versions row: found the columns id, expected",
        ),
    ],
)
def test_a_damaged_backup_is_a_located_error(
    history: ModelStore, other_url: str, tmp_path: Path, damage: object, message: str
) -> None:
    file = tmp_path / "store.jsonl"
    history.backup(file)
    lines = file.read_text(encoding="utf-8").splitlines()
    file.write_text("\n".join(damage(lines)) + "\n", encoding="utf-8")  # type: ignore[operator]
    done = run("restore", str(file), "--db", other_url)
    assert done.exit_code == 1
    assert message in done.stderr
    with open_store(other_url) as copy:
        assert copy.versions() == []


def test_restore_of_a_file_that_is_not_a_backup(other_url: str, tmp_path: Path) -> None:
    for name, content in (("garbage.jsonl.gz", b"not gzip"), ("empty.jsonl", b"")):
        (tmp_path / name).write_bytes(content)
        done = run("restore", str(tmp_path / name), "--db", other_url)
        assert done.exit_code == 1, name
        assert str(tmp_path / name) in done.stderr
    assert gzip.decompress(gzip.compress(b"x")) == b"x"
    missing = run("restore", str(tmp_path / "none.jsonl"), "--db", other_url)
    assert missing.exit_code == 1
    assert "no backup file" in missing.stderr


def test_log_lists_versions_and_the_audit_trail(history: ModelStore, store_url: str) -> None:
    done = run("log", "--db", store_url)
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    heads = [line for line in lines if line.startswith("version ")]
    assert [h.split()[1] for h in heads] == ["3", "2", "1"]  # newest first
    assert "bo" in heads[1]
    assert "+0 ~1 -0" in heads[1]
    assert "    inspection" in lines
    assert "change" not in done.stdout  # entries only with --audit
    with_audit = run("log", "--db", store_url, "--audit", "--version", "2")
    assert with_audit.exit_code == 0
    assert "    change components gs-1" in with_audit.stdout.splitlines()
    assert "version 1 " not in with_audit.stdout
    doc = json.loads(run("log", "--db", store_url, "--json", "--kind", "components").stdout)
    assert [v["number"] for v in doc["versions"]] == [1, 2, 3]
    assert all(v["hash"] for v in doc["versions"])
    assert {(e["version"], e["action"]) for e in doc["audit"] if e["key"] == "gs-1"} == {
        (1, "import"),
        (2, "change"),
    }


def test_log_shows_control_characters_as_escapes(store_url: str) -> None:
    assert run("import", str(TINY), "--db", store_url, "--author", "ann\x1b[31m").exit_code == 0
    done = run("log", "--db", store_url)
    assert "\x1b" not in done.stdout
    assert "ann\\x1b[31m" in done.stdout
