"""An edit applied with the model held in memory (``apply(..., known=...)``: the touched
records read, the validation narrowed where the edit allows, :mod:`vitaal.store.scope`) has
the same outcome as the same edit applied by reading and validating the whole model: the
same version written, with the same audit entries, or the same problems. Random edits of the
tiny model, each applied to two stores that hold the same versions."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from vitaal.errors import ModelError
from vitaal.io import read_model
from vitaal.model.model import Model
from vitaal.store import Change, ModelStore, open_store
from vitaal.store.codec import key_of
from vitaal.store.scope import validation_scope

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
EDITS = 120

#: component fields changed, and values that break them
BAD = {
    "kind": "no_such_kind",
    "subsystem": "no-such-subsystem",
    "capacity": {},
    "geometry": "POINT (1 2",
    "condition": 9,
}
FIELDS = ("name", "kind", "subsystem", "capacity", "geometry", "condition", "build_year")


def _edit(rng: random.Random, model: Model, n: int) -> Change:
    """One random change: a component's field set to another component's value or to a bad
    one, a component added or removed, a requirement's buffer or a link's role changed, a
    requirement or a link removed."""
    comps = sorted(model.components)
    what = rng.random()
    if what < 0.55:
        comp = model.components[rng.choice(comps)]
        name = rng.choice(FIELDS)
        if rng.random() < 0.3 and name in BAD:
            value: Any = BAD[name]
        else:
            value = getattr(model.components[rng.choice(comps)], name)
        return Change.put("components", replace(comp, **{name: value}))
    if what < 0.65:
        comp = model.components[rng.choice(comps)]
        return Change.put("components", replace(comp, id=f"{comp.id}-copy{n}"))
    if what < 0.75:
        return Change.remove("components", rng.choice(comps))
    if what < 0.85 and model.requirements:
        req = model.requirements[rng.choice(sorted(model.requirements))]
        if rng.random() < 0.5:
            return Change.remove("requirements", key_of("requirements", req))
        return Change.put("requirements", replace(req, buffer_h=rng.choice([0.0, 2.0, 48.0])))
    link = model.supply[rng.choice(sorted(model.supply))]
    if rng.random() < 0.5:
        return Change.remove("supply", key_of("supply", link))
    return Change.put("supply", replace(link, role=rng.choice(["primary", "backup"])))


def _outcome(store: ModelStore, change: Change, known: Model | None) -> Any:
    base = store.latest_version()
    assert base is not None
    try:
        number = store.apply([change], author="ann", base=base, known=known)
    except ModelError as exc:
        return ("refused", sorted(str(p) for p in exc.errors))
    entries = [(e.action, e.kind, e.key, e.before, e.after) for e in store.audit(number)]
    return ("written", number, entries)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_have_the_outcome_of_the_whole_validation(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    tiny = read_model(TINY)
    with (
        open_store(str(tmp_path / "fast.db")) as fast,
        open_store(str(tmp_path / "whole.db")) as whole,
    ):
        fast.import_model(tiny, author="setup")
        whole.import_model(tiny, author="setup")
        model = fast.read_model()
        outcomes: dict[str, int] = {"written": 0, "refused": 0, "narrow": 0}
        for n in range(EDITS):
            change = _edit(rng, model, n)
            if validation_scope(model, [change]) is not None:
                outcomes["narrow"] += 1
            got = _outcome(fast, change, known=model)
            expected = _outcome(whole, change, known=None)
            assert got == expected, (n, change)
            outcomes[got[0]] += 1
            if got[0] == "written":
                model = fast.read_model()
                assert model == whole.read_model()
        # both kinds of outcome, and narrowed validations among them, were met
        assert min(outcomes.values()) >= 10, outcomes
        assert fast.verify().ok
        assert whole.verify().ok


def test_the_model_held_is_not_changed(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.db")) as store:
        store.import_model(read_model(TINY), author="setup")
        held = store.read_model()
        ss1 = held.components["ss-1"]
        store.apply(
            [
                Change.remove("supply", "gs-1>ss-2|electricity"),
                Change.put("components", replace(ss1, name="S1")),
            ],
            author="ann",
            base=1,
            known=held,
        )
        assert held == store.read_model(1)
        assert store.read_model().components["ss-1"].name == "S1"
        assert "gs-1>ss-2|electricity" not in store.read_model().supply


def test_a_component_whose_kind_a_challenge_names_is_checked_with_it(tmp_path: Path) -> None:
    # the challenge questions the grid station kind of el-grid, which only gs-1 has: gs-1 made
    # a substation leaves the challenge naming a kind its subsystem no longer has
    tiny = read_model(TINY)
    tiny.challenges["ch-solar"] = replace(tiny.challenges["ch-solar"], kinds=("grid_station_hv",))
    with open_store(str(tmp_path / "s.db")) as store:
        store.import_model(tiny, author="setup")
        held = store.read_model()
        change = Change.put("components", replace(held.components["gs-1"], kind="substation"))
        assert validation_scope(held, [change]) is not None
        with pytest.raises(ModelError) as refused:
            store.apply([change], author="ann", base=1, known=held)
        [problem] = refused.value.errors
        assert (problem.record, problem.field) == ("ch-solar", "kinds")
        assert store.latest_version() == 1
