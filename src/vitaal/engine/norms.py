"""Demand norms: the peak demand per home, new home, resident, job and transition, with the
unit and source of each figure, read from ``vitaal/data/demand_norms.yaml`` (or a file of the
same shape), and the mapping of the model's resources onto them. See ``docs/capacity.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vitaal.catalog import data_mapping, load_data
from vitaal.errors import Loc, ModelError, Problem
from vitaal.model import Confidence, Model, Origin
from vitaal.model.units import Quantity, UnitError, dimension_of

__all__ = ["BASES", "DemandNorms", "Norm", "TransitionNorm", "load_norms", "map_resources"]

#: What a norm counts per: an existing home, a home added by a plan, a resident, a job.
BASES: tuple[str, ...] = ("home", "new_home", "person", "job")
_PACKAGED = "vitaal/data/demand_norms.yaml"


# -- the norms ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Norm:
    """One figure of the norms: a quantity per home, person or job, and where it comes from."""

    quantity: Quantity
    origin: str = Origin.ASSUMED.value
    confidence: str = Confidence.LOW.value
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class TransitionNorm:
    """What a transition changes per home that has it.

    ``applies_to`` is ``"existing"`` (base-year homes) or ``"all"`` (new homes too); ``add``
    maps norm keys to the demand added per home; ``off`` (``removes`` in the file) lists norm
    keys whose per-home norm such a home no longer draws; ``total`` says that the share is of
    homes off those keys for any reason (gas phase-out), rather than a group of its own.
    """

    applies_to: str
    add: Mapping[str, Norm]
    off: tuple[str, ...] = ()
    total: bool = False


@dataclass(frozen=True, slots=True)
class DemandNorms:
    """The demand norms, read by :func:`load_norms`.

    Attributes
    ----------
    persons_per_home
        Residents per home added by a plan.
    aliases
        Per norm key, the other resource ids that take its norms.
    norms
        Per norm key, per basis (:data:`BASES`), the norm.
    transitions
        Per transition of ``vitaal/data/transitions.yaml``, its :class:`TransitionNorm`.
    critical_basis
        The basis whose norms a critical function's person draws by default (or ``None``).
    critical
        Per category, per norm key, the norm per person that overrides the default.
    source
        Where the norms were read from.
    """

    persons_per_home: float
    aliases: Mapping[str, tuple[str, ...]]
    norms: Mapping[str, Mapping[str, Norm]]
    transitions: Mapping[str, TransitionNorm]
    critical_basis: str | None
    critical: Mapping[str, Mapping[str, Norm]]
    source: str = _PACKAGED

    def per(self, key: str, basis: str) -> Norm | None:
        """The norm of ``key`` per ``basis``, ``None`` when there is none (zero demand)."""
        return self.norms.get(key, {}).get(basis)

    def for_category(self, category: str, key: str) -> Norm | None:
        """The norm per person of a critical function of ``category`` for ``key``."""
        norm = self.critical.get(category, {}).get(key)
        if norm is None and self.critical_basis is not None:
            norm = self.per(key, self.critical_basis)
        return norm


class _Parser:
    """Reads the raw YAML of the norms, collecting every problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, where: str, found: object, expected: str) -> None:
        shown = found if isinstance(found, str) else repr(found)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        self.problems.append(Problem(Loc(self.source), where, shown, expected))

    def mapping(self, raw: object, where: str) -> Mapping[str, Any]:
        if isinstance(raw, Mapping) and all(isinstance(k, str) for k in raw):
            return raw
        self.fail(where, raw, "a mapping with text keys")
        return {}

    def norm(self, raw: object, where: str) -> Norm | None:
        spec = self.mapping(raw, where)
        if not spec:
            return None
        value = spec.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}.value", value, "a number")
            return None
        if not (math.isfinite(value) and value >= 0):
            self.fail(f"{where}.value", value, "a finite number >= 0")
            return None
        unit = spec.get("unit")
        try:
            dimension_of(str(unit))
        except UnitError:
            self.fail(f"{where}.unit", unit, "a unit of vitaal/data/units.yaml")
            return None
        origin = spec.get("origin", Origin.ASSUMED.value)
        if origin not in {o.value for o in Origin}:
            self.fail(f"{where}.origin", origin, f"one of {', '.join(o.value for o in Origin)}")
        confidence = spec.get("confidence", Confidence.LOW.value)
        if confidence not in {c.value for c in Confidence}:
            levels = ", ".join(c.value for c in Confidence)
            self.fail(f"{where}.confidence", confidence, f"one of {levels}")
        ref = spec.get("ref")
        qty = Quantity(float(value), str(unit))
        return Norm(qty, str(origin), str(confidence), None if ref is None else str(ref))


