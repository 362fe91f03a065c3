"""The record tables of a model file: their fields, and records to and from plain data.

One :class:`Table` per record kind lists its fields with a parser, a default, and whether the
field is required. :func:`parse_record` turns one raw mapping (a YAML mapping, a CSV row, the
properties of a GeoJSON feature, a JSON document from the store) into a record, collecting every
problem. :func:`dump_record` is its inverse: plain data (text, numbers, lists, mappings) that
:func:`parse_record` reads back to an equal record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any

from vitaal.errors import Loc, Problem
from vitaal.io.fields import (
    FieldError,
    dump_quantity,
    enum_parser,
    is_blank,
    list_parser,
    mapping_parser,
    parse_bool,
    parse_condition,
    parse_count,
    parse_float,
    parse_geometry,
    parse_id,
    parse_nonneg,
    parse_positive_int,
    parse_quantity_field,
    parse_share,
    parse_text,
    parse_year,
    point_wkt,
    show,
)
from vitaal.io.yamlfile import LineDict
from vitaal.model.enums import (
    AreaKind,
    Confidence,
    CongestionStatus,
    CouplingKind,
    EditOp,
    EventKind,
    InterventionKind,
    Level,
    OnOverload,
    Origin,
    Role,
    ScenarioKind,
    WayOfWorking,
)
from vitaal.model.model import link_key, requirement_key, store_key
from vitaal.model.records import (
    Challenge,
    Component,
    Coupling,
    CriticalFunction,
    Edit,
    Event,
    Hazard,
    HazardArea,
    Intervention,
    ModelInfo,
    Plan,
    Profile,
    Provenance,
    Requirement,
    Resource,
    Scenario,
    ServiceArea,
    SideOutput,
    Stakeholder,
    Store,
    Subsystem,
    SupplyLink,
    System,
)
from vitaal.model.units import Quantity

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One field of a table: how to read it, whether it must be there, and its default."""

    name: str
    parse: Parser
    required: bool = False


@dataclass(frozen=True)
class Table:
    """A record kind as it is written in files."""

    kind: str
    cls: type
    fields: tuple[Field, ...]
    key: Callable[[Any], str]
    has_geometry: bool = False
    csv: bool = False

    def field_names(self) -> tuple[str, ...]:
        names: list[str] = []
        for f in self.fields:
            if f.name == "geometry":
                names += ["x", "y"]
            names.append(f.name)
        return (*names, "origin", "confidence", "ref")


_PROV_FIELDS = ("origin", "confidence", "ref")
_parse_origin = enum_parser(Origin)
_parse_confidence = enum_parser(Confidence)
_ids = list_parser(parse_id)
_texts = list_parser(parse_text)
_qty_map = mapping_parser(parse_id, parse_quantity_field)


def _parse_stakeholder(value: Any) -> Stakeholder:
    if not isinstance(value, Mapping) or "name" not in value:
        raise FieldError(show(value), "a mapping with 'name' and 'role'")
    return Stakeholder(name=parse_text(value["name"]), role=parse_text(value.get("role", "")))


def _parse_profile(value: Any) -> Profile:
    if not isinstance(value, Mapping):
        raise FieldError(show(value), "a mapping (goal, result, source_types, ...)")
    allowed = {"goal", "result", "source_types", "destination_types", "structure", "stakeholders"}
    unknown = set(value) - allowed
    if unknown:
        raise FieldError(f"field '{sorted(map(str, unknown))[0]}'", f"one of {sorted(allowed)}")

    def opt(name: str) -> str | None:
        return None if is_blank(value.get(name)) else parse_text(value[name])

    return Profile(
        goal=opt("goal"),
        result=opt("result"),
        source_types=_texts(value.get("source_types") or []),
        destination_types=_texts(value.get("destination_types") or []),
        structure=opt("structure"),
        stakeholders=tuple(_parse_stakeholder(s) for s in value.get("stakeholders") or []),
    )


