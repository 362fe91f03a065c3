"""Physics mode for power: pandapower's load flow and N-1 contingency analysis on an imported
network, with the loads scaled for a growth scenario.

The cascade (:mod:`vitaal.engine.cascade`) answers "who is still connected"; this module
answers "how loaded is every line and transformer, and how much room is left", with
pandapower's own Newton-Raphson load flow (:func:`pandapower.runpp`) and contingency module
(:func:`pandapower.contingency.run_contingency`). It takes the pandapower net object that an
import keeps (``NetworkImport.net``), never a file, and never changes it: every run works on
a copy.

Residual capacity is the rating minus the flow, in MW, with the rating in MVA taken as MW at
cos(phi) = 1 (as ``vitaal/data/units.yaml`` does for MVA): line rating sqrt(3) * U * I_max *
df * parallel, transformer rating sn_mva * parallel.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BranchLoading",
    "ContingencyLoading",
    "LoadFlowResult",
    "N1Result",
    "branch_ratings",
    "run_load_flow",
    "run_n1",
    "scaled_net",
]

#: Branch tables whose loading is reported.
BRANCHES: tuple[str, ...] = ("line", "trafo", "trafo3w")


@dataclass(frozen=True, slots=True)
class BranchLoading:
    """Loading of one line or transformer: ``element`` is its table, ``index`` its pandapower
    index, ``id`` its component id when the import's ids were given."""

    element: str
    index: int
    id: str | None
    loading_percent: float
    rating_mva: float
    residual_mw: float


@dataclass(frozen=True, slots=True)
class LoadFlowResult:
    """One load flow: whether it converged, the load factor used, and every branch."""

    converged: bool
    scale: float | None
    branches: tuple[BranchLoading, ...]

    def loading(self, element: str) -> dict[int, float]:
        """``index -> loading %`` of one table."""
        return {b.index: b.loading_percent for b in self.branches if b.element == element}

    def overloaded(self, limit_percent: float = 100.0) -> list[BranchLoading]:
        """Branches loaded above ``limit_percent``, most loaded first."""
        out = [b for b in self.branches if b.loading_percent > limit_percent]
        return sorted(out, key=lambda b: -b.loading_percent)


@dataclass(frozen=True, slots=True)
class ContingencyLoading:
    """A branch's loading in the base case and its highest loading over the outages studied,
    with the outage that caused it."""

    element: str
    index: int
    id: str | None
    loading_percent: float
    max_loading_percent: float
    cause_element: str | None
    cause_index: int | None
    causes_overloading: bool


@dataclass(frozen=True, slots=True)
class N1Result:
    """The N-1 analysis: per branch, base and worst loading."""

    scale: float | None
    branches: tuple[ContingencyLoading, ...]

    def max_loading(self, element: str) -> dict[int, float]:
        return {b.index: b.max_loading_percent for b in self.branches if b.element == element}

    def __iter__(self) -> Iterator[ContingencyLoading]:
        return iter(self.branches)


class _Quiet:
    """pandapower's own deprecation and future warnings (numpy, pandas) inside a run."""

    def __enter__(self) -> None:
        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        for cat in (FutureWarning, DeprecationWarning):
            warnings.filterwarnings("ignore", category=cat, module=r"(pandapower|pandas|numba)")
        warnings.filterwarnings(
            "ignore",
            message=r".*invalid value encountered.*",
            category=RuntimeWarning,
            module=r"pandapower",
        )

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(None, None, None)


def scaled_net(net: Any, scale: float | Mapping[int, float] = 1.0) -> Any:
    """A copy of ``net`` with every load's ``scaling`` multiplied by ``scale`` (one factor, or
    one per load index; loads not named keep theirs)."""
    out = copy.deepcopy(net)
    if isinstance(scale, Mapping):
        for i, f in scale.items():
            _check_factor(f)
            out.load.at[i, "scaling"] = float(out.load.at[i, "scaling"]) * float(f)
    else:
        _check_factor(scale)
        out.load["scaling"] = out.load["scaling"].astype(float) * float(scale)
    return out


def _check_factor(f: float) -> None:
    if not (isinstance(f, int | float) and math.isfinite(f) and f >= 0):
        raise ValueError(f"a load factor must be a finite number >= 0, not {f!r}")


def branch_ratings(net: Any) -> dict[tuple[str, int], float]:
    """``(table, index) -> rating in MVA`` of every line and transformer."""
    out: dict[tuple[str, int], float] = {}
    for i, row in net.line.iterrows():
        vn = float(net.bus.at[int(row["from_bus"]), "vn_kv"])
        i_ka = float(row["max_i_ka"]) * float(row.get("df", 1.0)) * float(row.get("parallel", 1))
        out[("line", int(i))] = math.sqrt(3.0) * vn * i_ka
    for i, row in net.trafo.iterrows():
        out[("trafo", int(i))] = float(row["sn_mva"]) * float(row.get("parallel", 1))
    if "trafo3w" in net:
        for i, row in net.trafo3w.iterrows():
            out[("trafo3w", int(i))] = float(row["sn_hv_mva"])
    return out


