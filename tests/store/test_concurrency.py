"""Optimistic concurrency with real concurrent writers, and readers that never wait.

The rule (docs/store.md): every import and apply names the version it is based on; a change
of a record that another version changed after that base is refused with both versions shown;
changes of different records from the same base all land, none reverting another.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from tests.cli_helpers import run
from tests.store.conftest import TINY
from vitaal.errors import ModelError, StoreError
from vitaal.io.folder import write_model
from vitaal.model.model import Model
from vitaal.store import Change, ConflictError, ModelStore, open_store, repository

COMPONENTS = ("gs-1", "ss-1", "ss-2", "wtp-1")


def _with_component(model: Model, key: str, **fields: Any) -> Model:
    other = dataclasses.replace(model)
    for kind, table in model.tables():
        setattr(other, kind, dict(table))
    other.components[key] = dataclasses.replace(model.components[key], **fields)
    return other


def _race(url: str, jobs: Sequence[Callable[[ModelStore], int]]) -> list[int | Exception]:
    """Run each job in its own thread, on its own store connection, released all at once."""
    gate = threading.Barrier(len(jobs))
    results: list[int | Exception] = [RuntimeError("did not run")] * len(jobs)

    def work(i: int) -> None:
        with open_store(url) as store:
            gate.wait()
            try:
                results[i] = jobs[i](store)
            except Exception as exc:
                results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_imports_of_different_records_from_one_version_all_land(
    store: ModelStore, store_url: str, tiny: Model
) -> None:
    store.import_model(tiny, author="ann")
    edited = {key: _with_component(tiny, key, condition=5) for key in COMPONENTS}

    def importer(key: str) -> Callable[[ModelStore], int]:
        return lambda s: s.import_model(edited[key], author=f"editor of {key}", base=1)

    results = _race(store_url, [importer(key) for key in COMPONENTS])
    assert sorted(r for r in results if isinstance(r, int)) == [2, 3, 4, 5], results
    latest = store.read_model()
    # no import reverted another: every edited component has its new condition
    assert {key: latest.components[key].condition for key in COMPONENTS} == dict.fromkeys(
        COMPONENTS, 5
    )
    for version in (2, 3, 4, 5):
        [entry] = store.audit(version)
        assert (entry.action, entry.kind) == ("change", "components")
        assert entry.author == f"editor of {entry.key}"


def test_imports_of_one_record_from_one_version_refuse_all_but_one(
    store: ModelStore, store_url: str, tiny: Model
) -> None:
    store.import_model(tiny, author="ann")
    conditions = (4, 5, 6)
    results = _race(
        store_url,
        [
            lambda s, c=c: s.import_model(  # type: ignore[misc]
                _with_component(tiny, "gs-1", condition=c), author=f"editor {c}", base=1
            )
            for c in conditions
        ],
    )
    landed = [i for i, r in enumerate(results) if isinstance(r, int)]
    assert len(landed) == 1, results
    winner = conditions[landed[0]]
    assert store.read_model().components["gs-1"].condition == winner
    assert store.latest_version() == 2
    for i, result in enumerate(results):
        if i == landed[0]:
            continue
        assert isinstance(result, ConflictError), result
        [conflict] = result.conflicts
        assert (conflict.kind, conflict.key) == ("components", "gs-1")
        assert (conflict.base_version, conflict.their_version) == (1, 2)
        assert conflict.their_author == f"editor {winner}"
        assert conflict.base is not None
        assert conflict.theirs is not None
        assert conflict.yours is not None
        assert (conflict.base["condition"], conflict.theirs["condition"]) == (3, winner)
        assert conflict.yours["condition"] == conditions[i]
        assert conflict.fields() == ["condition"]
        # both versions are shown in the message
        assert "in version 1" in str(result)
        assert "in version 2" in str(result)
        assert f"condition={conditions[i]}" in str(result)


def test_apply_from_an_older_version(store: ModelStore, tiny: Model) -> None:
    store.import_model(tiny, author="ann")
    gs, ss = tiny.components["gs-1"], tiny.components["ss-1"]
    assert (
        store.apply(
            [Change.put("components", dataclasses.replace(gs, condition=5))], author="bo", base=1
        )
        == 2
    )
    # a different record from version 1: lands on top of version 2, which it keeps
    assert (
        store.apply(
            [Change.put("components", dataclasses.replace(ss, condition=4))], author="cy", base=1
        )
        == 3
    )
    latest = store.read_model()
    assert (latest.components["gs-1"].condition, latest.components["ss-1"].condition) == (5, 4)
    # the same record from version 1: refused, nothing written
    with pytest.raises(ConflictError) as info:
        store.apply(
            [Change.put("components", dataclasses.replace(gs, condition=1))], author="di", base=1
        )
    assert [(c.kind, c.key, c.their_version) for c in info.value.conflicts] == [
        ("components", "gs-1", 2)
    ]
    # removing it from version 1 is refused too
    with pytest.raises(ConflictError):
        store.apply([Change.remove("components", "gs-1")], author="di", base=1)
    # the same change as the one made since is no conflict, and records nothing
    number = store.apply(
        [Change.put("components", dataclasses.replace(gs, condition=5))], author="di", base=1
    )
    assert store.audit(number) == []
    # a record put back as it was in the base is no change of it: it does not revert
    number = store.apply([Change.put("components", gs)], author="di", base=1)
    assert store.read_model(number).components["gs-1"].condition == 5
    assert store.latest_version() == 5


def test_changes_that_merge_into_an_unsound_model_are_refused(
    store: ModelStore, tiny: Model
) -> None:
    store.import_model(tiny, author="ann")
    # from version 1, bo adds a supply link from ss-2 ...
    link = dataclasses.replace(tiny.supply["ss-1>wtp-1|electricity"], supplier="ss-2")
    assert store.apply([Change.put("supply", link)], author="bo", base=1) == 2
    # ... and cy removes ss-2 with every link of it that version 1 holds: sound on its own
    # (version 1 without ss-2 and the scenario that floods it), but merged with bo's link, a
    # link from nowhere
    gone = [key for key in tiny.supply if "ss-2" in key]
    changes = [Change.remove("components", "ss-2"), Change.remove("scenarios", "flood")]
    changes += [Change.remove("supply", key) for key in gone]
    with pytest.raises(ModelError, match="would make of the latest version") as info:
        store.apply(changes, author="cy", base=1)
    assert any("ss-2" in str(p) for p in info.value.errors)
    assert store.latest_version() == 2
    # the same removal based on version 1 alone is sound
    assert (
        store.apply(
            [*changes, Change.remove("supply", "ss-2>wtp-1|electricity")], author="cy", base=2
        )
        == 3
    )


def test_a_base_version_is_required_and_checked(store: ModelStore, tiny: Model) -> None:
    with pytest.raises(StoreError, match="holds no model yet"):
        store.import_model(tiny, author="ann", base=1)
    store.import_model(tiny, author="ann")
    with pytest.raises(StoreError, match="name the version your change is based on"):
        store.import_model(tiny, author="bo")
    for bad in (0, 2, "1"):
        with pytest.raises(StoreError, match="expected the version your change is based on"):
            store.import_model(tiny, author="bo", base=bad)  # type: ignore[arg-type]
    assert store.latest_version() == 1


def _hold_the_write(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the next write stop half-way (its lock held) until ``release`` is set."""
    holding, release = threading.Event(), threading.Event()
    original = repository._insert_batch

    def insert_and_wait(conn: Connection, table: Any, batch: Sequence[dict[str, Any]]) -> None:
        original(conn, table, batch)
        holding.set()
        release.wait(60)

    monkeypatch.setattr(repository, "_insert_batch", insert_and_wait)
    return holding, release


