"""Nothing half-written: a write that fails anywhere leaves every table exactly as it was."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import Connection

from vitaal.errors import ModelError, StoreError
from vitaal.model.model import Model
from vitaal.store import Change, ModelStore, repository

Snapshot = Callable[[str], object]


class InjectedError(RuntimeError):
    pass


def _fail_after_first_batch(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the bulk insert write its first batch, then fail; returns the batch sizes done."""
    done: list[int] = []
    original = repository._insert_batch

    def insert_then_fail(conn: Connection, table: Any, batch: Sequence[dict[str, Any]]) -> None:
        if done:
            raise InjectedError("the disk is full")
        original(conn, table, batch)
        done.append(len(batch))

    monkeypatch.setattr(repository, "BATCH_SIZE", 10)
    monkeypatch.setattr(repository, "_insert_batch", insert_then_fail)
    return done


def _other_model(tiny: Model) -> Model:
    other = dataclasses.replace(tiny)
    for kind, table in tiny.tables():
        setattr(other, kind, dict(table))
    comp = next(iter(other.components.values()))
    other.components[comp.id] = dataclasses.replace(comp, name="Renamed")
    other.challenges = {}
    return other


def test_a_failure_in_the_first_import_leaves_the_store_empty(
    store: ModelStore,
    store_url: str,
    tiny: Model,
    snapshot: Snapshot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot(store_url)
    done = _fail_after_first_batch(monkeypatch)
    with pytest.raises(InjectedError):
        store.import_model(tiny, author="ann")
    assert done == [10]  # one batch really was written before the failure
    assert snapshot(store_url) == before
    assert store.versions() == []
    monkeypatch.undo()
    assert store.import_model(tiny, author="ann") == 1
    assert store.read_model() == tiny


def test_a_failure_in_a_later_import_leaves_the_store_as_it_was(
    store: ModelStore,
    store_url: str,
    tiny: Model,
    snapshot: Snapshot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.import_model(tiny, author="ann")
    before = snapshot(store_url)
    done = _fail_after_first_batch(monkeypatch)
    with pytest.raises(InjectedError):
        store.import_model(_other_model(tiny), author="bo", base=1)
    assert done  # the changed record went in before the audit entries failed
    assert snapshot(store_url) == before
    assert store.read_model() == tiny


def test_a_database_error_half_way_is_a_store_error_and_changes_nothing(
    store: ModelStore,
    store_url: str,
    tiny: Model,
    snapshot: Snapshot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot(store_url)
    original = repository._insert_batch
    calls: list[int] = []

    def insert_a_bad_second_batch(
        conn: Connection, table: Any, batch: Sequence[dict[str, Any]]
    ) -> None:
        calls.append(len(batch))
        if len(calls) == 2:  # a row the database refuses (no kind), as a real failure would be
            batch = [{**batch[0], "kind": None}, *batch[1:]]
        original(conn, table, batch)

    monkeypatch.setattr(repository, "BATCH_SIZE", 10)
    monkeypatch.setattr(repository, "_insert_batch", insert_a_bad_second_batch)
    with pytest.raises(StoreError, match="cannot import the model in"):
        store.import_model(tiny, author="ann")
    assert len(calls) == 2
    assert snapshot(store_url) == before


def test_a_failed_apply_leaves_the_store_as_it_was(
    store: ModelStore,
    store_url: str,
    tiny: Model,
    snapshot: Snapshot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.import_model(tiny, author="ann")
    before = snapshot(store_url)
    comp = next(iter(tiny.components.values()))
    changes = [
        Change.put("components", dataclasses.replace(comp, condition=6)),
        Change.remove("challenges", next(iter(tiny.challenges))),
    ]
    _fail_after_first_batch(monkeypatch)
    monkeypatch.setattr(repository, "BATCH_SIZE", 1)
    with pytest.raises(InjectedError):
        store.apply(changes, author="bo", base=1)
    assert snapshot(store_url) == before


def test_a_model_with_errors_is_not_imported(
    store: ModelStore, store_url: str, tiny: Model, snapshot: Snapshot
) -> None:
    store.import_model(tiny, author="ann")
    before = snapshot(store_url)
    broken = _other_model(tiny)
    link = next(iter(broken.supply.values()))
    broken.supply[next(iter(broken.supply))] = dataclasses.replace(link, supplier="nowhere")
    with pytest.raises(ModelError, match="the model was not imported") as info:
        store.import_model(broken, author="bo", base=1)
    assert any("nowhere" in str(p) for p in info.value.errors)
    assert snapshot(store_url) == before


def test_a_record_under_a_foreign_key_is_not_imported(
    store: ModelStore, store_url: str, tiny: Model, snapshot: Snapshot
) -> None:
    before = snapshot(store_url)
    broken = _other_model(tiny)
    comp = next(iter(broken.components.values()))
    broken.components["elsewhere"] = comp
    with pytest.raises(ModelError) as info:
        store.import_model(broken, author="bo")
    assert [p.record for p in info.value.problems] == ["elsewhere"]
    assert snapshot(store_url) == before


def test_a_record_that_would_not_read_back_is_not_imported(
    store: ModelStore, store_url: str, tiny: Model, snapshot: Snapshot
) -> None:
    before = snapshot(store_url)
    odd = _other_model(tiny)
    comp = next(iter(odd.components.values()))
    odd.components[comp.id] = dataclasses.replace(comp, name="  spaced  ")
    with pytest.raises(ModelError) as info:
        store.import_model(odd, author="bo")
    [problem] = info.value.problems
    assert (problem.record, problem.field) == (comp.id, "name")
    assert snapshot(store_url) == before


@pytest.mark.parametrize("author", ["", "   ", "x" * 201])
def test_an_author_is_required(store: ModelStore, tiny: Model, author: str) -> None:
    with pytest.raises(StoreError, match="author"):
        store.import_model(tiny, author=author)
    assert store.versions() == []
