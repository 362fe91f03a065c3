"""Options: what to do about a red flag, what it costs and what it buys.

For the scenarios asked about, every intervention of the register is applied to the model
(:func:`~vitaal.method.interventions.apply_interventions`) and the scenarios are run again
(:func:`~vitaal.method.scenario_run.run_scenario`: capacity of the scenario's year, the
process with repair and restart, impact, flags) on the patched model. What an option does is
read off against the model without it:

- per flag of the model (system and scenario) its colour and onset after, and a verdict:
  ``resolves`` (red or orange turns green), ``improves`` (red turns orange), ``delays``
  (same colour, later onset), ``reduces`` (same colour and onset, fewer person-hours or
  people in the system), ``none``, or ``worsens``;
- the impact class and the losses of one occurrence after
  (:class:`~vitaal.method.likelihood.Losses`);
- for the components and consumers the option touches, when each fails before and after and
  through what: where a coupled system fails first, the option buys nothing, and this says
  why;
- the expected annual losses after (the scenarios that carry a likelihood), the annual
  benefit in euros and the benefit-cost ratio (:mod:`vitaal.method.benefit_cost`).

An option *addresses* a flag when it changes it, or when it touches a node of the flag's
causal chain (it was meant for it, even if a coupled system then fails first).
Combinations of up to three options are searched greedily (each step adds the option with
the highest benefit-cost ratio on top of those taken, while that ratio exceeds 1 and the
budget allows) and exactly (every combination within the budget), for the portfolio with the
highest net present value; the exact search finds the options that are worth nothing alone
but much together.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vitaal.engine.compile import CompiledModel, compile_model
from vitaal.engine.ensemble import EnsembleResult, EnsembleSpec
from vitaal.errors import ScenarioError, VitaalError
from vitaal.method.benefit_cost import BenefitCost, Economics, benefit_cost, load_economics
from vitaal.method.decision_options import item_component
from vitaal.method.flags import Flag
from vitaal.method.interventions import (
    InterventionError,
    apply_interventions,
    base_errors,
    check_intervention,
    keeps_compiled,
    touched_nodes,
)
from vitaal.method.likelihood import (
    Likelihood,
    Losses,
    losses_of,
    scenario_likelihood,
    service_systems,
)
from vitaal.method.scenario_run import ScenarioRun, find_scenario, run_scenario
from vitaal.model.model import Model
from vitaal.model.records import Intervention, Scenario

__all__ = [
    "VERDICTS",
    "Evaluation",
    "OptionEvaluator",
    "Outcome",
    "Portfolio",
    "PortfolioSearch",
    "RunSettings",
    "decision_components",
    "decision_ensembles",
    "decision_table",
    "flag_verdict",
    "option_ensembles",
    "plan_scenarios",
    "search_portfolios",
]

#: verdicts on a flag, best first
VERDICTS = ("resolves", "improves", "delays", "reduces", "none", "worsens")
_RANK = {"red": 2, "orange": 1, "green": 0}
#: the most touched nodes an outcome follows
_TARGETS = 12


@dataclass(frozen=True, slots=True)
class FlagState:
    """A flag as the options table compares it."""

    colour: str
    rule: str
    onset_h: float | None
    people: int
    failed: int
    order: int | None
    chain: tuple[str, ...]

    @staticmethod
    def of(flag: Flag) -> FlagState:
        ev = flag.evidence
        return FlagState(
            colour=flag.colour,
            rule=flag.rule,
            onset_h=flag.onset_h,
            people=int(ev.get("people_losing_service", 0)),
            failed=int(ev.get("failed_components", 0)),
            order=flag.order,
            chain=tuple(c.node for c in flag.chain),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "colour": self.colour,
            "rule": self.rule,
            "onset_h": self.onset_h,
            "people_losing_service": self.people,
            "failed_components": self.failed,
        }


@dataclass(frozen=True, slots=True)
class NodeState:
    """When a node first failed and through what (``None``: it did not fail)."""

    fail_time_h: float | None
    cause: str | None
    resource: str | None
    via: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "fail_time_h": self.fail_time_h,
            "cause": self.cause,
            "resource": self.resource,
            "via": self.via,
        }


@dataclass(frozen=True, slots=True, eq=False)
class Outcome:
    """One scenario on the model with some options applied."""

    scenario: str
    impact_class: str
    reason: dict[str, str]
    flags: dict[str, FlagState]
    losses: Losses
    nodes: dict[str, NodeState]
    system_person_hours: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class Evaluation:
    """The scenarios run on the model with ``options`` applied: an outcome per scenario, the
    expected annual losses (scenarios with a likelihood) and what they are worth in euros;
    ``error`` when the options cannot be applied together or the patched model cannot run."""

    options: tuple[str, ...]
    outcomes: dict[str, Outcome]
    annual: Losses
    annual_eur: float
    error: str | None = None


def flag_verdict(before: FlagState, after: FlagState | None, ph_before: float = 0.0,
                 ph_after: float = 0.0) -> str:  # fmt: skip
    """What an option does to one flag (:data:`VERDICTS`): compare colour, then onset, then
    the people and person-hours the system's services leave without.

    >>> red = FlagState("red", "people", 2.0, 20000, 3, 1, ())
    >>> flag_verdict(red, dataclasses.replace(red, colour="green", onset_h=None))
    'resolves'
    >>> flag_verdict(red, dataclasses.replace(red, onset_h=8.0))
    'delays'
    """
    if after is None:
        return "none"
    b, a = _RANK[before.colour], _RANK[after.colour]
    if a < b:
        return "resolves" if a == 0 else "improves"
    if a > b:
        return "worsens"
    if a == 0:
        return "none"
    tb = math.inf if before.onset_h is None else before.onset_h
    ta = math.inf if after.onset_h is None else after.onset_h
    if ta > tb + 1e-9:
        return "delays"
    if ta < tb - 1e-9:
        return "worsens"
    if after.people < before.people or ph_after < ph_before - 1e-6 or after.failed < before.failed:
        return "reduces"
    if after.people > before.people or ph_after > ph_before + 1e-6 or after.failed > before.failed:
        return "worsens"
    return "none"


def plan_scenarios(model: Model, plan_id: str) -> list[Scenario]:
    """A plan's scenarios: its growth alone, and each shock of the model meeting its load
    (``vitaal check``), each shock keeping the likelihood of the scenario it comes from."""
    from vitaal.method.plans import find_plan, plan_scenario, shock_scenarios

    plan = find_plan(model, plan_id)
    out = [plan_scenario(model, plan)]
    for sc in shock_scenarios(model, plan):
        orig = model.scenarios[sc.id.split("+", 1)[1]]
        out.append(
            dataclasses.replace(
                sc,
                return_period_y=orig.return_period_y,
                likelihood_class=orig.likelihood_class,
            )
        )
    return out


class OptionEvaluator:
    """Runs the scenarios with sets of options applied, each set once (memoised).

    ``scenarios``: the scenarios (ids of the model's, or records, such as a plan's);
    ``economics``: the discount rate, horizon and values (default: the packaged ones);
    ``check``: whether each option's patched model is validated before it is run
    (:func:`~vitaal.method.interventions.check_intervention`; about half the time of an
    option on Rotterdam).
    """

    def __init__(
        self,
        model: Model,
        scenarios: Sequence[Scenario | str],
        *,
        economics: Economics | None = None,
        model_root: str | Path | None = None,
        horizon_h: float | None = None,
        check: bool = True,
    ) -> None:
        if not scenarios:
            raise ScenarioError("no scenario to evaluate the options against")
        self.model = model
        self.scenarios = [find_scenario(model, s) if isinstance(s, str) else s for s in scenarios]
        self.economics = economics if economics is not None else load_economics()
        self.model_root = model_root
        self.horizon_h = horizon_h
        self.check = check
        self.likelihood: dict[str, Likelihood | None] = {
            s.id: scenario_likelihood(s) for s in self.scenarios
        }
        self.systems = service_systems(model)
        self.runs = 0
        self._cache: dict[tuple[str, ...], Evaluation] = {}
        # the model without options, compiled: reused by every set of options that changes
        # nothing compiling reads (keeps_compiled)
        self._compiled: CompiledModel | None = None
        self._base_errors: set[str] | None = None
        # the nodes every outcome follows: those any option touches
        self._follow: dict[str, None] = {}
        for iv in model.interventions.values():
            for n in touched_nodes(model, iv):
                self._follow.setdefault(n, None)
        self.base = self.evaluate(())

    @property
    def compiled(self) -> CompiledModel | None:
        """The model without options, compiled (once the base is evaluated)."""
        return self._compiled

    def evaluate(self, options: Iterable[str]) -> Evaluation:
        """The evaluation of ``options`` taken together (in register order)."""
        order = {k: i for i, k in enumerate(self.model.interventions)}
        key = tuple(sorted(set(options), key=lambda k: order.get(k, len(order))))
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._evaluate(key)
        return hit

    def _evaluate(self, key: tuple[str, ...]) -> Evaluation:
        try:
            applied = apply_interventions(self.model, key)
            ivs = [self.model.interventions[k] for k in key]
            if self._compiled is not None and keeps_compiled(ivs):
                cm = self._compiled
            else:
                cm = compile_model(applied.model)
            if not key:
                self._compiled = cm
            outcomes = {}
            for sc in self.scenarios:
                run = run_scenario(
                    applied.model,
                    sc,
                    horizon_h=self.horizon_h,
                    model_root=self.model_root,
                    compiled=cm,
                    restoration=applied.restoration,
                )
                self.runs += 1
                outcomes[sc.id] = self._outcome(applied.model, run)
        except (InterventionError, VitaalError, KeyError, ValueError) as exc:
            if not key:
                raise
            msg = str(exc) if not isinstance(exc, KeyError) else f"unknown id {exc}"
            return Evaluation(key, {}, Losses(), math.nan, error=msg)
        annual = Losses.total(
            o.losses.scaled(lk.frequency_per_year)
            for sid, o in outcomes.items()
            if (lk := self.likelihood[sid]) is not None
        )
        return Evaluation(key, outcomes, annual, annual.money(self.economics.values))

    def _outcome(self, model: Model, run: ScenarioRun) -> Outcome:
        r = run.cascade
        nodes: dict[str, NodeState] = {}
        for nid in self._follow:
            i = r.node_index.get(nid)
            if i is None:
                continue
            t = float(r.fail_time[i])
            if not math.isfinite(t):
                nodes[nid] = NodeState(None, None, None, None)
                continue
            step = r.step(nid)
            via = step.via
            if via is None and int(r.cause_node[i]) >= 0 and int(r.cause_node[i]) != i:
                via = r.node_ids[int(r.cause_node[i])]  # a common cause: what took it along
            nodes[nid] = NodeState(t, step.cause.name.lower(), step.resource, via)
        losses = losses_of(model, run, self.systems)
        return Outcome(
            scenario=run.scenario.id,
            impact_class=run.impact.cls,
            reason={"en": run.impact.reason_text("en"), "nl": run.impact.reason_text("nl")},
            flags={f.system: FlagState.of(f) for f in run.flags},
            losses=losses,
            nodes=nodes,
            system_person_hours=dict(losses.by_system),
        )

    # -- one option ----------------------------------------------------------------------
    def benefit(self, options: Sequence[str]) -> tuple[Evaluation, BenefitCost | None]:
        """The evaluation of ``options`` and their benefit and cost (``None`` when they
        cannot be applied together)."""
        ev = self.evaluate(options)
        if ev.error is not None:
            return ev, None
        ivs = [self.model.interventions[k] for k in ev.options]
        gain = self.base.annual_eur - ev.annual_eur
        return ev, benefit_cost(ivs, gain, self.economics)

    def option_report(self, iv: Intervention) -> dict[str, Any]:
        """What ``iv`` alone does, as data (see the module's docstring)."""
        problems = []
        if self.check:
            if self._base_errors is None:
                self._base_errors = base_errors(self.model)
            problems = check_intervention(self.model, iv, self._base_errors)
        row: dict[str, Any] = {
            "id": iv.id,
            "name": iv.name,
            "kind": iv.kind.value,
            "owner": iv.owner,
            "system": iv.system,
            "investment_eur": iv.investment_eur,
            "yearly_cost_eur": iv.yearly_cost_eur,
            "lead_time_y": iv.lead_time_y,
            "lifetime_y": iv.lifetime_y,
            "ready_year": self.model.info.base_year + math.ceil(iv.lead_time_y - 1e-9),
            "origin": iv.prov.origin.value,
            "confidence": iv.prov.confidence.value,
            "ref": iv.prov.ref,
            "touches": touched_nodes(self.model, iv),
            "problems": [str(p) for p in problems],
        }
        if problems:
            row["error"] = "; ".join(p.found for p in problems)
            return row
        ev, bc = self.benefit([iv.id])
        if ev.error is not None or bc is None:
            row["error"] = ev.error
            return row
        row["error"] = None
        row["scenarios"] = {
            sid: self._compare(self.base.outcomes[sid], ev.outcomes[sid], row["touches"])
            for sid in self.base.outcomes
        }
        row["expected_annual_after"] = ev.annual.as_dict()
        row["expected_annual_avoided"] = (self.base.annual - ev.annual).as_dict()
        row["benefit_cost"] = bc.as_dict()
        return row

    def _compare(self, before: Outcome, after: Outcome, touches: list[str]) -> dict[str, Any]:
        flags = []
        for system, fb in before.flags.items():
            fa = after.flags.get(system)
            verdict = flag_verdict(
                fb,
                fa,
                before.system_person_hours.get(system, 0.0),
                after.system_person_hours.get(system, 0.0),
            )
            flags.append(
                {
                    "system": system,
                    "before": fb.as_dict(),
                    "after": fa.as_dict() if fa else None,
                    "verdict": verdict,
                    "addresses": verdict != "none" or self._touches_flag(fb, touches),
                }
            )
        targets = []
        for nid in touches:
            b, a = before.nodes.get(nid), after.nodes.get(nid)
            if a is None or (a.fail_time_h is None and (b is None or b.fail_time_h is None)):
                continue
            targets.append(
                {
                    "id": nid,
                    "before": b.as_dict() if b else None,
                    "after": a.as_dict(),
                    "why": _why(nid, b, a),
                }
            )
            if len(targets) >= _TARGETS:
                break
        return {
            "impact_class": {"before": before.impact_class, "after": after.impact_class},
            "reason_after": after.reason,
            "losses_before": before.losses.as_dict(),
            "losses_after": after.losses.as_dict(),
            "flags": flags,
            "targets": targets,
        }

    @staticmethod
    def _touches_flag(flag: FlagState, touches: list[str]) -> bool:
        """Whether the option touches a node of the flag's causal chain (what it was meant
        for, even when it changes nothing)."""
        return flag.colour != "green" and not set(flag.chain).isdisjoint(touches)

    # -- the flags and their options -------------------------------------------------------
    def flag_table(self, reports: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Per red and orange flag of the model (scenario, system), the options that address
        it, best verdict first, then the highest benefit-cost ratio."""
        out: list[dict[str, Any]] = []
        for sid, base in self.base.outcomes.items():
            for system, fb in base.flags.items():
                if fb.colour == "green":
                    continue
                rows = []
                for rep in reports:
                    if rep.get("error"):
                        continue
                    f = next(x for x in rep["scenarios"][sid]["flags"] if x["system"] == system)
                    if not f["addresses"]:
                        continue
                    rows.append(
                        {
                            "id": rep["id"],
                            "verdict": f["verdict"],
                            "after": f["after"],
                            "benefit_cost_ratio": rep["benefit_cost"]["benefit_cost_ratio"],
                        }
                    )
                rows.sort(
                    key=lambda r: (
                        VERDICTS.index(r["verdict"]),
                        -(r["benefit_cost_ratio"] or 0.0),
                        r["id"],
                    )
                )
                out.append(
                    {
                        "scenario": sid,
                        "system": system,
                        "colour": fb.colour,
                        "rule": fb.rule,
                        "onset_h": fb.onset_h,
                        "options": rows,
                    }
                )
        out.sort(key=lambda f: (-_RANK[f["colour"]], f["scenario"], f["system"]))
        return out


def _why(nid: str, b: NodeState | None, a: NodeState) -> str:
    """In words, what the option changed for one node it touches."""
    if a.fail_time_h is None:
        return f"{nid} no longer fails" if b and b.fail_time_h is not None else "not hit"
    if a.resource and a.via:
        through = f"{a.resource} from {a.via}"
    elif a.via:
        through = f"{(a.cause or '').replace('_', ' ')} with {a.via}"
    else:
        through = a.resource or (a.cause or "").replace("_", " ")
    if b is None or b.fail_time_h is None:
        return f"{nid} now fails at {a.fail_time_h:g} h ({through})"
    if a.fail_time_h > b.fail_time_h + 1e-9:
        return f"{nid} fails later: at {a.fail_time_h:g} h, not {b.fail_time_h:g} h ({through})"
    if (a.resource, a.via) != (b.resource, b.via):
        return (
            f"{nid} still fails at {a.fail_time_h:g} h: now through {through}, which fails "
            f"first (before: {b.resource or b.cause})"
        )
    return f"{nid} still fails at {a.fail_time_h:g} h ({through})"


@dataclass(frozen=True, slots=True)
class Portfolio:
    """A combination of options: their ids, benefit and cost."""

    options: tuple[str, ...]
    benefit_cost: BenefitCost
    annual_after: Losses

    def as_dict(self) -> dict[str, Any]:
        return {
            "options": list(self.options),
            **self.benefit_cost.as_dict(),
            "expected_annual_after": self.annual_after.as_dict(),
        }


def _npv(p: Portfolio | None) -> float:
    if p is None or p.benefit_cost.npv_eur is None:
        return -math.inf
    return p.benefit_cost.npv_eur


def search_portfolios(
    ev: OptionEvaluator,
    candidates: Sequence[str],
    *,
    budget_eur: float | None = None,
    max_size: int = 3,
    max_evaluations: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The greedy and the exact search over combinations of up to ``max_size`` of
    ``candidates`` (options with a known investment) whose investment fits ``budget_eur``.

    Greedy: start with none; each step add the option whose marginal benefit-cost ratio (what
    it adds to the benefit over what it adds to the cost, discounted) is highest, while it
    exceeds 1 and the budget allows. Exact: every combination within the budget, for the
    highest net present value; when there are more than ``max_evaluations`` combinations, the
    pool is cut to the candidates that do the most alone (or, doing nothing alone, touch the
    model's red and orange flags). ``interactions`` lists, per pair evaluated, the annual
    benefit of the two together minus those of each alone (positive: worth more together).
    """
    ivs = ev.model.interventions
    pool = [c for c in candidates if ivs[c].investment_eur is not None]
    pool = [c for c in pool if budget_eur is None or (ivs[c].investment_eur or 0) <= budget_eur]

    def cost(combo: Sequence[str]) -> float:
        return float(sum(ivs[c].investment_eur or 0.0 for c in combo))

    def portfolio(combo: Sequence[str]) -> Portfolio | None:
        e, bc = ev.benefit(combo)
        if bc is None:
            return None
        return Portfolio(e.options, bc, e.annual)

    singles = {c: portfolio([c]) for c in pool}

    # greedy
    taken: list[str] = []
    current: Portfolio | None = None
    steps = []
    while len(taken) < max_size:
        best: tuple[float, str, Portfolio] | None = None
        for c in pool:
            if c in taken or (budget_eur is not None and cost([*taken, c]) > budget_eur):
                continue
            p = portfolio([*taken, c])
            if p is None:
                continue
            gain = p.benefit_cost.pv_benefit_eur - (
                current.benefit_cost.pv_benefit_eur if current else 0.0
            )
            paid = (p.benefit_cost.pv_cost_eur or 0.0) - (
                (current.benefit_cost.pv_cost_eur or 0.0) if current else 0.0
            )
            ratio = gain / paid if paid > 0 else (math.inf if gain > 0 else 0.0)
            if ratio > 1.0 and (best is None or (ratio, c) > (best[0], best[1])):
                best = (ratio, c, p)
        if best is None:
            break
        taken.append(best[1])
        current = best[2]
        steps.append({"add": best[1], "marginal_ratio": best[0]})

    # exact
    def useful(c: str) -> tuple[int, float]:
        p = singles.get(c)
        gain = p.benefit_cost.pv_benefit_eur if p else 0.0
        return (0 if gain > 0 else 1, -gain)

    ranked = sorted(pool, key=lambda c: (*useful(c), c))
    k = len(ranked)
    while k > 0 and sum(math.comb(k, s) for s in range(1, max_size + 1)) > max_evaluations:
        k -= 1
    exact_pool = ranked[:k]
    combos = [
        combo
        for s in range(1, max_size + 1)
        for combo in itertools.combinations(exact_pool, s)
        if budget_eur is None or cost(combo) <= budget_eur
    ]
    best_exact: Portfolio | None = None
    interactions: list[dict[str, Any]] = []
    for n, combo in enumerate(combos):
        if progress is not None:
            progress(n, len(combos))
        p = portfolio(combo)
        if p is not None and _npv(p) > _npv(best_exact) + 1e-6:
            best_exact = p
        if len(combo) == 2 and p is not None:
            a, b = singles.get(combo[0]), singles.get(combo[1])
            if a is not None and b is not None:
                extra = p.benefit_cost.annual_benefit_eur - (
                    a.benefit_cost.annual_benefit_eur + b.benefit_cost.annual_benefit_eur
                )
                if abs(extra) > 1e-6:
                    interactions.append(
                        {
                            "options": list(combo),
                            "annual_benefit_eur": p.benefit_cost.annual_benefit_eur,
                            "alone_eur": [
                                a.benefit_cost.annual_benefit_eur,
                                b.benefit_cost.annual_benefit_eur,
                            ],
                            "interaction_eur": extra,
                        }
                    )
    if progress is not None:
        progress(len(combos), len(combos))
    if best_exact is not None and _npv(best_exact) <= 0:
        best_exact = None
    interactions.sort(key=lambda r: (-abs(r["interaction_eur"]), r["options"]))
    return {
        "budget_eur": budget_eur,
        "max_size": max_size,
        "greedy": {
            "portfolio": current.as_dict() if current else None,
            "steps": steps,
        },
        "exact": {
            "portfolio": best_exact.as_dict() if best_exact else None,
            "pool": exact_pool,
            "left_out": [c for c in ranked if c not in exact_pool],
            "combinations": len(combos),
        },
        "interactions": interactions,
        "not_in_search": [c for c in candidates if c not in pool],
    }


def decision_components(model: Model, decision: Mapping[str, Any]) -> list[str]:
    """The components a decision of the analysis is about: those its items name
    (``kind:component|resource``, ``kind:component#aspect``), in order, each once.

    >>> from vitaal.model import Component, ModelInfo
    >>> m = Model(info=ModelInfo(name="m"), components={
    ...     "ss": Component(id="ss", subsystem="g", kind="substation")})
    >>> decision_components(m, {"items": ["shortfall:ss|electricity", "replacement:ss"]})
    ['ss']
    """
    out: dict[str, None] = {}
    for item in decision.get("items", ()):
        cid = item_component(str(item))
        if cid in model.components:
            out.setdefault(cid, None)
    return list(out)


def decision_table(
    model: Model, decisions: Sequence[Mapping[str, Any]], reports: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per decision on the table (the analysis's, ranked), the options whose changes touch a
    component the decision is about, with what each does to the flags of the decision's
    systems and its benefit-cost ratio."""
    out = []
    for d in decisions:
        comps = set(decision_components(model, d))
        systems = set(d.get("systems") or ())
        rows = []
        for rep in reports:
            hit = [n for n in rep["touches"] if n in comps]
            if not hit or rep.get("error"):
                continue
            verdicts = {
                f"{sid}/{f['system']}": f["verdict"]
                for sid, sc in rep["scenarios"].items()
                for f in sc["flags"]
                if f["system"] in systems and f["before"]["colour"] != "green"
            }
            rows.append(
                {
                    "id": rep["id"],
                    "touches": hit,
                    "verdicts": verdicts,
                    "benefit_cost_ratio": rep["benefit_cost"]["benefit_cost_ratio"],
                }
            )
        out.append(
            {
                "id": d["id"],
                "rank": d.get("rank"),
                "title": d.get("title"),
                "consequence": d.get("consequence"),
                "components": sorted(comps),
                "options": rows,
            }
        )
    return out


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How each set of options is run: the economics (default: the packaged ones), whether
    each patched model is checked first, the model's folder (for hazard rasters) and the
    horizon (default: each scenario's)."""

    economics: Economics | None = None
    check: bool = True
    model_root: str | Path | None = None
    horizon_h: float | None = None
    #: an ensemble of sampled hazards (``vitaal ensemble``'s file) each option is run over
    #: as well: its expected annual losses before and after (:func:`option_ensembles`)
    ensemble: EnsembleSpec | None = None


def option_ensembles(
    ev: OptionEvaluator,
    spec: EnsembleSpec,
    reports: Sequence[dict[str, Any]],
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, Any], EnsembleResult, CompiledModel]:
    """Each sound option of ``reports`` run over the ensemble ``spec`` (sampled anew from the
    option's model with the same seed, so that it meets the same hazards): its report gets
    ``ensemble`` with the expected annual losses after it, those it avoids, and the
    benefit-cost ratio of what it avoids. Returns the ensemble's settings and the expected
    annual losses without any option, and the ensemble's result and compiled model (what
    :func:`decision_ensembles` reads)."""
    from vitaal.method.batch import ensemble_losses, losses_of_ensemble, model_ensemble

    model = ev.model
    values = ev.economics.values
    res, cm = model_ensemble(model, spec, compiled=ev.compiled)
    base = losses_of_ensemble(res)
    sound = [r for r in reports if not r.get("error")]
    for n, rep in enumerate(sound):
        if progress is not None:
            progress("ensembles", n, len(sound))
        iv = model.interventions[rep["id"]]
        applied = apply_interventions(model, [iv])
        after = ensemble_losses(
            applied.model,
            spec,
            compiled=ev.compiled if keeps_compiled([iv]) else None,
            restoration=applied.restoration,
        )
        gain = base.money(values) - after.money(values)
        rep["ensemble"] = {
            "after": after.as_dict(),
            "avoided": (base - after).as_dict(),
            "eur_avoided": gain,
            "benefit_cost": benefit_cost([iv], gain, ev.economics).as_dict(),
        }
    if progress is not None:
        progress("ensembles", len(sound), len(sound))
    summary: dict[str, Any] = {
        "n_scenarios": spec.n_scenarios,
        "seed": spec.seed,
        "horizon_h": spec.horizon_h,
        "losses": base.as_dict(),
        "eur": base.money(values),
    }
    return summary, res, cm


def decision_ensembles(
    rows: Sequence[dict[str, Any]], res: EnsembleResult, compiled: CompiledModel
) -> None:
    """Per decision row (:func:`decision_table`), the expected annual losses of the sampled
    scenarios that strike any of its components (``ensemble``): the risk its components take
    part in, each scenario's whole loss counted (in place)."""
    from vitaal.method.batch import losses_of_ensemble, striking

    for row in rows:
        hit = striking(res, compiled, row["components"])
        row["ensemble"] = {
            "scenarios": int(hit.sum()),
            **losses_of_ensemble(res, hit).as_dict(),
        }


@dataclass(frozen=True, slots=True)
class PortfolioSearch:
    """Whether and how combinations are searched (:func:`search_portfolios`): under a budget,
    of up to ``max_size`` options, with at most ``max_evaluations`` runs."""

    enabled: bool = True
    budget_eur: float | None = None
    max_size: int = 3
    max_evaluations: int = 500


def options_report(
    model: Model,
    scenarios: Sequence[Scenario | str],
    *,
    options: Sequence[str] | None = None,
    run: RunSettings | None = None,
    search: PortfolioSearch | None = None,
    decisions: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Everything ``vitaal options`` shows, as data: the scenarios with their likelihood and
    flags, the expected annual losses without any option, each option's report, the flags with
    the options that address them and, unless ``search`` is disabled, the portfolios.

    ``options``: the ids of the register to consider (default: all). With ``decisions``, the
    whole method is run (:func:`~vitaal.method.analysis.run_analysis`) and each decision on
    the table lists the options that touch its components (:func:`decision_table`).
    """
    run = run if run is not None else RunSettings()
    search = search if search is not None else PortfolioSearch()
    ids = list(options) if options is not None else list(model.interventions)
    for i in ids:
        if i not in model.interventions:
            known = ", ".join(model.interventions) or "none"
            raise ScenarioError(f"no intervention '{i}' in the register (interventions: {known})")
    ev = OptionEvaluator(
        model,
        scenarios,
        economics=run.economics,
        model_root=run.model_root,
        horizon_h=run.horizon_h,
        check=run.check,
    )
    reports = []
    for n, i in enumerate(ids):
        if progress is not None:
            progress("options", n, len(ids))
        reports.append(ev.option_report(model.interventions[i]))
    if progress is not None:
        progress("options", len(ids), len(ids))
    scenario_rows = []
    for sc in ev.scenarios:
        base = ev.base.outcomes[sc.id]
        lk = ev.likelihood[sc.id]
        scenario_rows.append(
            {
                "id": sc.id,
                "name": sc.name,
                "likelihood": lk.as_dict() if lk else None,
                "impact_class": base.impact_class,
                "reason": base.reason,
                "losses": base.losses.as_dict(),
                "flags": [
                    {"system": s, **f.as_dict()}
                    for s, f in base.flags.items()
                    if f.colour != "green"
                ],
            }
        )
    sound = [r["id"] for r in reports if not r.get("error")]
    ensemble = None
    if run.ensemble is not None:
        ensemble = option_ensembles(ev, run.ensemble, reports, progress)
    out: dict[str, Any] = {
        "model": model.info.name,
        "base_year": model.info.base_year,
        "economics": ev.economics.as_dict(),
        "scenarios": scenario_rows,
        "expected_annual": {
            "losses": ev.base.annual.as_dict(),
            "eur": ev.base.annual_eur,
            "scenarios_with_likelihood": [s for s, lk in ev.likelihood.items() if lk],
            "scenarios_without_likelihood": [s for s, lk in ev.likelihood.items() if not lk],
        },
        "options": reports,
        "flags": ev.flag_table(reports),
    }
    if ensemble is not None:
        out["ensemble"] = ensemble[0]
    if search.enabled:

        def step(done: int, total: int) -> None:
            if progress is not None:
                progress("combinations", done, total)

        out["portfolios"] = search_portfolios(
            ev,
            sound,
            budget_eur=search.budget_eur,
            max_size=search.max_size,
            max_evaluations=search.max_evaluations,
            progress=step,
        )
    if decisions:
        from vitaal.method.analysis import run_analysis

        table = run_analysis(model, model_root=run.model_root).as_dict()["decisions"]["items"]
        out["decisions"] = decision_table(model, table, reports)
        if ensemble is not None:
            decision_ensembles(out["decisions"], ensemble[1], ensemble[2])
    out["runs"] = ev.runs
    return out
