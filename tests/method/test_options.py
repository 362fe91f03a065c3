"""Interventions and options, worked out by hand on a small town (``options_model``).

Without any option, the flood (once in 50 years) takes out ss at 0 h and nothing is back
within the 24 h horizon: area A (20,000) is without electricity, B (30,000) without water
(the pump loses power and control) and C (15,000) without heat for 24 h:

    person-hours  20,000 x 24 + 30,000 x 24 + 15,000 x 24 = 1,560,000
    people        20,000 + 30,000 + 15,000                =    65,000

The control-system fault (once in 10 years) stops the pump: 30,000 x 24 = 720,000
person-hours, 30,000 people. Expected a year: 0.02 x 1,560,000 + 0.1 x 720,000 = 103,200
person-hours and 0.02 x 65,000 + 0.1 x 30,000 = 4,300 people; at EUR 2.6 a person-hour
(``economics.yaml``) EUR 268,320 a year. There are no jobs, replacement costs or critical
functions: the other losses are 0.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from tests.cli_helpers import run as run_cli
from tests.method import options_model
from vitaal.engine._kernels import C_HAZARD
from vitaal.engine.compile import compile_model
from vitaal.engine.criticality import impact_table
from vitaal.engine.ensemble import ScenarioSet, run_ensemble
from vitaal.engine.process_cases import model_restoration
from vitaal.engine.restoration import restoration_times
from vitaal.errors import Loc, ModelError
from vitaal.io.folder import read_model, write_model
from vitaal.io.tables import TABLES, parse_record
from vitaal.method.benefit_cost import (
    Economics,
    benefit_cost,
    discount_sum,
    load_economics,
    working_years,
)
from vitaal.method.interventions import (
    InterventionError,
    apply_interventions,
    base_errors,
    check_intervention,
    keeps_compiled,
    touched_nodes,
)
from vitaal.method.likelihood import class_frequency, scenario_likelihood
from vitaal.method.options import (
    OptionEvaluator,
    PortfolioSearch,
    options_report,
    search_portfolios,
)
from vitaal.model import Coupling, CouplingKind, EditOp, InterventionKind, Model
from vitaal.model.units import Quantity
from vitaal.store.codec import dump, load

PH_EUR = 2.6  # economics.yaml, values.person_hour_eur
FLOOD_F, FAULT_F = 1 / 50, 1 / 10


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Model:
    return options_model.model(tmp_path_factory.mktemp("options"))


@pytest.fixture(scope="module")
def evaluator(town: Model) -> OptionEvaluator:
    return OptionEvaluator(town, ["flood", "scada-fault"])


def test_economics_are_data_with_sources() -> None:
    econ = load_economics()
    assert econ.values["person_hour_eur"] == PH_EUR
    assert econ.discount_rate == 0.0225
    for name in ("discount_rate", "horizon_y", "person_hour_eur", "hindrance_hour_eur"):
        src = econ.sources[name]
        assert src["origin"], name
        assert src.get("ref") or src.get("why"), name


# -- the register --------------------------------------------------------------------------
def test_register_is_read_with_its_changes(town: Model) -> None:
    ivs = town.interventions
    assert list(ivs) == [
        "floodproof-ss",
        "hp-own-supply",
        "pump-generator",
        "scada-battery",
        "mobile-substation",
    ]
    fp = ivs["floodproof-ss"]
    assert fp.kind is InterventionKind.PROTECTION
    assert (fp.investment_eur, fp.yearly_cost_eur, fp.lead_time_y, fp.lifetime_y) == (
        500_000,
        1_000,
        1,
        30,
    )
    (e,) = fp.changes
    assert (e.op, e.kind, e.key) == (EditOp.SET, "components", "ss")
    assert e.fields == {"thresholds": {"water_depth": Quantity(1, "m")}}
    gen = ivs["pump-generator"].changes
    assert [(c.op, c.kind, c.key) for c in gen] == [
        (EditOp.ADD, "components", "gen"),
        (EditOp.ADD, "supply", "gen>pump|electricity"),
    ]
    (rep,) = ivs["mobile-substation"].changes
    assert (rep.op, rep.key, rep.fields) == (EditOp.REPAIR, "substation", {"hazard_repair_h": 12})


def test_register_round_trips_through_folder_and_store(town: Model, tmp_path: Path) -> None:
    again = read_model(write_model(town, tmp_path / "again"))
    assert again.interventions == town.interventions
    assert again == town
    for key, iv in town.interventions.items():
        back = load("interventions", key, dump("interventions", iv), iv.loc)
        assert back == iv


BAD = """\
- id: bad-set
  name: Unknown field
  kind: protection
  investment_eur: 1
  lifetime_y: 1
  changes:
    - set: components/ss
      treshold: {water_depth: 1 m}