def _dump_profile(p: Profile) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("goal", "result"):
        if getattr(p, name) is not None:
            out[name] = getattr(p, name)
    if p.source_types:
        out["source_types"] = list(p.source_types)
    if p.destination_types:
        out["destination_types"] = list(p.destination_types)
    if p.structure is not None:
        out["structure"] = p.structure
    if p.stakeholders:
        out["stakeholders"] = [{"name": s.name, "role": s.role} for s in p.stakeholders]
    return out


def _parse_event(value: Any) -> Event:
    if not isinstance(value, Mapping) or "target" not in value:
        raise FieldError(show(value), "a mapping with 'target', 'time_h' and 'kind'")
    unknown = set(value) - {"target", "time_h", "kind", "repair_h"}
    if unknown:
        raise FieldError(
            f"field '{sorted(map(str, unknown))[0]}'", "target, time_h, kind, repair_h"
        )
    return Event(
        target=parse_id(value["target"]),
        time_h=0.0 if is_blank(value.get("time_h")) else parse_nonneg(value["time_h"]),
        kind=enum_parser(EventKind)(value.get("kind", "failure")),
        repair_h=None if is_blank(value.get("repair_h")) else parse_nonneg(value["repair_h"]),
    )


def _intervals(value: Any) -> tuple[tuple[float, float], ...]:
    """``[[start, end], ...]`` in hours, each start before its end, in order, not overlapping."""
    expected = "a list of [start, end] hours, each start < end, in order and not overlapping"
    if not isinstance(value, list | tuple):
        raise FieldError(show(value), expected)
    out: list[tuple[float, float]] = []
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise FieldError(show(item), expected)
        a, b = parse_nonneg(item[0]), parse_nonneg(item[1])
        if not a < b or (out and a < out[-1][1]):
            raise FieldError(show(item), expected)
        out.append((a, b))
    return tuple(out)


def _parse_hazard_area(value: Any) -> HazardArea:
    if not isinstance(value, Mapping) or "geometry" not in value or "value" not in value:
        raise FieldError(show(value), "a mapping with 'geometry' (WKT) and 'value'")
    return HazardArea(geometry=parse_geometry(value["geometry"]), value=parse_float(value["value"]))


def _parse_hazard(value: Any) -> Hazard:
    if not isinstance(value, Mapping) or "type" not in value:
        raise FieldError(show(value), "a mapping with 'type', 'unit' and intensities")
    allowed = {"type", "unit", "time_h", "areas", "values", "raster", "area_file"}
    unknown = set(value) - allowed
    if unknown:
        raise FieldError(f"field '{sorted(map(str, unknown))[0]}'", f"one of {sorted(allowed)}")
    if "area_file" in value and "areas" not in value:
        # The folder reader replaces area_file by the polygons it holds; anything else is a bug.
        raise FieldError(show(value["area_file"]), "a GeoJSON file the reader could load")
    unit = value.get("unit")
    if is_blank(unit):
        raise FieldError("no unit", "the unit of the hazard's values, like 'm'")
    return Hazard(
        type=parse_id(value["type"]),
        unit=parse_text(unit),
        time_h=0.0 if is_blank(value.get("time_h")) else parse_nonneg(value["time_h"]),
        areas=tuple(_parse_hazard_area(a) for a in value.get("areas") or []),
        values=mapping_parser(parse_id, parse_float)(value.get("values") or {}),
        raster=None if is_blank(value.get("raster")) else parse_text(value["raster"]),
    )


def _dump_hazard(h: Hazard) -> dict[str, Any]:
    out: dict[str, Any] = {"type": h.type, "unit": h.unit}
    if h.time_h:
        out["time_h"] = h.time_h
    if h.areas:
        out["areas"] = [{"geometry": a.geometry, "value": a.value} for a in h.areas]
    if h.values:
        out["values"] = dict(h.values)
    if h.raster is not None:
        out["raster"] = h.raster
    return out


_year_int = mapping_parser(parse_year, parse_count)
_year_share = mapping_parser(parse_year, parse_share)
_demand = mapping_parser(parse_id, mapping_parser(parse_year, parse_quantity_field))