def _parse_norms(raw: object, source: str) -> DemandNorms:
    p = _Parser(source)
    top = p.mapping(raw, "<file>")
    if top and top.get("version") != 1:
        p.fail("version", top.get("version"), "1")

    pph_raw = top.get("persons_per_home")
    pph = pph_raw.get("value") if isinstance(pph_raw, Mapping) else pph_raw
    persons_per_home = 0.0
    if isinstance(pph, bool) or not isinstance(pph, int | float) or not pph > 0:
        p.fail("persons_per_home", pph, "a number > 0 (persons per home)")
    else:
        persons_per_home = float(pph)

    norms: dict[str, dict[str, Norm]] = {}
    for key, per_basis in p.mapping(top.get("norms"), "norms").items():
        norms[key] = {}
        for basis, spec in p.mapping(per_basis, f"norms.{key}").items():
            if basis not in BASES:
                p.fail(f"norms.{key}.{basis}", basis, f"a basis: {', '.join(BASES)}")
                continue
            n = p.norm(spec, f"norms.{key}.{basis}")
            if n is not None:
                norms[key][basis] = n

    aliases: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for key, names in p.mapping(top.get("aliases", {}), "aliases").items():
        if key not in norms:
            p.fail(f"aliases.{key}", key, "a norm key listed under norms")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            p.fail(f"aliases.{key}", names, "a list of resource ids")
            continue
        for name in names:
            if name in seen or name in norms:
                p.fail(f"aliases.{key}", name, "a resource id that names one norm key only")
            seen[name] = key
        aliases[key] = tuple(names)

    known = set(data_mapping("transitions", "transitions"))
    transitions: dict[str, TransitionNorm] = {}
    raw_tr = p.mapping(top.get("transitions"), "transitions")
    for name in sorted(known - set(raw_tr)):
        p.fail("transitions", f"no entry for '{name}'", "an entry for every transition")
    for name, spec_raw in raw_tr.items():
        where = f"transitions.{name}"
        if name not in known:
            p.fail(where, name, f"a transition of vitaal/data/transitions.yaml: {sorted(known)}")
            continue
        spec = p.mapping(spec_raw, where)
        applies_to = spec.get("applies_to")
        if applies_to not in ("existing", "all"):
            p.fail(f"{where}.applies_to", applies_to, "existing or all")
            continue
        add: dict[str, Norm] = {}
        for key, nspec in p.mapping(spec.get("add", {}), f"{where}.add").items():
            if key not in norms:
                p.fail(f"{where}.add.{key}", key, "a norm key listed under norms")
                continue
            n = p.norm(nspec, f"{where}.add.{key}")
            if n is not None:
                add[key] = n
        off = spec.get("removes", [])
        if not isinstance(off, list) or not all(isinstance(k, str) and k in norms for k in off):
            p.fail(f"{where}.removes", off, "a list of norm keys listed under norms")
            off = []
        total = spec.get("total", False)
        if not isinstance(total, bool):
            p.fail(f"{where}.total", total, "true or false")
            total = False
        transitions[name] = TransitionNorm(applies_to, MappingProxyType(add), tuple(off), total)

    categories = set(data_mapping("categories", "categories"))
    critical: dict[str, dict[str, Norm]] = {}
    critical_basis: str | None = None
    for category, spec_raw in p.mapping(
        top.get("critical_functions", {}), "critical_functions"
    ).items():
        where = f"critical_functions.{category}"
        spec = p.mapping(spec_raw, where)
        if category == "default":
            default_basis = spec.get("basis")
            if default_basis not in BASES:
                p.fail(f"{where}.basis", default_basis, f"a basis: {', '.join(BASES)}")
            else:
                critical_basis = str(default_basis)
            continue
        if category not in categories:
            p.fail(where, category, "a category of vitaal/data/categories.yaml or default")
            continue
        critical[category] = {}
        for key, nspec in spec.items():
            if key not in norms:
                p.fail(f"{where}.{key}", key, "a norm key listed under norms")
                continue
            n = p.norm(nspec, f"{where}.{key}")
            if n is not None:
                critical[category][key] = n

    # Every figure of one key must measure the same thing (power for electricity ...).
    for key in norms:
        figures = [*norms[key].values()]
        figures += [t.add[key] for t in transitions.values() if key in t.add]
        figures += [c[key] for c in critical.values() if key in c]
        dims = {dimension_of(n.quantity.unit) for n in figures}
        if len(dims) > 1:
            p.fail(f"norms.{key}", f"units of dimensions {sorted(dims)}", "one dimension per key")

    if p.problems:
        count = len(p.problems)
        raise ModelError(p.problems, f"the demand norms in {source} have {count} problem(s)")
    return DemandNorms(
        persons_per_home=persons_per_home,
        aliases=MappingProxyType(aliases),
        norms=MappingProxyType({k: MappingProxyType(v) for k, v in norms.items()}),
        transitions=MappingProxyType(transitions),
        critical_basis=critical_basis,
        critical=MappingProxyType({k: MappingProxyType(v) for k, v in critical.items()}),
        source=source,
    )


