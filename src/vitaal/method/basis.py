"""What a result rests on: the model records that decide it, and which of them are assumed.

A result that rests on an ``assumed`` record (``Provenance.origin``) says so, in the JSON, the
summary and the report (``docs/method.md``, "The basis of a result"). The records a result rests
on are fixed by rule, not guessed:

- a finding rests on the components it names; a cascade flag's finding also on the records of
  its chain (see below);
- a flag rests on the records of its causal chain: every component in it, the supply link
  through which each loss arrived, and the requirement that made the component need the
  resource; a capacity flag on the components its evidence names (congested, exhausted
  before their lead time, on a waiting list);
- a scenario rests on the components its events strike and on the chains of its red and orange
  flags;
- a decision rests on everything its findings rest on.

``expert_judgement``, ``public_source``, ``utility_data`` and ``computed`` records count as
founded; only ``assumed`` ones mark a result. Chain steps that are not records of the model
(service areas, and a supply link or requirement a loss did not pass through) are left out;
:func:`basis_of` counts a reference to a record the model does not hold as assumed, since
nothing founds it.

Examples
--------
>>> b = Basis(("component:a", "component:b"), ("component:b",))
>>> b.verdict, b.as_dict()["assumed"]
('partly_assumed', 1)
>>> Basis((), ()).verdict  # names no record at all
'untraced'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vitaal.model.enums import Origin

if TYPE_CHECKING:
    from vitaal.method.findings import Finding
    from vitaal.method.flags import Flag
    from vitaal.method.scenario_run import ScenarioRun
    from vitaal.model import Model

__all__ = [
    "ASSUMED_LISTED",
    "Basis",
    "basis_of",
    "basis_summary",
    "finding_refs",
    "flag_refs",
    "scenario_refs",
]

#: at most this many assumed records are listed by name with a result (the count is whole)
ASSUMED_LISTED = 12

#: the verdicts, from founded to assumed
VERDICTS = ("sourced", "partly_assumed", "assumed", "untraced")

#: the evidence lists of a flag that name components (``method/flags.py``)
EVIDENCE_LISTS = ("congested", "exhausted_before_lead_time", "waiting_list")


@dataclass(frozen=True, slots=True)
class Basis:
    """The records a result rests on (``kind:key``, e.g. ``component:el-ss-1``, in the order
    first met) and those of them that are assumed."""

    records: tuple[str, ...]
    assumed: tuple[str, ...]

    @property
    def verdict(self) -> str:
        """``sourced`` (no assumed record), ``assumed`` (every record assumed),
        ``partly_assumed``, or ``untraced`` (the result names no record: a count without a
        list, such as a headroom flag)."""
        if not self.records:
            return "untraced"
        if not self.assumed:
            return "sourced"
        return "assumed" if len(self.assumed) == len(self.records) else "partly_assumed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "records": len(self.records),
            "assumed": len(self.assumed),
            "assumed_records": list(self.assumed[:ASSUMED_LISTED]),
        }


def _record(model: Model, ref: str) -> Any:
    kind, _, key = ref.partition(":")
    if kind == "component":
        return model.components.get(key)
    if kind == "supply":
        return model.supply.get(key)
    if kind == "requirement":
        return model.requirements.get(key)
    return None


def basis_of(model: Model, refs: Iterable[str]) -> Basis:
    """The basis of a result that rests on ``refs`` (``kind:key``; duplicates are taken once)."""
    records = tuple(dict.fromkeys(refs))
    assumed = []
    for ref in records:
        rec = _record(model, ref)
        if rec is None or rec.prov.origin is Origin.ASSUMED:
            assumed.append(ref)
    return Basis(records, tuple(assumed))


def flag_refs(run: ScenarioRun, flag: Flag) -> list[str]:
    """The records a flag rests on: its chain's components, supply links and requirements."""
    refs: list[str] = []
    for link in flag.chain:
        refs.append(f"component:{link.node}")
        if link.resource is None:
            continue
        step = run.cascade.step(link.node)
        if step.via is not None:
            refs.append(f"supply:{step.via}>{link.node}|{link.resource}")
        refs.append(f"requirement:{link.node}|{link.resource}")
    for key in EVIDENCE_LISTS:
        refs.extend(f"component:{c}" for c in flag.evidence.get(key) or ())
    return refs


def _known(model: Model, refs: Iterable[str]) -> list[str]:
    """The references that name a record of the model: a chain also passes service areas,
    and a loss through a link that is not a supply record (a requirement met without one)."""
    return [ref for ref in refs if _record(model, ref) is not None]


def scenario_refs(model: Model, run: ScenarioRun) -> list[str]:
    """The records a scenario's result rests on: its struck components and the chains of its
    red and orange flags."""
    refs = [f"component:{e.target}" for e in run.scenario.events]
    for f in run.flags:
        if f.colour in ("red", "orange"):
            refs.extend(flag_refs(run, f))
    return _known(model, refs)


def finding_refs(model: Model, finding: Finding, runs: Mapping[str, ScenarioRun]) -> list[str]:
    """The records a finding rests on: its components, and for a cascade flag the chain."""
    refs = [f"component:{c}" for c in finding.components]
    run = runs.get(finding.scenario) if finding.scenario else None
    if finding.kind == "cascade_flag" and run is not None:
        for f in run.flags:
            if f.system == finding.system:
                refs.extend(flag_refs(run, f))
    return _known(model, refs)


def basis_summary(
    decisions: Sequence[Mapping[str, Any]], first_page: int, scenarios: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """How many decisions (all, and those of the first page) and scenarios rest on assumed
    records, by verdict."""

    def count(items: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for it in items:
            out[str(it["basis"]["verdict"])] += 1
        return out

    return {
        "decisions": count(decisions),
        "first_page": count(decisions[:first_page]),
        "scenarios": count(scenarios),
    }