def run_load_flow(
    net: Any,
    *,
    scale: float | Mapping[int, float] = 1.0,
    ids: Mapping[tuple[str, int], str] | None = None,
    **runpp_options: Any,
) -> LoadFlowResult:
    """Run pandapower's load flow on a copy of ``net`` with loads scaled by ``scale``.

    Parameters
    ----------
    net
        A pandapower net (``NetworkImport.net``); not changed.
    scale
        Load factor of a growth scenario: one number for all loads, or one per load index.
    ids
        ``NetworkImport.ids``, to name each branch by its component id.
    runpp_options
        Passed to :func:`pandapower.runpp`.

    Returns
    -------
    LoadFlowResult
        Loading % and residual MW per in-service line and transformer; ``converged`` False
        (and no branches) when the load flow does not converge.

    Examples
    --------
    >>> import pandapower.networks as pn                  # doctest: +SKIP
    >>> r = run_load_flow(pn.mv_oberrhein(), scale=1.2)   # doctest: +SKIP
    >>> r.overloaded()[:1]                                # doctest: +SKIP
    """
    import pandapower as pp

    work = scaled_net(net, scale)
    with _Quiet():
        try:
            pp.runpp(work, **runpp_options)
        except pp.LoadflowNotConverged:
            return LoadFlowResult(False, _scale_of(scale), ())
    return LoadFlowResult(True, _scale_of(scale), _branches(work, ids))


def _scale_of(scale: float | Mapping[int, float]) -> float | None:
    return None if isinstance(scale, Mapping) else float(scale)


def _branches(net: Any, ids: Mapping[tuple[str, int], str] | None) -> tuple[BranchLoading, ...]:
    ratings = branch_ratings(net)
    out: list[BranchLoading] = []
    for table in BRANCHES:
        res = net.get(f"res_{table}")
        if res is None or not len(res):
            continue
        for i, loading in res["loading_percent"].items():
            if not bool(net[table].at[i, "in_service"]):
                continue
            lp = float(loading)
            rating = ratings[(table, int(i))]
            out.append(
                BranchLoading(
                    element=table,
                    index=int(i),
                    id=None if ids is None else ids.get((table, int(i))),
                    loading_percent=lp,
                    rating_mva=rating,
                    residual_mw=rating * (100.0 - lp) / 100.0 if math.isfinite(lp) else math.nan,
                )
            )
    return tuple(out)


def run_n1(
    net: Any,
    *,
    scale: float | Mapping[int, float] = 1.0,
    outages: Mapping[str, list[int]] | None = None,
    ids: Mapping[tuple[str, int], str] | None = None,
    **runpp_options: Any,
) -> N1Result:
    """N-1: each line and transformer out in turn, with pandapower's contingency analysis.

    Parameters
    ----------
    net
        A pandapower net; not changed.
    scale
        Load factor, as for :func:`run_load_flow`.
    outages
        ``table -> indices`` of the outages to study; default every in-service line and
        transformer.
    ids
        ``NetworkImport.ids``, to name branches by component id.

    Returns
    -------
    N1Result
        Per branch: base loading, the highest loading over the outages (an outage that
        islands part of the network leaves the branches there unloaded), the outage that
        caused it and whether this branch's outage overloads others.

    Notes
    -----
    One load flow per outage: O(outages x load flow).
    """
    from pandapower.contingency import run_contingency

    work = scaled_net(net, scale)
    if outages is None:
        outages = {
            t: [int(i) for i in work[t].index[work[t]["in_service"].astype(bool)]]
            for t in ("line", "trafo")
            if len(work[t])
        }
    for t in BRANCHES:
        # pandapower judges "causes overloading" against this column; 100 % where not given
        if t in work and len(work[t]) and "max_loading_percent" not in work[t].columns:
            work[t]["max_loading_percent"] = 100.0
    cases = {t: {"index": list(idx)} for t, idx in outages.items() if len(idx)}
    with _Quiet():
        res = run_contingency(work, cases, **runpp_options)
    out: list[ContingencyLoading] = []
    for table in BRANCHES:
        r = res.get(table)
        if r is None:
            continue
        for k, i in enumerate(r["index"]):
            ce = r["cause_element"][k]
            out.append(
                ContingencyLoading(
                    element=table,
                    index=int(i),
                    id=None if ids is None else ids.get((table, int(i))),
                    loading_percent=float(r["loading_percent"][k]),
                    max_loading_percent=float(r["max_loading_percent"][k]),
                    cause_element=str(ce) if isinstance(ce, str) else None,
                    cause_index=int(r["cause_index"][k]) if isinstance(ce, str) else None,
                    causes_overloading=bool(r["causes_overloading"][k]),
                )
            )
    return N1Result(_scale_of(scale), tuple(out))