@cache
def _packaged_norms() -> DemandNorms:
    return _parse_norms(load_data("demand_norms"), _PACKAGED)


def load_norms(path: str | Path | None = None) -> DemandNorms:
    """Read demand norms: the packaged ``vitaal/data/demand_norms.yaml``, or a file like it.

    Raises
    ------
    ModelError
        Listing every problem of the file (not YAML, missing or unknown transitions, unknown
        units, negative values, units of two dimensions for one key ...), each with the file
        and the dotted field.

    Examples
    --------
    >>> norms = load_norms()
    >>> norms.per("electricity", "home").quantity.unit
    'kW'
    """
    if path is None:
        return _packaged_norms()
    source = str(path)
    # imported here: vitaal.io needs the units, which the engine's modules load at import
    from vitaal.io.yamlfile import read_yaml_file

    # the bounded loader (size, depth and aliases limited, docs/security.md); a file that
    # cannot be read or is not YAML is a located ModelError
    raw = read_yaml_file(path, source)
    return _parse_norms(raw, source)


def map_resources(
    model: Model, norms: DemandNorms, resource_map: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The norm key of each model resource that has one.

    A resource takes the key given for it in ``resource_map``, else the key equal to its id,
    else the key whose aliases list its id. A key whose figures measure another dimension
    than the resource's unit is a model problem.

    Raises
    ------
    ModelError
        ``resource_map`` names an unknown resource or key, or units do not meet.
    """
    problems: list[Problem] = []
    alias_of = {name: key for key, names in norms.aliases.items() for name in names}
    given = dict(resource_map or {})
    for rid, key in given.items():
        if rid not in model.resources:
            problems.append(Problem(None, "resource_map", repr(rid), "a resource of the model"))
        if key not in norms.norms:
            problems.append(
                Problem(None, "resource_map", repr(key), f"a norm key: {sorted(norms.norms)}")
            )
    out: dict[str, str] = {}
    for rid, res in model.resources.items():
        found = given.get(rid) or (rid if rid in norms.norms else alias_of.get(rid))
        if found is None or found not in norms.norms:
            continue
        key = found
        figures = [*norms.norms[key].values()]
        figures += [t.add[key] for t in norms.transitions.values() if key in t.add]
        try:
            unit_dim = dimension_of(res.unit)
        except UnitError:
            continue  # validation reports the unit itself
        for n in figures:
            if dimension_of(n.quantity.unit) != unit_dim:
                problems.append(
                    Problem(
                        res.loc,
                        "unit",
                        f"{res.unit} ({unit_dim}) for a resource with the norms of '{key}' "
                        f"in {n.quantity.unit}",
                        f"a unit of {dimension_of(n.quantity.unit)}, or another norm key",
                        record=rid,
                    )
                )
                break
        else:
            out[rid] = key
    if problems:
        raise ModelError(problems, "the model's resources do not meet the demand norms")
    return out


# -- the demand -----------------------------------------------------------------------------
