"""diff_models: hand-built cases with the answer written out."""

from __future__ import annotations

import dataclasses
import json

from vitaal.model.diff import FieldChange, diff_models
from vitaal.model.enums import Confidence, Origin
from vitaal.model.model import Model
from vitaal.model.records import Component, ModelInfo, Plan, Provenance, Resource
from vitaal.model.units import Quantity


def _model(**tables: dict[str, object]) -> Model:
    return Model(info=ModelInfo(name="m"), **tables)  # type: ignore[arg-type]


def test_equal_models_have_an_empty_diff(tiny: Model) -> None:
    diff = diff_models(tiny, tiny)
    assert diff.is_empty()
    assert diff.as_dict() == {
        "summary": {"added": 0, "removed": 0, "changed": 0},
        "info": [],
        "kinds": {},
    }


def test_added_removed_and_changed_records_with_their_fields() -> None:
    e = Resource(id="e", name="Electricity", unit="MW")
    w = Resource(id="w", name="Water", unit="m3/h")
    c1 = Component(id="c1", subsystem="s", kind="cable", capacity={"e": Quantity(40, "MW")})
    c1b = dataclasses.replace(
        c1,
        capacity={"e": Quantity(50, "MW")},
        condition=4,
        prov=Provenance(origin=Origin.UTILITY_DATA, confidence=Confidence.HIGH),
    )
    a = _model(resources={"e": e, "w": w}, components={"c1": c1})
    b = _model(
        resources={"e": e, "h": Resource(id="h", name="Heat", unit="MW")}, components={"c1": c1b}
    )
    diff = diff_models(a, b)
    assert diff.kind("resources").added == ("h",)
    assert diff.kind("resources").removed == ("w",)
    assert diff.kind("resources").changed == ()
    [change] = diff.kind("components").changed
    assert change.key == "c1"
    assert change.fields == (
        FieldChange("capacity", {"e": "40 MW"}, {"e": "50 MW"}),
        FieldChange("condition", None, 4),
        FieldChange("origin", "assumed", "utility_data"),
        FieldChange("confidence", "low", "high"),
    )
    assert diff.counts() == {"added": 1, "removed": 1, "changed": 1}
    assert diff.kind("plans").is_empty()
    assert [k.kind for k in diff.kinds] == ["resources", "components"]


def test_where_a_record_was_read_from_is_no_difference(tiny: Model) -> None:
    moved = dataclasses.replace(tiny)
    moved.components = {k: dataclasses.replace(c, loc=None) for k, c in tiny.components.items()}
    assert diff_models(tiny, moved).is_empty()


def test_as_dict_is_json_and_independent_of_insertion_order() -> None:
    p = Plan(
        id="p",
        title="Harbour",
        homes={2027: 300, 2028: 500},
        demand={"e": {2030: Quantity(5, "MW")}},
    )
    p2 = dataclasses.replace(p, homes={2027: 300, 2028: 600})
    r = {k: Resource(id=k, name=k.upper(), unit="MW") for k in ("z", "a", "m")}
    a = _model(plans={"p": p})
    b1 = _model(plans={"p": p2}, resources=r)
    b2 = _model(plans={"p": p2}, resources=dict(reversed(list(r.items()))))
    d1, d2 = diff_models(a, b1).as_dict(), diff_models(a, b2).as_dict()
    assert json.dumps(d1) == json.dumps(d2)
    assert d1["kinds"]["resources"]["added"] == ["a", "m", "z"]
    assert d1["kinds"]["plans"]["changed"] == [
        {
            "key": "p",
            "fields": [
                {
                    "field": "homes",
                    "before": {"2027": 300, "2028": 500},
                    "after": {"2027": 300, "2028": 600},
                },
            ],
        },
    ]
    assert json.loads(json.dumps(d1)) == d1


def test_the_diff_goes_both_ways(tiny: Model) -> None:
    smaller = dataclasses.replace(tiny)
    for kind, table in tiny.tables():
        setattr(smaller, kind, dict(table))
    del smaller.components["gs-1"]
    forward, backward = diff_models(tiny, smaller), diff_models(smaller, tiny)
    assert forward.kind("components").removed == ("gs-1",)
    assert backward.kind("components").added == ("gs-1",)
    assert forward.counts() == {"added": 0, "removed": 1, "changed": 0}
