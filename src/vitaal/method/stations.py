"""The ROUTE stations and the priority rule, read from ``vitaal/data``.

Both are data a city can change: ``route_stations.yaml`` (the stations of the Vaktafel's ROUTE
and which kind of finding lands where) and ``priority.yaml`` (the order in which competing
claims on residual capacity are served).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vitaal.catalog import load_data
from vitaal.errors import ModelError, Problem
from vitaal.model.records import Plan

__all__ = [
    "PriorityCategory",
    "PriorityRule",
    "RouteStations",
    "Station",
    "load_priority",
    "load_stations",
]


@dataclass(frozen=True, slots=True)
class Station:
    """One station of the ROUTE: where a kind of question is put on the table."""

    id: str
    order: int
    name: dict[str, str]
    question: dict[str, str]


@dataclass(frozen=True, slots=True)
class RouteStations:
    """The stations in order, and the rule that assigns a finding's kind to one of them."""

    stations: tuple[Station, ...]
    assign: dict[str, str]
    default: str

    def station_for(self, kind: str) -> str:
        """The station id a finding or agenda item of ``kind`` belongs to.

        >>> load_stations().station_for("fitting_conflict")
        'fitting'
        """
        return self.assign.get(kind, self.default)


def _bad(file: str, field: str, found: str, expected: str) -> ModelError:
    return ModelError([Problem(None, field, found, expected, record=file)], f"{file}: {expected}")


def load_stations(spec: dict[str, Any] | None = None) -> RouteStations:
    """Read the ROUTE stations (default: the packaged ``route_stations.yaml``).

    Raises
    ------
    ModelError
        A station without id or name, or ``assign`` naming a station that does not exist.
    """
    data = spec if spec is not None else load_data("route_stations")
    stations = []
    for i, s in enumerate(data.get("stations") or []):
        if not isinstance(s, dict) or "id" not in s or "name" not in s:
            raise _bad("route_stations.yaml", f"stations[{i}]", repr(s), "a station with id, name")
        name = s["name"] if isinstance(s["name"], dict) else {"en": s["name"], "nl": s["name"]}
        question = s.get("question") or {"en": "", "nl": ""}
        stations.append(
            Station(
                id=str(s["id"]),
                order=int(s.get("order", i + 1)),
                name={"en": str(name["en"]), "nl": str(name.get("nl", name["en"]))},
                question={"en": str(question["en"]), "nl": str(question.get("nl", ""))},
            )
        )
    ids = {s.id for s in stations}
    assign = {str(k): str(v) for k, v in (data.get("assign") or {}).items()}
    default = str(data.get("default", stations[0].id if stations else "intake"))
    unknown = sorted({v for v in assign.values() if v not in ids} | ({default} - ids))
    if unknown:
        raise _bad("route_stations.yaml", "assign", ", ".join(unknown), "ids of listed stations")
    return RouteStations(tuple(sorted(stations, key=lambda s: s.order)), assign, default)


@dataclass(frozen=True, slots=True)
class PriorityCategory:
    id: str
    rank: int
    name: dict[str, str]
    keywords: tuple[str, ...]
    systems: tuple[str, ...]
    homes: bool
    #: provenance of the category as published: ``origin``, ``confidence``, ``note`` and, for
    #: the part that could not be verified, ``assumed`` (the reason)
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PriorityRule:
    """The documented priority rule for scarce capacity, with its source.

    ``source`` is the citation as one line; ``reference`` the source's fields as published
    (publisher, title, date, address, ...); ``in_force`` the date the rule applies from."""

    name: str
    source: str
    categories: tuple[PriorityCategory, ...]
    reference: dict[str, str] = field(default_factory=dict)
    in_force: str = ""

    def category_of(self, plan: Plan) -> PriorityCategory:
        """The plan's own ``priority`` when it names one; else the first category (by rank)
        whose match fits ``plan``; the last one otherwise."""
        if plan.priority is not None:
            for cat in self.categories:
                if cat.id == plan.priority:
                    return cat
        text = " ".join(x for x in (plan.id, plan.title, plan.description or "") if x).lower()
        adds_homes = any(v > 0 for v in plan.homes.values())
        for cat in self.categories:
            if any(k in text for k in cat.keywords):
                return cat
            if plan.system is not None and plan.system in cat.systems:
                return cat
            if cat.homes and adds_homes:
                return cat
            if not cat.keywords and not cat.systems and not cat.homes:
                return cat
        return self.categories[-1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "reference": dict(self.reference),
            "in_force": self.in_force,
            "categories": [
                {
                    "id": c.id,
                    "rank": c.rank,
                    "name": c.name,
                    "keywords": list(c.keywords),
                    "systems": list(c.systems),
                    "homes": c.homes,
                    **c.provenance,
                }
                for c in self.categories
            ],
        }


def load_priority(spec: dict[str, Any] | None = None) -> PriorityRule:
    """Read the priority rule (default: the packaged ``priority.yaml``)."""
    data = spec if spec is not None else load_data("priority")
    cats = []
    for i, c in enumerate(data.get("categories") or []):
        if not isinstance(c, dict) or "id" not in c:
            raise _bad("priority.yaml", f"categories[{i}]", repr(c), "a category with an id")
        match = c.get("match") or {}
        name = c.get("name") or {"en": c["id"], "nl": c["id"]}
        cats.append(
            PriorityCategory(
                id=str(c["id"]),
                rank=int(c.get("rank", i + 1)),
                name={"en": str(name["en"]), "nl": str(name.get("nl", name["en"]))},
                keywords=tuple(str(k).lower() for k in match.get("keywords") or ()),
                systems=tuple(str(s) for s in match.get("systems") or ()),
                homes=bool(match.get("homes", False)),
                provenance={
                    k: str(c[k]).strip() for k in _CATEGORY_PROVENANCE if c.get(k) is not None
                },
            )
        )
    if not cats:
        raise _bad("priority.yaml", "categories", "none", "at least one category")
    source, reference = _source(data.get("source"))
    return PriorityRule(
        name=str(data.get("name", "")),
        source=source,
        categories=tuple(sorted(cats, key=lambda c: c.rank)),
        reference=reference,
        in_force=str(data.get("in_force") or ""),
    )


_CATEGORY_PROVENANCE = ("origin", "confidence", "note", "assumed")
#: what a source given as a mapping must say
SOURCE_FIELDS = ("publisher", "title", "date", "address")


def _source(raw: Any) -> tuple[str, dict[str, str]]:
    """The rule's source as a citation line and as its fields. A mapping must give
    ``publisher``, ``title``, ``date`` and ``address``; plain text is taken as the citation."""
    if raw is None or isinstance(raw, str):
        return (raw or "").strip(), {}
    if not isinstance(raw, dict):
        expected = "a mapping with " + ", ".join(SOURCE_FIELDS)
        raise _bad("priority.yaml", "source", repr(raw), expected)
    ref = {str(k): " ".join(str(v).split()) for k, v in raw.items() if v is not None}
    missing = [k for k in SOURCE_FIELDS if not ref.get(k)]
    if missing:
        raise _bad("priority.yaml", "source", "no " + ", ".join(missing), ", ".join(SOURCE_FIELDS))
    where = f"{ref['published_in']}, " if ref.get("published_in") else ""
    line = f"{ref['publisher']}, {ref['title']}, {ref['date']} ({where}{ref['address']})"
    return line, ref
