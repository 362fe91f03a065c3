"""Random edits of the tiny model, applied as versions, read back right at every version."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vitaal.errors import ModelError, Severity
from vitaal.model.diff import diff_models
from vitaal.model.model import RECORD_KINDS, Model
from vitaal.model.records import Resource, System
from vitaal.model.validate import validate_model
from vitaal.store import Change, ModelStore

_TEXT = (
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["L", "N"]) | st.sampled_from(" -'"),
        min_size=1,
        max_size=16,
    )
    .map(str.strip)
    .filter(bool)
)


def _copy(model: Model) -> Model:
    other = dataclasses.replace(model)
    for kind, table in model.tables():
        setattr(other, kind, dict(table))
    return other


def _draw_changes(data: st.DataObject, current: Model, tiny: Model) -> list[Change]:
    changes: dict[tuple[str, str], Change] = {}
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        op = data.draw(
            st.sampled_from(
                ["component", "area", "system", "resource", "remove", "restore", "info"]
            ),
            label="op",
        )
        change: Change | None = None
        if op == "component" and current.components:
            comp = current.components[data.draw(st.sampled_from(sorted(current.components)))]
            field, value = data.draw(
                st.one_of(
                    st.tuples(st.just("condition"), st.none() | st.integers(1, 6)),
                    st.tuples(st.just("name"), st.none() | _TEXT),
                    st.tuples(st.just("owner"), st.none() | _TEXT),
                    st.tuples(st.just("build_year"), st.none() | st.integers(1900, 2040)),
                ),
                label="component field",
            )
            change = Change.put("components", dataclasses.replace(comp, **{field: value}))
        elif op == "area" and current.areas:
            area = current.areas[data.draw(st.sampled_from(sorted(current.areas)))]
            field = data.draw(st.sampled_from(["population", "homes", "jobs"]))
            value = data.draw(st.integers(0, 10**6))
            change = Change.put("areas", dataclasses.replace(area, **{field: value}))
        elif op == "system":
            change = Change.put(
                "systems",
                System(
                    id=f"sys-{data.draw(st.integers(0, 5))}",
                    name=data.draw(_TEXT),
                    owner=data.draw(st.none() | _TEXT),
                ),
            )
        elif op == "resource":
            change = Change.put(
                "resources",
                Resource(
                    id=f"res-{data.draw(st.integers(0, 5))}",
                    name=data.draw(_TEXT),
                    unit=data.draw(st.sampled_from(["MW", "m3/h", "service", "furlong"])),
                ),
            )
        elif op == "remove":
            kinds = [k for k in RECORD_KINDS if current.table(k)]
            kind = data.draw(st.sampled_from(kinds))
            change = Change.remove(kind, data.draw(st.sampled_from(sorted(current.table(kind)))))
        elif op == "restore":
            gone = [
                (k, key)
                for k in RECORD_KINDS
                for key in tiny.table(k)
                if current.table(k).get(key) != tiny.table(k)[key]
            ]
            if gone:
                kind, key = data.draw(st.sampled_from(gone))
                change = Change.put(kind, tiny.table(kind)[key])
        elif op == "info":
            info = dataclasses.replace(
                current.info,
                name=data.draw(_TEXT),
                base_year=data.draw(st.integers(2000, 2100)),
            )
            change = Change.put("info", info)
        if change is not None and (change.kind, change.key) not in changes:
            changes[(change.kind, change.key)] = change
    return list(changes.values())


def _applied(model: Model, changes: list[Change]) -> Model:
    out = _copy(model)
    for ch in changes:
        if ch.kind == "info":
            out.info = ch.record
        elif ch.record is None:
            del out.table(ch.kind)[ch.key]
        else:
            out.table(ch.kind)[ch.key] = ch.record
    return out


def _expected_audit(before: Model, after: Model) -> set[tuple[str, str, str]]:
    diff = diff_models(before, after)
    out = {("change", "info", "model")} if diff.info else set()
    for k in diff.kinds:
        out |= {("add", k.kind, key) for key in k.added}
        out |= {("remove", k.kind, key) for key in k.removed}
        out |= {("change", k.kind, c.key) for c in k.changed}
    return out


def _audited(store: ModelStore, number: int) -> set[tuple[str, str, str]]:
    entries = store.audit(number)
    assert all(e.author == f"author-{number % 3}" for e in entries)
    return {(e.action, e.kind, e.key) for e in entries}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_edits_read_back_at_every_version(
    store: ModelStore, tiny: Model, data: st.DataObject
) -> None:
    # The store lives across examples: each example starts by importing the tiny model over
    # whatever the previous one left, which exercises imports of differences as well.
    latest = store.latest_version()
    previous = store.read_model() if latest is not None else None
    number = store.import_model(
        tiny, author=f"author-{(0 if latest is None else latest + 1) % 3}", base=latest
    )
    if previous is not None:
        assert _audited(store, number) == _expected_audit(previous, tiny)
    history: dict[int, Model] = {number: tiny}
    current = tiny
    for _step in range(data.draw(st.integers(1, 4), label="versions")):
        changes = _draw_changes(data, current, tiny)
        expected = _applied(current, changes)
        errors = [p for p in validate_model(expected) if p.severity is Severity.ERROR]
        count = len(store.versions())
        author = f"author-{(count + 1) % 3}"
        event("rejected" if errors else "applied")
        if errors:
            with pytest.raises(ModelError):
                store.apply(changes, author=author, base=count)
            assert len(store.versions()) == count
            continue
        number = store.apply(changes, author=author, base=count, message=f"{len(changes)} edits")
        assert number == count + 1
        assert _audited(store, number) == _expected_audit(current, expected)
        history[number] = expected
        current = expected
    for version, model in history.items():
        assert store.read_model(version) == model, version
