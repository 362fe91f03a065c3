"""Physics mode for drinking water: WNTR's pressure-driven simulation after failures.

The cascade says which junctions are cut off from every source; a network that is still
connected can nonetheless lose pressure. :func:`check_pressure` takes the WNTR
``WaterNetworkModel`` the model was imported from, takes the failed elements out of service,
runs WNTR's own pressure-driven (PDD) simulator and returns the junctions whose pressure drops
below the service pressure.

How an element is taken out, with WNTR's own means:

- a pipe, valve or pump: closed at the start (``initial_status``) and kept closed by the rule
  ``Pump.add_outage`` adds for a pump (highest priority, from time 0 on), so that the
  network's own controls and rules cannot reopen it;
- a node (tank, reservoir, junction): every link connected to it, as above.

The model passed in is not changed (a deep copy is simulated).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PressureCheck", "check_pressure", "close_elements", "pdd_options"]


@dataclass(frozen=True, slots=True, eq=False)
class PressureCheck:
    """The outcome of :func:`check_pressure`.

    Attributes
    ----------
    low
        Junctions whose pressure fell below ``service_pressure`` at any reported time, sorted.
    min_pressure
        Per junction its lowest pressure over the run (m).
    pressure
        WNTR's node pressure table (pandas DataFrame: time in s x node name), as WNTR gives it.
    closed_links
        The links taken out of service.
    service_pressure
        The threshold used (m).
    """

    low: tuple[str, ...]
    min_pressure: Mapping[str, float]
    pressure: Any
    closed_links: tuple[str, ...]
    service_pressure: float


def pdd_options(
    wn: Any,
    *,
    required_pressure: float,
    minimum_pressure: float,
    duration_h: float | None = None,
    hydraulic_timestep_h: float | None = None,
) -> None:
    """Set ``wn``'s options for a pressure-driven run (in place)."""
    h = wn.options.hydraulic
    h.demand_model = "PDD"
    h.required_pressure = float(required_pressure)
    h.minimum_pressure = float(minimum_pressure)
    if duration_h is not None:
        wn.options.time.duration = round(duration_h * 3600)
    if hydraulic_timestep_h is not None:
        step = round(hydraulic_timestep_h * 3600)
        wn.options.time.hydraulic_timestep = step
        wn.options.time.report_timestep = step


def close_elements(wn: Any, failed: Iterable[str]) -> tuple[str, ...]:
    """Take the named links, and the links of the named nodes, out of service in ``wn`` (in
    place). Returns the closed links in order; ``KeyError`` for a name that is neither."""
    from wntr.network import LinkStatus
    from wntr.network.controls import ControlAction, ControlPriority, Rule, SimTimeCondition

    links: list[str] = []
    for name in failed:
        if name in wn.link_name_list:
            new = [name]
        elif name in wn.node_name_list:
            new = list(wn.get_links_for_node(name))
        else:
            raise KeyError(f"{name!r} is neither a link nor a node of the network")
        links += [n for n in new if n not in links]
    for name in links:
        link = wn.get_link(name)
        link.initial_status = LinkStatus.Closed
        # the rule of WNTR's ``Pump.add_outage``, for any link, from the start
        action = ControlAction(link, "status", LinkStatus.Closed)
        condition = SimTimeCondition(wn, "Above", 0)
        wn.add_control(
            f"vitaal-outage-{name}", Rule(condition, action, priority=ControlPriority.very_high)
        )
    return tuple(links)


def check_pressure(
    wn: Any,
    failed: Iterable[str] = (),
    *,
    service_pressure: float,
    required_pressure: float | None = None,
    minimum_pressure: float = 0.0,
    duration_h: float | None = None,
    hydraulic_timestep_h: float | None = None,
) -> PressureCheck:
    """Junctions below the service pressure after ``failed`` elements are taken out.

    Parameters
    ----------
    wn
        A ``wntr.network.WaterNetworkModel`` (not changed).
    failed
        EPANET names of failed links (pipes, pumps, valves) or nodes (tanks, reservoirs,
        junctions).
    service_pressure
        Pressure (m) below which a junction counts as without service.
    required_pressure, minimum_pressure
        PDD pressures (m): full demand at ``required_pressure`` (default: the service
        pressure), none at ``minimum_pressure``.
    duration_h, hydraulic_timestep_h
        Override the network's simulation duration and step.

    Returns
    -------
    PressureCheck

    Notes
    -----
    One run of ``wntr.sim.WNTRSimulator``; its cost is WNTR's (a Newton solve per time step
    over the whole network).

    Examples
    --------
    >>> import wntr                                                         # doctest: +SKIP
    >>> wn = wntr.network.WaterNetworkModel("Net3.inp")                     # doctest: +SKIP
    >>> check_pressure(wn, ["20"], service_pressure=20, duration_h=4).low   # doctest: +SKIP
    """
    import wntr

    sim_wn = copy.deepcopy(wn)
    pdd_options(
        sim_wn,
        required_pressure=service_pressure if required_pressure is None else required_pressure,
        minimum_pressure=minimum_pressure,
        duration_h=duration_h,
        hydraulic_timestep_h=hydraulic_timestep_h,
    )
    closed = close_elements(sim_wn, failed)
    results = wntr.sim.WNTRSimulator(sim_wn).run_sim()
    pressure = results.node["pressure"]
    junctions = list(sim_wn.junction_name_list)
    mins = pressure[junctions].min(axis=0)
    min_pressure = {str(k): float(v) for k, v in mins.items()}
    low = tuple(sorted(j for j, p in min_pressure.items() if p < service_pressure))
    return PressureCheck(
        low=low,
        min_pressure=min_pressure,
        pressure=pressure,
        closed_links=closed,
        service_pressure=float(service_pressure),
    )
