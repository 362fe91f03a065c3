"""Meshes: a ring of primary links carries its load together (docs/capacity.md, "Meshes").

The worked example: plant ``p`` feeds main ``m1`` of a ring of four mains ``m1 - m2 - m3 -
m4 - m1``, each pair linked both ways by primary links. Area ``a`` (1,000 homes) hangs off
``m2``, area ``b`` (500 homes) off ``m3``. At the packaged 1.5 kW per home, a draws 1.5 MW
and b 0.75 MW, so the mesh carries L = 2.25 MW and passes all of it to ``p`` over its one
link out (p -> m1): p carries 2.25 MW.

- Capacities m1..m4 = 1, 1, 2, 1 MW (5 MW in all): shares 0.2, 0.2, 0.4, 0.2, loads 0.45,
  0.45, 0.9, 0.45 MW; every main at 45% of its capacity.
- m4 without a capacity: the mesh splits equally, 2.25 / 4 = 0.5625 MW each.
- m3 measured at 1.2 MW: m3 carries 0.9 + (1.2 - 0.9) = 1.2 MW, the others keep 0.45 MW,
  and p carries 0.45 * 3 + 1.2 = 2.55 MW.
- A second plant ``q`` feeding m3: two links leave the mesh, p and q carry 1.125 MW each.
"""

from __future__ import annotations

import numpy as np
import pytest

from vitaal.engine.capacity import project_capacity
from vitaal.engine.capacity_arrays import find_meshes
from vitaal.errors import ModelError, ScenarioError
from vitaal.model import (
    Component,
    Model,
    ModelInfo,
    Plan,
    Resource,
    Role,
    Scenario,
    ServiceArea,
    Subsystem,
    SupplyLink,
    System,
    link_key,
)
from vitaal.model.units import Quantity
from vitaal.model.validate import MAX_SUPPLIERS, validate_model

EL = "electricity"
RING = ("m1", "m2", "m3", "m4")


def ring_model(
    caps: dict[str, float | None],
    *,
    peaks: dict[str, float] | None = None,
    second_plant: bool = False,
) -> Model:
    links = [("p", "m1"), ("m2", "a"), ("m3", "b")]
    for i, m in enumerate(RING):
        n = RING[(i + 1) % 4]
        links += [(m, n), (n, m)]
    comps = {"p": 10.0, **caps}
    if second_plant:
        links.append(("q", "m3"))
        comps["q"] = 10.0
    supply = {}
    for s, c in links:
        sl = SupplyLink(supplier=s, consumer=c, resource=EL, role=Role.PRIMARY)
        supply[link_key(sl)] = sl
    return Model(
        info=ModelInfo(name="ring", base_year=2026),
        resources={EL: Resource(id=EL, name="El", unit="MW")},
        systems={"el": System(id="el", name="Electricity")},
        subsystems={"s": Subsystem(id="s", system="el", name="Grid")},
        components={
            cid: Component(
                id=cid,
                subsystem="s",
                kind="substation",
                capacity={} if cap is None else {EL: Quantity(cap, "MW")},
                peak_load={EL: Quantity(peaks[cid], "MW")} if peaks and cid in peaks else {},
            )
            for cid, cap in comps.items()
        },
        areas={
            "a": ServiceArea(id="a", name="A", homes=1000),
            "b": ServiceArea(id="b", name="B", homes=500),
        },
        supply=supply,
    )


def loads(model: Model, ids: tuple[str, ...]) -> list[float]:
    res = project_capacity(model, None, [2026])
    return [float(res.load_of(i, EL)[0]) for i in ids]


def test_ring_splits_by_capacity() -> None:
    m = ring_model({"m1": 1.0, "m2": 1.0, "m3": 2.0, "m4": 1.0})
    assert [p for p in validate_model(m) if p.severity == "error"] == []
    res = project_capacity(m, None, [2026])
    got = [float(res.load_of(i, EL)[0]) for i in (*RING, "p", "a", "b")]
    np.testing.assert_allclose(got, [0.45, 0.45, 0.9, 0.45, 2.25, 1.5, 0.75])
    np.testing.assert_allclose([res.utilisation_of(i, EL)[0] for i in RING], [0.45] * 4)