def test_readers_do_not_wait_for_a_long_write(
    store_url: str, tiny: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_url) as store:
        store.import_model(tiny, author="ann")
    holding, release = _hold_the_write(monkeypatch)
    changed = _with_component(tiny, "gs-1", condition=5)
    written: list[int] = []

    def write() -> None:
        with open_store(store_url) as store:
            written.append(store.import_model(changed, author="bo", base=1))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert holding.wait(30), "the writer did not start"
        seen: list[Any] = []

        def read() -> None:
            start = time.perf_counter()
            with open_store(store_url) as store:
                seen.append(store.read_model())
                seen.append(store.versions())
                seen.append(store.audit(1))
                seen.append(store.verify())
            seen.append(time.perf_counter() - start)

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), "the reader waited for the writer"
        model, versions, _, verification, took = seen
        assert model == tiny  # the last committed version, not the half-written one
        assert [v.number for v in versions] == [1]
        assert verification.ok, verification.findings
        assert took < 10
    finally:
        release.set()
        writer.join(60)
    assert written == [2]


def test_validate_does_not_wait_for_a_long_write(
    store_url: str, tiny: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_url) as store:
        store.import_model(tiny, author="ann")
    holding, release = _hold_the_write(monkeypatch)
    changed = _with_component(tiny, "gs-1", condition=5)

    def write() -> None:
        with open_store(store_url) as store:
            store.import_model(changed, author="bo", base=1)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert holding.wait(30), "the writer did not start"
        done = subprocess.run(
            [sys.executable, "-m", "vitaal.cli.main", "validate", store_url],
            capture_output=True,
            text=True,
            timeout=25,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "no errors" in done.stdout
        assert writer.is_alive()  # the write was still going on all along
    finally:
        release.set()
        writer.join(60)


def test_cli_imports_race_from_one_version(store_url: str, tmp_path: Path) -> None:
    """Two people import their edits of version 1 at the same moment, as separate processes:
    different components both land; the same component is refused with both versions."""
    assert run("import", str(TINY), "--db", store_url, "--author", "ann").exit_code == 0
    tiny = open_store(store_url)
    try:
        base = tiny.read_model()
    finally:
        tiny.close()
    folders = {}
    for name, key, condition in (("a", "gs-1", 5), ("b", "ss-1", 4), ("c", "gs-1", 6)):
        folders[name] = write_model(
            _with_component(base, key, condition=condition), tmp_path / name
        )

    def race(names: Sequence[str]) -> list[subprocess.CompletedProcess[str]]:
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "vitaal.cli.main",
                    "import",
                    str(folders[n]),
                    "--db",
                    store_url,
                    "--author",
                    n,
                    "--base",
                    "1",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in names
        ]
        out = []
        for p in procs:
            stdout, stderr = p.communicate(timeout=120)
            out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
        return out

    first = race(["a", "b"])
    assert [p.returncode for p in first] == [0, 0], [p.stderr for p in first]
    with open_store(store_url) as store:
        latest = store.read_model()
        assert (latest.components["gs-1"].condition, latest.components["ss-1"].condition) == (
            5,
            4,
        )
        assert store.latest_version() == 3
    [refused] = race(["c"])
    assert refused.returncode == 1
    assert "components 'gs-1'" in refused.stderr
    assert "in version 1" in refused.stderr
    assert "condition=3" in refused.stderr
    assert "condition=5" in refused.stderr
    assert "condition=6" in refused.stderr
    with open_store(store_url) as store:
        assert store.latest_version() == 3
    # an import that names no base is refused, and told which version is the latest
    unnamed = run("import", str(folders["a"]), "--db", store_url, "--author", "a")
    assert unnamed.exit_code == 1
    assert "name the version your change is based on (the latest is 3)" in unnamed.stderr