- id: bad-target
  name: No such record
  kind: reinforcement
  investment_eur: 1
  lifetime_y: 1
  changes:
    - set: components/nope
      capacity: {electricity: 60 MW}
    - add: components
      id: pump
      subsystem: grid
      kind: substation
- id: no-cost
  name: No figures
  kind: relocation
  changes:
    - remove: supply/hp>area-c|heat
- id: bad-kind
  name: Not a kind
  kind: faster_repairs
  changes:
    - repair: substation
      hazard_repair_h: 1
"""


def test_register_errors_are_located(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        options_model.model(tmp_path, BAD)
    found = {(p.loc.file, p.loc.line, p.record, p.severity.value): p for p in info.value.problems}
    # an unknown field of the record it sets: at the changes line, naming the change's line
    p = found[("interventions.yaml", 6, "bad-set", "error")]
    assert "change 1 (line 7): field 'treshold'" in p.found
    assert "thresholds" in p.expected
    # a record that is not there, and a key that is
    errors = [str(p) for p in info.value.problems if p.record == "bad-target"]
    assert any("change 1 (line 15): components 'nope' (not in the model)" in e for e in errors)
    assert any("change 2 (line 17): components 'pump' is already in the model" in e for e in errors)
    # what a benefit-cost ratio needs, as warnings at the record
    warned = {p.field for p in info.value.problems if p.record == "no-cost"}
    assert warned == {"investment_eur", "lifetime_y"}
    p = found[("interventions.yaml", 28, "bad-kind", "error")]
    assert p.field == "kind"
    assert "'faster_repairs'" in p.found


def test_an_applied_model_that_is_not_sound_is_reported(town: Model, tmp_path: Path) -> None:
    cut = options_model.model(
        tmp_path,
        """\
- id: cut-pump
  name: Take the pump's power away
  kind: relocation
  investment_eur: 0
  lifetime_y: 1
  changes:
    - remove: supply/ss>pump|electricity