def test_ring_splits_equally_without_every_capacity() -> None:
    m = ring_model({"m1": 1.0, "m2": 1.0, "m3": 2.0, "m4": None})
    np.testing.assert_allclose(loads(m, (*RING, "p")), [0.5625] * 4 + [2.25])


def test_measured_member_keeps_its_peak() -> None:
    m = ring_model({"m1": 1.0, "m2": 1.0, "m3": 2.0, "m4": 1.0}, peaks={"m3": 1.2})
    np.testing.assert_allclose(loads(m, (*RING, "p")), [0.45, 0.45, 1.2, 0.45, 2.55])


def test_two_links_out_of_the_mesh_share_its_load() -> None:
    m = ring_model({"m1": 1.0, "m2": 1.0, "m3": 2.0, "m4": 1.0}, second_plant=True)
    np.testing.assert_allclose(loads(m, ("p", "q", "m3")), [1.125, 1.125, 0.9])


def test_growth_moves_the_mesh_together() -> None:
    """A plan adds 250 new homes to area a in 2030, at the packaged 3.0 kW per new home
    (+0.75 MW): L = 3.0 MW from 2030, m3 carries 0.4 x 3.0 = 1.2 MW of 2 MW, and no main runs
    out (60%)."""
    m = ring_model({"m1": 1.0, "m2": 1.0, "m3": 2.0, "m4": 1.0})
    plan = Plan(id="new", title="New homes", areas=("a",), homes={2030: 250})
    sc = Scenario(id="grow", name="Grow", plans=("new",))
    m = Model(
        info=m.info,
        systems=m.systems,
        subsystems=m.subsystems,
        resources=m.resources,
        components=m.components,
        areas=m.areas,
        supply=m.supply,
        plans={"new": plan},
        scenarios={"grow": sc},
    )
    res = project_capacity(m, "grow", [2026, 2030])
    np.testing.assert_allclose(res.load_of("m3", EL), [0.9, 1.2])
    np.testing.assert_allclose(res.load_of("p", EL), [2.25, 3.0])
    assert res.exhausted_year("m3", EL) is None


def test_find_meshes_numbers_groups_by_first_row() -> None:
    # rows 0 <- 1, 1 <- 2, 2 <- 1 (a ring of 1 and 2), 3 <- 2
    sup = np.asarray([0, 1, 2, 3], dtype=np.int64)
    con = np.asarray([1, 2, 1, 2], dtype=np.int64)
    g = find_meshes(4, sup, con)
    assert g.of_row.tolist() == [0, 1, 1, 2]
    assert g.size.tolist() == [1, 2, 1]
    assert g.mesh_of_row().tolist() == [-1, 0, 0, -1]


def test_validation_refuses_what_the_projection_refuses() -> None:
    from vitaal.engine._kernels import MAX_SUPPLIERS as ENGINE_MAX

    assert MAX_SUPPLIERS == ENGINE_MAX
    m = ring_model({"m1": 1.0, "m2": 1.0, "m3": 2.0, "m4": 1.0})
    plan = Plan(id="nowhere", title="Homes without an area", homes={2030: 10})
    sc = Scenario(id="s", name="S", plans=("nowhere",), transitions={"heat_pump": {2030: 1.5}})
    bad = Model(
        info=m.info,
        systems=m.systems,
        subsystems=m.subsystems,
        resources=m.resources,
        components=m.components,
        areas=m.areas,
        supply=m.supply,
        plans={"nowhere": plan},
        scenarios={"s": sc},
    )
    errors = [p for p in validate_model(bad) if p.severity == "error"]
    assert {(p.record, p.field) for p in errors} == {("nowhere", "areas"), ("s", "transitions")}
    # the projection refuses both: the share first, then (without it) the plan
    with pytest.raises(ScenarioError, match=r"share of 'heat_pump' in 2030 is 1\.5"):
        project_capacity(bad, "s", [2026])
    with pytest.raises(ModelError, match="plans of scenario"):
        project_capacity(bad, Scenario(id="t", name="T", plans=("nowhere",)), [2026])
