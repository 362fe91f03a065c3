"""Versions, the audit trail, reading earlier versions back and comparing versions."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from vitaal.errors import ModelError, StoreError
from vitaal.model.diff import diff_models
from vitaal.model.model import Model, link_key
from vitaal.model.records import ModelInfo, System
from vitaal.store import Change, ModelStore
from vitaal.store.codec import dump


def _copy(model: Model) -> Model:
    other = dataclasses.replace(model)
    for kind, table in model.tables():
        setattr(other, kind, dict(table))
    return other


def test_apply_makes_a_version_with_who_when_what_before_and_after(
    store: ModelStore, tiny: Model
) -> None:
    store.import_model(tiny, author="ann", message="survey 2026")
    gs = tiny.components["gs-1"]
    new_gs = dataclasses.replace(gs, condition=5)
    system = System(id="heat", name="District heating", owner="Heat company")
    start = datetime.now(UTC)
    number = store.apply(
        [
            Change.put("components", new_gs),
            Change.put("systems", system),
            Change.remove("challenges", "ch-solar"),
        ],
        author="bo",
        base=1,
        message="inspection of gs-1",
    )
    end = datetime.now(UTC)
    assert number == 2

    entries = store.audit(2)
    # written kind by kind, in the order of the model's kinds
    assert [(e.action, e.kind, e.key) for e in entries] == [
        ("add", "systems", "heat"),
        ("change", "components", "gs-1"),
        ("remove", "challenges", "ch-solar"),
    ]
    add, change, remove = entries
    assert change.before is not None
    assert change.after is not None
    assert change.before["condition"] == 3
    assert change.after["condition"] == 5
    assert {k for k in change.before if change.before[k] != change.after.get(k)} == {"condition"}
    assert add.before is None
    assert add.after == {"id": "heat", "name": "District heating", "owner": "Heat company"}
    assert remove.before == dump("challenges", tiny.challenges["ch-solar"])
    assert remove.after is None
    for e in entries:
        assert e.author == "bo"
        assert e.version == 2
        assert start - timedelta(seconds=1) <= e.at <= end + timedelta(seconds=1)
        assert e.at.tzinfo is not None

    v1, v2 = store.versions()
    assert (v2.number, v2.author, v2.message, v2.parent) == (2, "bo", "inspection of gs-1", 1)
    assert (v2.added, v2.changed, v2.removed) == (1, 1, 1)
    assert v1.created_at <= v2.created_at
    assert store.audit(kind="components", key="gs-1") == [
        *store.audit(1, kind="components", key="gs-1"),
        change,
    ]

    latest = store.read_model()
    assert latest.components["gs-1"] == new_gs
    assert latest.systems["heat"] == system
    assert "ch-solar" not in latest.challenges


def test_earlier_versions_read_back_after_changes(store: ModelStore, tiny: Model) -> None:
    store.import_model(tiny, author="ann")
    models = {1: tiny}
    current = tiny
    for condition in (4, 5, 6):
        gs = dataclasses.replace(current.components["gs-1"], condition=condition)
        number = store.apply(
            [Change.put("components", gs)], author="bo", base=store.latest_version()
        )
        current = _copy(current)
        current.components["gs-1"] = gs
        models[number] = current
    number = store.apply([Change.remove("side_outputs", "so-gs-heat")], author="cy", base=4)
    current = _copy(current)
    del current.side_outputs["so-gs-heat"]
    models[number] = current
    assert sorted(models) == [1, 2, 3, 4, 5]
    for version, model in models.items():
        assert store.read_model(version) == model, version
    assert store.read_model(1).components["gs-1"].condition == 3
    assert store.read_model(4).components["gs-1"].condition == 6
    assert "so-gs-heat" in store.read_model(4).side_outputs


def test_diff_of_two_versions(store: ModelStore, tiny: Model) -> None:
    store.import_model(tiny, author="ann")
    info = dataclasses.replace(tiny.info, name="Tiny town 2030", base_year=2030)
    store.apply(
        [
            Change.put("info", info),
            Change.put(
                "components",
                dataclasses.replace(tiny.components["gs-1"], condition=5, owner="New owner"),
            ),
            Change.put("systems", System(id="heat", name="Heat")),
            Change.remove("challenges", "ch-solar"),
        ],
        author="bo",
        base=1,
    )
    diff = store.diff(1, 2)
    assert diff == diff_models(store.read_model(1), store.read_model(2))
    assert diff.as_dict() == {
        "summary": {"added": 1, "removed": 1, "changed": 2},
        "info": [
            {"field": "name", "before": "Tiny town", "after": "Tiny town 2030"},
            {"field": "base_year", "before": 2026, "after": 2030},
        ],
        "kinds": {
            "systems": {"added": ["heat"], "removed": [], "changed": []},
            "components": {
                "added": [],
                "removed": [],
                "changed": [
                    {
                        "key": "gs-1",
                        "fields": [
                            {"field": "condition", "before": 3, "after": 5},
                            {"field": "owner", "before": "Grid company", "after": "New owner"},
                        ],
                    }
                ],
            },
            "challenges": {"added": [], "removed": ["ch-solar"], "changed": []},
        },
    }
    assert store.diff(2, 1).as_dict()["summary"] == {"added": 1, "removed": 1, "changed": 2}
    assert store.diff(2).is_empty()
    assert store.diff(1, 1).is_empty()


def test_importing_again_records_only_the_differences(store: ModelStore, tiny: Model) -> None:
    store.import_model(tiny, author="ann")
    second = _copy(tiny)
    second.components["gs-1"] = dataclasses.replace(tiny.components["gs-1"], name="GS one")
    del second.plans["plan-harbour"]
    second.systems["heat"] = System(id="heat", name="Heat")
    assert store.import_model(second, author="bo", base=1, message="new survey") == 2
    assert [(e.action, e.kind, e.key) for e in store.audit(2)] == [
        ("add", "systems", "heat"),
        ("change", "components", "gs-1"),
        ("remove", "plans", "plan-harbour"),
    ]
    assert store.read_model(2) == second
    assert store.read_model(1) == tiny


def test_importing_the_same_model_makes_a_version_without_changes(
    store: ModelStore, tiny: Model
) -> None:
    store.import_model(tiny, author="ann")
    assert store.import_model(tiny, author="bo", base=1, message="checked again") == 2
    assert store.audit(2) == []
    v2 = store.versions()[1]
    assert (v2.author, v2.message, v2.added, v2.changed, v2.removed) == (
        "bo",
        "checked again",
        0,
        0,
        0,
    )
    assert store.read_model(2) == tiny


def test_unknown_versions_are_store_errors(store: ModelStore, tiny: Model) -> None:
    with pytest.raises(StoreError, match="holds no model yet"):
        store.read_model()
    with pytest.raises(StoreError, match=r"no version 1 \(it holds no versions\)"):
        store.read_model(1)
    store.import_model(tiny, author="ann")
    for bad in (0, 2, -1):
        with pytest.raises(StoreError, match=rf"no version {bad} \(it holds versions 1 to 1\)"):
            store.read_model(bad)
    with pytest.raises(StoreError, match="no version 7"):
        store.audit(7)
    with pytest.raises(StoreError, match="no version 3"):
        store.diff(1, 3)
    with pytest.raises(StoreError, match="expected a version number"):
        store.read_model("1")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="unknown record kind 'pipes'"):
        store.audit(kind="pipes")


def test_apply_to_an_empty_store_is_refused(store: ModelStore) -> None:
    with pytest.raises(StoreError, match="import one first"):
        store.apply([Change.remove("systems", "water")], author="ann", base=1)
    assert store.versions() == []


def test_changes_are_checked_and_every_problem_reported(store: ModelStore, tiny: Model) -> None:
    store.import_model(tiny, author="ann")
    gs = tiny.components["gs-1"]
    link = next(iter(tiny.supply.values()))
    changes = [
        Change("pipes", "p1", gs),  # unknown kind
        Change("components", "gs-2", gs),  # key is not its own
        Change("systems", "water", gs),  # wrong record type
        Change.remove("areas", "no-such-area"),  # nothing to remove
        Change.put("components", dataclasses.replace(gs, condition=2)),
        Change.put("components", dataclasses.replace(gs, condition=3)),  # second change of gs-1
        Change.remove("info", "model"),  # the info cannot go
    ]
    with pytest.raises(ModelError, match="the changes were not applied") as info:
        store.apply(changes, author="bo", base=1)
    found = [(p.loc.line if p.loc else None, p.field) for p in info.value.problems]
    assert found == [(1, "kind"), (2, "key"), (3, "record"), (4, "key"), (6, "key"), (7, "record")]
    assert store.versions()[-1].number == 1

    # a change that breaks the model as a whole: a supply link from nowhere
    broken = dataclasses.replace(link, supplier="nowhere")
    with pytest.raises(ModelError) as info:
        store.apply(
            [Change.remove("supply", link_key(link)), Change.put("supply", broken)],
            author="bo",
            base=1,
        )
    assert any(p.field == "supplier" and "nowhere" in p.found for p in info.value.errors)
    assert len(store.versions()) == 1
    assert store.read_model() == tiny


def test_an_unchanged_record_is_not_audited(store: ModelStore, tiny: Model) -> None:
    store.import_model(tiny, author="ann")
    number = store.apply(
        [
            Change.put("components", tiny.components["gs-1"]),
            Change.put(
                "info",
                ModelInfo(
                    **{f.name: getattr(tiny.info, f.name) for f in dataclasses.fields(tiny.info)}
                ),
            ),
        ],
        author="bo",
        base=1,
    )
    assert store.audit(number) == []
    assert store.read_model(number) == tiny