""",
    )
    (p,) = check_intervention(cut, cut.interventions["cut-pump"])
    assert p.loc is not None
    assert (p.loc.file, p.loc.line) == ("interventions.yaml", 6)
    assert "with it applied, 'pump' needs electricity but has no supplier" in p.found
    assert check_intervention(town, town.interventions["pump-generator"]) == []


def test_the_check_of_the_changed_records_finds_what_the_whole_check_finds(
    town: Model,
) -> None:
    """With the model's own problems known, only the records an option sets or adds are
    checked one by one: a faulty capacity or threshold set on a component (the threshold
    changes nothing the checks across tables read: those are left out), a component added
    with a kind vitaal does not know, and a supply link added from an unknown supplier are
    found as by the whole check. (Such a register is refused when read; made in memory.)"""
    from vitaal.model.records import Component, Edit, Intervention, SupplyLink

    def option(i: str, *changes: Edit) -> Intervention:
        return Intervention(id=i, name=i, kind=InterventionKind.REDUNDANCY, changes=changes)

    register = {
        iv.id: iv
        for iv in (
            option(
                "bad-set",
                Edit(
                    op=EditOp.SET,
                    kind="components",
                    key="ss",
                    fields={"capacity": {"electricity": Quantity(-1, "MW")}},
                ),
            ),
            option(
                "bad-threshold",
                Edit(
                    op=EditOp.SET,
                    kind="components",
                    key="ss",
                    fields={"thresholds": {"water_depth": Quantity(1, "MW")}},
                ),
            ),
            option(
                "bad-add",
                Edit(
                    op=EditOp.ADD,
                    kind="components",
                    key="ss2",
                    record=Component(id="ss2", subsystem="grid", kind="warp_core"),
                ),
            ),
            option(
                "bad-link",
                Edit(
                    op=EditOp.ADD,
                    kind="supply",
                    key="ghost>pump|electricity",
                    record=SupplyLink(supplier="ghost", consumer="pump", resource="electricity"),
                ),
            ),
        )
    }
    bad = dataclasses.replace(town, interventions=register)
    assert [i for i in register if keeps_compiled([register[i]])] == ["bad-threshold"]
    before = base_errors(bad)
    for iv in register.values():
        quick = check_intervention(bad, iv, before)
        assert quick, iv.id
        assert [str(p) for p in quick] == [str(p) for p in check_intervention(bad, iv)], iv.id


def test_an_option_that_keeps_the_compiled_model_compiles_to_the_same_arrays(
    town: Model,
) -> None:
    """The evaluator reuses the compiled model for an option that changes nothing compiling
    reads; compiled anew, every such option of the register gives the same arrays, and every
    other one different arrays."""
    from tests.scale.test_synthetic import assert_same_compiled

    base = compile_model(town)
    kept = []
    for iv in town.interventions.values():
        applied = compile_model(apply_interventions(town, [iv]).model)
        if keeps_compiled([iv]):
            kept.append(iv.id)
            assert_same_compiled(base, applied)
        else:
            with pytest.raises(AssertionError):
                assert_same_compiled(base, applied)
    assert kept, "the register has an option that keeps the compiled model"
    assert len(kept) < len(town.interventions)


# -- applying ------------------------------------------------------------------------------
def test_applying_makes_a_new_model_and_leaves_the_old_one(town: Model) -> None:
    before = {k: dict(town.table(k)) for k in ("components", "supply", "requirements")}
    applied = apply_interventions(town, ["pump-generator", "scada-battery", "floodproof-ss"])
    m = applied.model
    assert m is not town
    assert "gen" in m.components
    assert "gen>pump|electricity" in m.supply
    assert m.requirements["scada|electricity"].buffer_h == 48
    # a mapping field merges: ss keeps its capacity, its threshold is raised
    ss = m.components["ss"]
    assert ss.thresholds == {"water_depth": Quantity(1, "m")}
    assert ss.capacity == town.components["ss"].capacity
    # the added record is located at its change in the register
    line = options_model.REGISTER.splitlines().index("    - add: components") + 1
    assert m.components["gen"].loc is not None
    assert (m.components["gen"].loc.file, m.components["gen"].loc.line) == (
        "interventions.yaml",
        line,
    )
    for kind, table in before.items():
        assert town.table(kind) == table
    assert "gen" not in town.components
    assert applied.restoration is None
    assert applied.interventions == ("pump-generator", "scada-battery", "floodproof-ss")
    repaired = apply_interventions(town, ["mobile-substation"])
    assert repaired.repair == {"substation": {"hazard_repair_h": 12}}
    assert repaired.restoration is not None
    assert repaired.restoration.repair_h("substation", hazard=True) == 12
    assert repaired.restoration.repair_h("substation", hazard=False) == 8  # as packaged
    with pytest.raises(InterventionError, match="adds components 'gen'"):
        apply_interventions(town, ["pump-generator", "pump-generator"])


def test_touched_nodes(town: Model) -> None:
    ivs = town.interventions
    assert touched_nodes(town, ivs["pump-generator"]) == ["gen", "pump"]
    assert touched_nodes(town, ivs["hp-own-supply"]) == ["hp"]
    assert touched_nodes(town, ivs["mobile-substation"]) == ["ss"]


# -- expected annual impact ----------------------------------------------------------------
def test_likelihood_from_return_period_and_class(town: Model) -> None:
    lk = scenario_likelihood(town.scenarios["flood"])
    assert lk is not None
    assert lk.frequency_per_year == pytest.approx(0.02)
    # class C: 0.5 % to 5 % within five years; middle sqrt(0.005 x 0.05) = 0.0158114;
    # as a rate over five years: -ln(1 - 0.0158114) / 5 = 0.0031875 a year
    assert class_frequency("C") == pytest.approx(0.0031875, rel=1e-4)


def test_expected_annual_impact_by_hand(evaluator: OptionEvaluator) -> None:
    base = evaluator.base
    flood, fault = base.outcomes["flood"], base.outcomes["scada-fault"]
    assert flood.losses.person_hours == pytest.approx(1_560_000)
    assert flood.losses.people_affected == 65_000
    assert fault.losses.person_hours == pytest.approx(720_000)
    assert base.annual.person_hours == pytest.approx(103_200)
    assert base.annual.people_affected == pytest.approx(4_300)
    assert base.annual.by_system == pytest.approx(
        {"power": 0.02 * 480_000, "water": 0.02 * 720_000 + 0.1 * 720_000, "heat": 0.02 * 360_000}
    )
    assert base.annual.economic_loss_eur == 0
    assert base.annual.critical_function_hours == 0
    assert base.annual_eur == pytest.approx(268_320)


def test_expected_annual_impact_against_a_hand_summed_ensemble(
    town: Model, evaluator: OptionEvaluator
) -> None:
    """The ensemble's expected annual person-hours of two hand-made scenarios (ss and scada
    hit by a hazard, nothing back within the horizon), weighted by their annual frequency,
    is the hand sum, and the scenarios with a likelihood give the same."""
    cm = compile_model(town)
    ss, scada = cm.node_index["ss"], cm.node_index["scada"]
    # hit by a hazard: repaired after the kind's hazard_repair_h, beyond the horizon
    assert restoration_times().repair_h("control_system", hazard=True) > 24
    sample = ScenarioSet(
        case_ptr=np.array([0, 1, 2], dtype=np.int64),
        case_node=np.array([ss, scada], dtype=np.int64),
        case_cause=np.array([C_HAZARD, C_HAZARD], dtype=np.int8),
        weight=np.array([FLOOD_F, FAULT_F]),
        kind=np.zeros(2, dtype=np.int64),
        return_period=np.array([50.0, 10.0]),
    )
    res = run_ensemble(
        cm, impact_table(town, cm), sample, 24.0, restoration=model_restoration(town, cm)
    )
    hand = FLOOD_F * (20_000 + 30_000 + 15_000) * 24 + FAULT_F * 30_000 * 24
    assert hand == pytest.approx(103_200)
    assert res.expected_annual["person_hours"] == pytest.approx(hand)
    assert res.expected_annual["people_affected"] == pytest.approx(4_300)
    assert evaluator.base.annual.person_hours == pytest.approx(res.expected_annual["person_hours"])


# -- the hand-worked options ---------------------------------------------------------------
def _flag(report: dict, scenario: str, system: str) -> dict:
    return next(f for f in report["scenarios"][scenario]["flags"] if f["system"] == system)


def test_an_option_that_turns_a_red_flag_green(evaluator: OptionEvaluator, town: Model) -> None:
    rep = evaluator.option_report(town.interventions["floodproof-ss"])
    assert rep["error"] is None
    for system in ("power", "water", "heat"):
        f = _flag(rep, "flood", system)
        assert f["before"]["colour"] == "red"
        assert (f["after"]["colour"], f["verdict"]) == ("green", "resolves")
    assert rep["scenarios"]["flood"]["impact_class"] == {"before": "C", "after": "A"}
    # the whole flood is avoided: 0.02 x 1,560,000 x 2.6 = EUR 81,120 a year
    assert rep["benefit_cost"]["annual_benefit_eur"] == pytest.approx(81_120)
    assert rep["expected_annual_avoided"]["person_hours"] == pytest.approx(31_200)
    # ready after 1 year, works 30: years 2 to 31
    assert rep["benefit_cost"]["benefit_years"] == [2, 31]
    assert rep["ready_year"] == 2027


def test_an_option_that_only_delays_the_onset(evaluator: OptionEvaluator, town: Model) -> None:
    rep = evaluator.option_report(town.interventions["hp-own-supply"])
    f = _flag(rep, "flood", "heat")
    assert (f["before"]["onset_h"], f["after"]["onset_h"]) == (0.0, 8.0)
    assert (f["after"]["colour"], f["verdict"]) == ("red", "delays")
    (t,) = rep["scenarios"]["flood"]["targets"]
    assert t["why"] == "hp fails later: at 8 h, not 0 h (electricity from ss)"
    # C is without heat 16 h instead of 24: 0.02 x 15,000 x 8 x 2.6 = EUR 6,240 a year
    assert rep["benefit_cost"]["annual_benefit_eur"] == pytest.approx(6_240)


def test_zero_benefit_because_a_coupled_system_fails_first(
    evaluator: OptionEvaluator, town: Model
) -> None:
    rep = evaluator.option_report(town.interventions["pump-generator"])
    f = _flag(rep, "flood", "water")
    assert f["addresses"]
    assert f["verdict"] == "none"
    assert rep["benefit_cost"]["annual_benefit_eur"] == 0
    assert rep["benefit_cost"]["benefit_cost_ratio"] == 0
    (t,) = [t for t in rep["scenarios"]["flood"]["targets"] if t["id"] == "pump"]
    assert t["before"]["resource"] == "electricity"
    assert (t["after"]["fail_time_h"], t["after"]["resource"], t["after"]["via"]) == (
        0.0,
        "control",
        "scada",
    )
    assert "now through control from scada, which fails first" in t["why"]
    # the flag table lists it under the water flag it was meant for, doing nothing
    table = evaluator.flag_table([rep])
    water = next(x for x in table if (x["scenario"], x["system"]) == ("flood", "water"))
    assert [(o["id"], o["verdict"]) for o in water["options"]] == [("pump-generator", "none")]


def test_worthless_until_another_is_taken(evaluator: OptionEvaluator) -> None:
    gen = evaluator.evaluate(["pump-generator"])
    bat = evaluator.evaluate(["scada-battery"])
    both = evaluator.evaluate(["pump-generator", "scada-battery"])
    base = evaluator.base.annual_eur
    assert base - gen.annual_eur == pytest.approx(0)
    assert base - bat.annual_eur == pytest.approx(0)
    # together the pump keeps running in the flood: 0.02 x 30,000 x 24 x 2.6 = EUR 37,440
    assert base - both.annual_eur == pytest.approx(37_440)
    water = both.outcomes["flood"].flags["water"]
    assert water.colour == "green"
    # greedy sees nothing worth taking; the exact search finds the pair
    found = search_portfolios(evaluator, ["pump-generator", "scada-battery"])
    assert found["greedy"]["portfolio"] is None
    assert found["exact"]["portfolio"]["options"] == ["pump-generator", "scada-battery"]
    (it,) = found["interactions"]
    assert it["interaction_eur"] == pytest.approx(37_440)


def test_faster_repair_by_hand(evaluator: OptionEvaluator) -> None:
    """The mobile substation brings ss back after 12 h; each supplier then restarts after
    its kind's restart time (restoration.yaml): the substation 0.5 h, the control system
    2 h, the heat plant 4 h, a water pump none. A gets power back at 12.5 h, the pump at
    12.5 + 2 = 14.5 h (power and control), C heat at 12.5 + 4 = 16.5 h."""
    rest = restoration_times()
    assert [rest.restart_h(k) for k in ("substation", "control_system", "heat_plant")] == [
        0.5,
        2,
        4,
    ]
    assert rest.restart_h("water_pump") == 0
    ev = evaluator.evaluate(["mobile-substation"])
    flood = ev.outcomes["flood"].losses
    assert flood.by_system == pytest.approx(
        {"power": 20_000 * 12.5, "water": 30_000 * 14.5, "heat": 15_000 * 16.5}
    )
    assert flood.person_hours == pytest.approx(932_500)
    avoided = evaluator.base.annual_eur - ev.annual_eur
    assert avoided == pytest.approx(0.02 * (1_560_000 - 932_500) * PH_EUR)


# -- benefit and cost ----------------------------------------------------------------------
def test_benefit_cost_worked_by_hand() -> None:
    """Rate 10 %, horizon 3 years; EUR 1,500 now, EUR 100 a year, buying EUR 1,000 a year
    from year 1: the discount factors are 1/1.1 = 0.909091, 1/1.21 = 0.826446 and
    1/1.331 = 0.751315, 2.486852 together. Benefit 2,486.85; cost 1,500 + 248.69 =
    1,748.69; ratio 1.4221; net 738.17."""
    econ = Economics(0.10, 3, {}, {})
    iv = options_model.intervention(investment=1_500, yearly=100, lead=0, lifetime=None)
    bc = benefit_cost([iv], 1_000, econ)
    assert bc.benefit_years == (1, 3)
    assert bc.pv_benefit_eur == pytest.approx(2_486.852, abs=1e-3)
    assert bc.pv_cost_eur == pytest.approx(1_748.685, abs=1e-3)
    assert bc.ratio == pytest.approx(1.42213, abs=1e-5)
    assert bc.npv_eur == pytest.approx(738.167, abs=1e-3)
    # a lead time of 1.5 years: works from year 3 (lead rounded up, then the year after);
    # the horizon of 3 leaves one year: 1/1.331 = 0.751315
    late = options_model.intervention(investment=1_500, yearly=100, lead=1.5, lifetime=None)
    bc = benefit_cost([late], 1_000, econ)
    assert bc.benefit_years == (3, 3)
    assert bc.pv_benefit_eur == pytest.approx(751.315, abs=1e-3)
    assert bc.pv_cost_eur == pytest.approx(1_575.131, abs=1e-3)


def test_benefit_cost_with_the_packaged_figures(evaluator: OptionEvaluator, town: Model) -> None:
    """Flood-proofing ss: EUR 500,000 now, EUR 1,000 a year, EUR 81,120 a year avoided in
    years 2 to 31 at 2.25 %: the annuity factor of years 1-31 less that of year 1."""
    r = 0.0225
    factor = (1 - (1 + r) ** -31) / r - 1 / (1 + r)
    assert factor == pytest.approx(discount_sum(working_years(1, 30, 50), r))
    rep = evaluator.option_report(town.interventions["floodproof-ss"])
    bc = rep["benefit_cost"]
    assert bc["pv_benefit_eur"] == pytest.approx(81_120 * factor)
    assert bc["pv_cost_eur"] == pytest.approx(500_000 + 1_000 * factor)
    assert bc["benefit_cost_ratio"] == pytest.approx(81_120 * factor / (500_000 + 1_000 * factor))
    assert bc["npv_eur"] == pytest.approx(81_120 * factor - 500_000 - 1_000 * factor)
    assert math.isclose(bc["benefit_cost_ratio"], 3.29496, rel_tol=1e-5)


def test_portfolio_under_a_budget(evaluator: OptionEvaluator, town: Model) -> None:
    everything = list(town.interventions)
    free = search_portfolios(evaluator, everything)
    # no budget: flood-proofing ss avoids the whole flood; nothing adds to it
    assert free["greedy"]["portfolio"]["options"] == ["floodproof-ss"]
    assert free["exact"]["portfolio"]["options"] == ["floodproof-ss"]
    tight = search_portfolios(evaluator, everything, budget_eur=200_000)
    # within EUR 200,000: the heat plant's engine alone has a ratio above 1 (greedy); the
    # generator and the battery only together, so the exact search takes all three
    assert tight["greedy"]["portfolio"]["options"] == ["hp-own-supply"]
    assert tight["exact"]["portfolio"]["options"] == [
        "hp-own-supply",
        "pump-generator",
        "scada-battery",
    ]
    assert tight["exact"]["portfolio"]["investment_eur"] == 170_000
    assert tight["exact"]["portfolio"]["annual_benefit_eur"] == pytest.approx(6_240 + 37_440)


def test_options_report_and_command(town: Model, tmp_path: Path) -> None:
    rep = options_report(town, ["flood"], search=PortfolioSearch(enabled=False))
    flags = {(f["scenario"], f["system"]): f for f in rep["flags"]}
    heat = flags[("flood", "heat")]
    # best verdict first: resolves, delays, reduces
    assert [(o["id"], o["verdict"]) for o in heat["options"]] == [
        ("floodproof-ss", "resolves"),
        ("hp-own-supply", "delays"),
        ("mobile-substation", "reduces"),
    ]
    assert "portfolios" not in rep
    root = options_model.folder(tmp_path)
    res = run_cli("options", str(root), "--scenario", "flood", "--json", "--max-size", "2")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["expected_annual"]["losses"]["person_hours"] == pytest.approx(31_200)
    assert data["portfolios"]["exact"]["portfolio"]["options"] == ["floodproof-ss"]
    text = run_cli("options", str(root), "--budget", "200000")
    assert text.exit_code == 0, text.output
    assert "pump-generator buys nothing on its own" in text.output
    assert "exact: hp-own-supply + pump-generator + scada-battery" in text.output
    bad = run_cli("options", str(root), "--option", "nope")
    assert bad.exit_code == 1
    assert "no intervention 'nope'" in bad.output


def test_list_fields_take_items_out_and_add_them(town: Model) -> None:
    """``members-`` takes members out of a coupling, ``members+`` adds them: two options that
    each take their own station out of a flood zone combine (a whole new list would undo the
    other's)."""
    zone = Coupling(id="zone", kind=CouplingKind.FLOOD_ZONE, members=("ss", "scada", "pump", "hp"))
    m = dataclasses.replace(town, couplings={"zone": zone})

    def option(oid: str, change: dict) -> object:
        raw = {"id": oid, "name": oid, "kind": "relocation", "changes": [change]}
        rec, problems = parse_record(TABLES["interventions"], raw, Loc("x"), line_of=None)
        assert problems == []
        assert rec is not None
        return rec

    out_ss = option("out-ss", {"set": "couplings/zone", "members-": ["ss"]})
    out_hp = option("out-hp", {"set": "couplings/zone", "members-": ["hp"]})
    back = option("back", {"set": "couplings/zone", "members+": ["hp", "gs"]})
    m.interventions.update({"out-ss": out_ss, "out-hp": out_hp, "back": back})
    both = apply_interventions(m, ["out-ss", "out-hp"]).model
    assert both.couplings["zone"].members == ("scada", "pump")
    again = apply_interventions(m, ["out-ss", "out-hp", "back"]).model
    assert again.couplings["zone"].members == ("scada", "pump", "hp", "gs")
    assert m.couplings["zone"].members == ("ss", "scada", "pump", "hp")
    _, problems = parse_record(
        TABLES["interventions"],
        {"id": "x", "name": "x", "kind": "relocation",
         "changes": [{"set": "components/ss", "kind+": "a"}]},
        Loc("x"),
        line_of=None,
    )  # fmt: skip
    assert "'+' and '-' are for lists" in problems[0].expected


def test_decisions_on_the_table_list_the_options_for_them(town: Model) -> None:
    """The analysis puts three single points of failure on the town's table (the grid station
    with ss, the pump with its control system, the heat plant); each lists the options that
    touch its components, with what they do to the flags of its systems."""
    rep = options_report(town, ["flood"], search=PortfolioSearch(enabled=False), decisions=True)
    table = {d["id"]: d for d in rep["decisions"]}
    grid = table["decision:single_point_of_failure:gs"]
    assert grid["components"] == ["gs", "ss"]
    assert [(o["id"], o["verdicts"]["flood/power"]) for o in grid["options"]] == [
        ("floodproof-ss", "resolves"),
        ("mobile-substation", "reduces"),
    ]
    pump = table["decision:single_point_of_failure:pump"]
    assert [(o["id"], o["verdicts"]["flood/water"]) for o in pump["options"]] == [
        ("pump-generator", "none"),
        ("scada-battery", "none"),
    ]


def test_options_over_an_ensemble_by_hand(town: Model) -> None:
    """Floods sampled around the town: every flood that reaches ss's threshold (0.3 m; 1 m with
    the option) leaves all 65,000 people without a service for the whole 24 h horizon (ss is
    repaired after 72 h), so the expected annual person-hours are 65,000 x 24 x the summed
    annual frequency of the sampled floods that reach ss. The option meets the same floods
    (the same seed), fewer of which reach 1 m; an option that changes nothing a cascade reads
    (a lead time) avoids exactly nothing."""
    from vitaal.engine.ensemble import sample_scenarios, spec_from_mapping
    from vitaal.method.batch import batch_inputs
    from vitaal.method.options import RunSettings
    from vitaal.model.records import Edit, Intervention

    spec = spec_from_mapping(
        {"n_scenarios": 200, "seed": 3, "horizon_h": 24, "hazards": {"flood": {"share": 1}}}
    )
    idle = Intervention(
        id="idle",
        name="A later lead time",
        kind=InterventionKind.REINFORCEMENT,
        changes=(Edit(op=EditOp.SET, kind="components", key="gs", fields={"lead_time_y": 9}),),
        investment_eur=1000,
        lifetime_y=10,
    )
    model = dataclasses.replace(town, interventions={**town.interventions, "idle": idle})

    def flooded_weight(m: Model) -> float:
        ld = batch_inputs(m)
        sc = sample_scenarios(spec, ld.exposure())
        ss = ld.compiled.node_index["ss"]
        hit = [ss in sc.case_node[sc.case_ptr[i] : sc.case_ptr[i + 1]] for i in range(sc.n)]
        return float(sc.weight[hit].sum())

    before = 65_000 * 24 * flooded_weight(model)
    after = 65_000 * 24 * flooded_weight(apply_interventions(model, ["floodproof-ss"]).model)
    assert 0 < after < before

    rep = options_report(
        model,
        ["flood"],
        options=["floodproof-ss", "idle"],
        run=RunSettings(ensemble=spec),
        search=PortfolioSearch(enabled=False),
        decisions=True,
    )
    assert rep["ensemble"]["losses"]["person_hours"] == pytest.approx(before)
    assert rep["ensemble"]["eur"] == pytest.approx(before * PH_EUR)
    rows = {r["id"]: r["ensemble"] for r in rep["options"]}
    assert rows["floodproof-ss"]["after"]["person_hours"] == pytest.approx(after)
    assert rows["floodproof-ss"]["avoided"]["person_hours"] == pytest.approx(before - after)
    assert rows["floodproof-ss"]["eur_avoided"] == pytest.approx((before - after) * PH_EUR)
    assert rows["floodproof-ss"]["benefit_cost"]["annual_benefit_eur"] == pytest.approx(
        (before - after) * PH_EUR
    )
    assert rows["idle"]["avoided"]["person_hours"] == 0
    assert rows["idle"]["eur_avoided"] == 0
    # per decision, the risk of the sampled scenarios that strike its components: only ss
    # stands where floods reach, so the decision about gs and ss carries the whole of it
    per = {d["id"]: d["ensemble"] for d in rep["decisions"]}
    assert per["decision:single_point_of_failure:gs"]["person_hours"] == pytest.approx(before)
    assert per["decision:single_point_of_failure:pump"]["person_hours"] == 0
    assert per["decision:single_point_of_failure:pump"]["scenarios"] == 0