def _parse_positive(value: Any) -> float:
    result = parse_float(value)
    if not result > 0:
        raise FieldError(show(value), "a number > 0")
    return result


def _f(name: str, parse: Parser, required: bool = False) -> Field:
    return Field(name, parse, required)


TABLES: dict[str, Table] = {
    t.kind: t
    for t in (
        Table(
            "resources",
            Resource,
            (
                _f("id", parse_id, True),
                _f("name", parse_text, True),
                _f("unit", parse_text, True),
                _f("name_nl", parse_text),
                _f("on_overload", enum_parser(OnOverload)),
                _f("description", parse_text),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "systems",
            System,
            (
                _f("id", parse_id, True),
                _f("name", parse_text, True),
                _f("name_nl", parse_text),
                _f("owner", parse_text),
                _f("description", parse_text),
                _f("description_nl", parse_text),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "subsystems",
            Subsystem,
            (
                _f("id", parse_id, True),
                _f("system", parse_id, True),
                _f("name", parse_text, True),
                _f("name_nl", parse_text),
                _f("owner", parse_text),
                _f("profile", _parse_profile),
                _f("profile_nl", _parse_profile),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "components",
            Component,
            (
                _f("id", parse_id, True),
                _f("name", parse_text),
                _f("name_nl", parse_text),
                _f("subsystem", parse_id, True),
                _f("kind", parse_id, True),
                _f("geometry", parse_geometry),
                _f("capacity", _qty_map),
                _f("peak_load", _qty_map),
                _f("condition", parse_condition),
                _f("build_year", parse_year),
                _f("end_of_life_year", parse_year),
                _f("lead_time_y", parse_nonneg),
                _f("replacement_cost_eur", parse_nonneg),
                _f("owner", parse_text),
                _f("protection_zone_m", parse_nonneg),
                _f("sensitive", parse_bool),
                _f("boundary", parse_bool),
                _f("thresholds", _qty_map),
                _f("congestion", enum_parser(CongestionStatus)),
                _f("waiting_list", parse_bool),
                _f("congestion_until", parse_year),
                _f("congestion_ref", parse_text),
            ),
            key=lambda r: r.id,
            has_geometry=True,
            csv=True,
        ),
        Table(
            "areas",
            ServiceArea,
            (
                _f("id", parse_id, True),
                _f("name", parse_text, True),
                _f("kind", enum_parser(AreaKind)),
                _f("district", parse_text),
                _f("population", parse_count),
                _f("homes", parse_count),
                _f("jobs", parse_count),
                _f("geometry", parse_geometry),
                _f("connections", mapping_parser(parse_id, parse_count)),
                _f("built_from", parse_year),
            ),
            key=lambda r: r.id,
            has_geometry=True,
            csv=True,
        ),
        Table(
            "critical_functions",
            CriticalFunction,
            (
                _f("id", parse_id, True),
                _f("name", parse_text, True),
                _f("name_nl", parse_text),
                _f("category", parse_id, True),
                _f("area", parse_id),
                _f("people", parse_count),
                _f("owner", parse_text),
                _f("geometry", parse_geometry),
            ),
            key=lambda r: r.id,
            has_geometry=True,
            csv=True,
        ),
        Table(
            "requirements",
            Requirement,
            (
                _f("consumer", parse_id, True),
                _f("resource", parse_id, True),
                _f("buffer_h", parse_nonneg),
                _f("k", parse_positive_int),
                _f("condition", parse_id),
                _f("degraded_h", parse_nonneg),
                _f("degraded_share", parse_share),
            ),
            key=requirement_key,
            csv=True,
        ),
        Table(
            "supply",
            SupplyLink,
            (
                _f("supplier", parse_id, True),
                _f("consumer", parse_id, True),
                _f("resource", parse_id, True),
                _f("role", enum_parser(Role)),
            ),
            key=link_key,
            csv=True,
        ),
        Table(
            "stores",
            Store,
            (
                _f("component", parse_id, True),
                _f("resource", parse_id, True),
                _f("autonomy_h", parse_nonneg, True),
            ),
            key=store_key,
            csv=True,
        ),
        Table(
            "couplings",
            Coupling,
            (
                _f("id", parse_id, True),
                _f("kind", enum_parser(CouplingKind), True),
                _f("members", _ids, True),
                _f("description", parse_text),
                _f("managed_by", parse_text),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "side_outputs",
            SideOutput,
            (
                _f("id", parse_id, True),
                _f("component", parse_id, True),
                _f("output", parse_id, True),
                _f("amount", parse_quantity_field),
                _f("usable_by", _ids),
                _f("description", parse_text),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "challenges",
            Challenge,
            (
                _f("id", parse_id, True),
                _f("subsystem", parse_id, True),
                _f("driver", parse_text, True),
                _f("driver_nl", parse_text),
                _f("assumption", parse_text, True),
                _f("assumption_nl", parse_text),
                _f("level", enum_parser(Level), True),
                _f("description", parse_text),
                _f("description_nl", parse_text),
                _f("actions", _ids),
                _f("kinds", _ids),
                _f("areas", _ids),
                _f("plans", _ids),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "plans",
            Plan,
            (
                _f("id", parse_id, True),
                _f("title", parse_text, True),
                _f("title_nl", parse_text),
                _f("owner", parse_text),
                _f("system", parse_id),
                _f("areas", _ids),
                _f("area_shares", mapping_parser(parse_id, parse_share)),
                _f("geometry", parse_geometry),
                _f("homes", _year_int),
                _f("jobs", _year_int),
                _f("demand", _demand),
                _f("result_known", parse_bool),
                _f("repetitive", parse_bool),
                _f("run_as", enum_parser(WayOfWorking)),
                _f("stations_passed", _ids),
                _f("standard", parse_id),
                _f("standard_note", parse_text),
                _f("standard_note_nl", parse_text),
                _f("priority", parse_id),
                _f("description", parse_text),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "scenarios",
            Scenario,
            (
                _f("id", parse_id, True),
                _f("name", parse_text, True),
                _f("name_nl", parse_text),
                _f("kind", enum_parser(ScenarioKind)),
                _f("description", parse_text),
                _f("origin_system", parse_id),
                _f("horizon_h", parse_nonneg),
                _f("year", parse_year),
                _f("plans", _ids),
                _f("transitions", mapping_parser(parse_id, _year_share)),
                _f("events", list_parser(_parse_event)),
                _f("hazards", list_parser(_parse_hazard)),
                _f("conditions", mapping_parser(parse_id, _intervals)),
                _f("return_period_y", _parse_positive),
                _f("likelihood_class", parse_id),
            ),
            key=lambda r: r.id,
        ),
        Table(
            "interventions",
            Intervention,
            (
                _f("id", parse_id, True),
                _f("name", parse_text, True),
                _f("name_nl", parse_text),
                _f("kind", enum_parser(InterventionKind), True),
                _f("chosen", parse_bool),
                _f("owner", parse_text),
                _f("system", parse_id),
                _f("investment_eur", parse_nonneg),
                _f("yearly_cost_eur", parse_nonneg),
                _f("lead_time_y", parse_nonneg),
                _f("lifetime_y", _parse_positive),
                _f("description", parse_text),
                _f("changes", lambda v: _parse_edits(v), True),
            ),
            key=lambda r: r.id,
        ),
    )
}


#: the record kinds an intervention may change, and the fields that make each one's key
EDIT_KINDS: dict[str, tuple[str, ...]] = {
    "components": ("id",),
    "areas": ("id",),
    "critical_functions": ("id",),
    "requirements": ("consumer", "resource"),
    "supply": ("supplier", "consumer", "resource"),
    "stores": ("component", "resource"),
    "couplings": ("id",),
    "side_outputs": ("id",),
}
#: the times a ``repair`` change may set (``vitaal/data/restoration.yaml``)
REPAIR_FIELDS = ("repair_h", "hazard_repair_h", "restart_h")
_EDIT_EXPECTED = (
    "a change: 'set: KIND/KEY' with fields, 'add: KIND' with a record, 'remove: KIND/KEY' or "
    "'repair: COMPONENT_KIND' with repair_h, hazard_repair_h, restart_h "
    f"(KIND one of {', '.join(EDIT_KINDS)})"
)


def _edit_target(value: Any, with_key: bool) -> tuple[str, str]:
    text = parse_text(value) if isinstance(value, str) else None
    if text is None:
        raise FieldError(show(value), _EDIT_EXPECTED)
    kind, _, key = text.partition("/")
    kind, key = kind.strip(), key.strip()
    if kind not in EDIT_KINDS:
        raise FieldError(f"the kind {show(kind)}", f"one of {', '.join(EDIT_KINDS)}")
    if with_key and not key:
        raise FieldError(show(text), f"{kind}/KEY: the kind, a slash and the record's key")
    if not with_key and key:
        raise FieldError(show(text), f"'{kind}' alone: the new record gives its key")
    return kind, key


def _parse_edit(item: Any, line: int | None) -> Edit:
    if not isinstance(item, Mapping):
        raise FieldError(show(item), _EDIT_EXPECTED)
    ops = [op for op in EditOp if op.value in item]
    if len(ops) != 1:
        raise FieldError(show(item), _EDIT_EXPECTED)
    op = ops[0]
    rest = {str(k): v for k, v in item.items() if k != op.value}
    if op is EditOp.REPAIR:
        kind = parse_id(item[op.value])
        unknown = sorted(set(rest) - set(REPAIR_FIELDS))
        if unknown or not rest:
            found = f"field '{unknown[0]}'" if unknown else "no time"
            raise FieldError(found, f"some of {', '.join(REPAIR_FIELDS)} (hours; null: never)")
        times = {k: None if is_blank(v) else parse_nonneg(v) for k, v in rest.items()}
        return Edit(op=op, kind="restoration", key=kind, fields=times, line=line)
    if op is EditOp.REMOVE:
        kind, key = _edit_target(item[op.value], True)
        if rest:
            raise FieldError(f"field '{sorted(rest)[0]}'", "nothing beside 'remove'")
        return Edit(op=op, kind=kind, key=key, line=line)
    if op is EditOp.ADD:
        kind, _ = _edit_target(item[op.value], False)
        table = TABLES[kind]
        record, problems = parse_record(table, rest, Loc("changes", line), line_of=None)
        if problems or record is None:
            first = problems[0] if problems else None
            found = f"{first.field}: {first.found}" if first else show(rest)
            raise FieldError(found, first.expected if first else f"a record of {kind}")
        return Edit(op=op, kind=kind, key=str(table.key(record)), record=record, line=line)
    kind, key = _edit_target(item[op.value], True)
    table = TABLES[kind]
    parsers = {f.name: f.parse for f in table.fields if f.name not in EDIT_KINDS[kind]}
    fields: dict[str, Any] = {}
    if table.has_geometry and ("x" in rest or "y" in rest):
        if "geometry" in rest or is_blank(rest.get("x")) or is_blank(rest.get("y")):
            raise FieldError("x or y alone, or beside geometry", "both x and y, or geometry")
        fields["geometry"] = point_wkt(parse_float(rest.pop("x")), parse_float(rest.pop("y")))
    if not rest and not fields:
        raise FieldError("no field to set", f"some of {', '.join(parsers)}")
    for name, value in rest.items():
        # a list field takes items out ('members-') or adds them ('members+')
        base = name[:-1] if name.endswith(("+", "-")) else name
        if base not in parsers:
            raise FieldError(f"field '{name}'", f"one of {', '.join(parsers)} (not its key)")
        if is_blank(value):
            raise FieldError(f"{name}: nothing", "a value")
        try:
            fields[name] = parsers[base](value)
        except FieldError as exc:
            raise FieldError(f"{name}: {exc.found}", exc.expected) from None
        if base != name and not isinstance(fields[name], tuple):
            raise FieldError(f"field '{name}'", f"'{base}' itself ('+' and '-' are for lists)")
    return Edit(op=op, kind=kind, key=key, fields=fields, line=line)


def _parse_edits(value: Any) -> tuple[Edit, ...]:
    """The changes of an intervention, each read against the table it changes. Every change
    that cannot be read is named by its number and line."""
    if not isinstance(value, list | tuple) or not value:
        raise FieldError(show(value), "a list of changes (set, add, remove, repair)")
    out: list[Edit] = []
    wrong: list[tuple[str, FieldError]] = []
    for n, item in enumerate(value, 1):
        line = getattr(item, "line", None)
        try:
            out.append(_parse_edit(item, line))
        except FieldError as exc:
            wrong.append((f"change {n}" + (f" (line {line})" if line else ""), exc))
    if len(wrong) == 1:
        where, error = wrong[0]
        raise FieldError(f"{where}: {error.found}", error.expected)
    if wrong:
        raise FieldError(
            "; ".join(f"{w}: {e.found}, expected {e.expected}" for w, e in wrong),
            "changes as docs/interventions.md describes them",
        )
    return tuple(out)


def _dump_edit(e: Edit) -> dict[str, Any]:
    if e.op is EditOp.REPAIR:
        return {"repair": e.key, **dict(e.fields)}
    if e.op is EditOp.REMOVE:
        return {"remove": f"{e.kind}/{e.key}"}
    if e.op is EditOp.ADD:
        return {"add": e.kind, **dump_record(TABLES[e.kind], e.record)}
    return {"set": f"{e.kind}/{e.key}", **{k: _plain(v) for k, v in e.fields.items()}}


def parse_record(
    table: Table, raw: Mapping[Any, Any], loc: Loc, *, line_of: Callable[[str], int | None] | None
) -> tuple[Any | None, list[Problem]]:
    """Read one record of ``table`` from a raw mapping, collecting every problem.

    ``line_of`` gives the line of a field when the source knows it (YAML); otherwise every
    problem points at ``loc``.
    """
    problems: list[Problem] = []
    record_id = raw.get("id") if isinstance(raw.get("id"), str) else None

    def where(name: str) -> Loc:
        if line_of is None:
            return loc
        return Loc(loc.file, line_of(name) or loc.line)

    def problem(name: str | None, found: str, expected: str) -> None:
        problems.append(Problem(where(name or ""), name, found, expected, record=record_id))

    allowed = set(table.field_names())
    for name in raw:
        if str(name) not in allowed:
            problem(str(name), "an unknown field", f"one of {', '.join(table.field_names())}")

    kwargs: dict[str, Any] = {}
    for fld in table.fields:
        value = raw.get(fld.name)
        if is_blank(value) or (isinstance(value, list | dict) and not value and not fld.required):
            if fld.required:
                problem(fld.name, "nothing", "a value (this field is required)")
            continue
        try:
            kwargs[fld.name] = fld.parse(value)
        except FieldError as exc:
            problem(fld.name, exc.found, exc.expected)

    if table.has_geometry and ("x" in raw or "y" in raw):
        x, y = raw.get("x"), raw.get("y")
        if is_blank(x) and is_blank(y):
            pass
        elif "geometry" in kwargs or not is_blank(raw.get("geometry")):
            problem("x", "both x/y and geometry", "either x and y, or geometry")
        else:
            try:
                kwargs["geometry"] = point_wkt(parse_float(x), parse_float(y))
            except FieldError as exc:
                problem("x" if not _is_number(x) else "y", exc.found, "x and y as numbers (m)")

    prov_kwargs: dict[str, Any] = {}
    for name, parser in (("origin", _parse_origin), ("confidence", _parse_confidence)):
        if not is_blank(raw.get(name)):
            try:
                prov_kwargs[name] = parser(raw[name])
            except FieldError as exc:
                problem(name, exc.found, exc.expected)
    if not is_blank(raw.get("ref")):
        prov_kwargs["ref"] = parse_text(raw["ref"])

    # A record whose required fields are sound is kept even when an optional field is not, so
    # that one bad cell does not make every reference to the record look dangling as well.
    if any(f.required and f.name not in kwargs for f in table.fields):
        return None, problems
    kwargs["prov"] = Provenance(**prov_kwargs)
    if line_of is not None:
        lines = tuple((str(name), line) for name in raw if (line := line_of(str(name))) is not None)
        loc = Loc(loc.file, loc.line, lines)
    kwargs["loc"] = loc
    return table.cls(**kwargs), problems


def csv_header_problems(table: Table, header: Sequence[str], file: str) -> list[Problem]:
    """The problem of a CSV header that does not name every required column of ``table``.

    Such a file is not a table of ``table.kind`` (random text, another table, a header in
    another language): it is one located error at line 1, not rows that each lack their
    fields, nor, when it holds no rows, an empty table.

    Examples
    --------
    >>> [p] = csv_header_problems(TABLES["requirements"], ["lorem ipsum"], "r.csv")
    >>> p.loc
    Loc(file='r.csv', line=1)
    >>> p.found
    "a header without the columns consumer, resource (it reads 'lorem ipsum')"
    """
    names = {str(h).strip() for h in header}
    missing = [f.name for f in table.fields if f.required and f.name not in names]
    if not missing:
        return []
    plural = "s" if len(missing) > 1 else ""
    required = ", ".join(f.name for f in table.fields if f.required)
    return [
        Problem(
            Loc(file, 1),
            None,
            f"a header without the column{plural} {', '.join(missing)} "
            f"(it reads {show(','.join(str(h) for h in header))})",
            f"a first row naming the columns of {table.kind}, at least {required}",
        )
    ]


def _is_number(value: Any) -> bool:
    try:
        parse_float(value)
    except FieldError:
        return False
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Quantity):
        return dump_quantity(value)
    if isinstance(value, Profile):
        return _dump_profile(value)
    if isinstance(value, Hazard):
        return _dump_hazard(value)
    if isinstance(value, Edit):
        return _dump_edit(value)
    if isinstance(value, Event):
        out: dict[str, Any] = {"target": value.target}
        if value.time_h:
            out["time_h"] = value.time_h
        if value.kind is not EventKind.FAILURE:
            out["kind"] = value.kind.value
        if value.repair_h is not None:
            out["repair_h"] = value.repair_h
        return out
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value):
        raise TypeError(f"no plain form for {type(value).__name__}")
    return value


def dump_record(table: Table, record: Any) -> dict[str, Any]:
    """Plain data for one record: fields at their default are left out."""
    defaults = table.cls(**{f.name: getattr(record, f.name) for f in table.fields if f.required})
    out: dict[str, Any] = {}
    for fld in table.fields:
        value = getattr(record, fld.name)
        if not fld.required and value == getattr(defaults, fld.name):
            continue
        out[fld.name] = _plain(value)
    prov: Provenance = record.prov
    default_prov = Provenance()
    if prov.origin != default_prov.origin:
        out["origin"] = prov.origin.value
    if prov.confidence != default_prov.confidence:
        out["confidence"] = prov.confidence.value
    if prov.ref is not None:
        out["ref"] = prov.ref
    return out


def dump_info(info: ModelInfo) -> dict[str, Any]:
    """Plain data for the model info, as ``model.yaml`` holds it."""
    out: dict[str, Any] = {"name": info.name}
    if info.description is not None:
        out["description"] = info.description
    if info.description_nl is not None:
        out["description_nl"] = info.description_nl
    out["crs"] = info.crs
    out["base_year"] = info.base_year
    out["horizons"] = {"short_y": info.horizons.short_y, "medium_y": info.horizons.medium_y}
    out["horizon_h"] = info.horizon_h
    if info.kinds:
        out["kinds"] = list(info.kinds)
    return out


def record_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def mapping_line_of(raw: Mapping[Any, Any]) -> Callable[[str], int | None] | None:
    if isinstance(raw, LineDict):
        return raw.line_of
    return None
