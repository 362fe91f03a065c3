"""The impact of one case of a batch, in compiled code, exactly as
:func:`vitaal.method.impact.assess_impact` computes it.

Both batch paths call :func:`summarise_case`: the cascade without repair (each service lost
from ``supply_end + buffer`` to the horizon, all of an area) and the process with restoration
(the hours and the share of each area without each service up to restoration, the
``lost_hours`` and ``lost_share`` of ``assess_impact``).

Per area pair with ``hours > 0``: the people behind its connections (``people``) times the
hours count as person-hours of the service (or of hindrance); the people affected are
``round(people x share)`` when the loss, ``hours / share``, lasted at least ``min_outage_h``
(an area counts the people of its most widely connected lost service); the area's jobs times
its longest loss of a service that is not hindrance add to the economic loss, with the
replacement cost of the components destroyed. Critical functions count when they fail before
the horizon; the A-E class of each criterion from the thresholds' lower bounds, the overall
class the highest, the first criterion reaching it decisive.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["TableArrays", "class_index", "summarise_case", "travel_share"]

#: What impact is measured with, as :func:`summarise_case` takes it: per pair the people
#: behind it; per node jobs, critical-function floor, system and replacement cost; per
#: resource, for a hindrance service the share of a day people travel (:func:`travel_share`),
#: else 0; the classes' lower bounds.
TableArrays = tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
]


def travel_share(spec: dict[str, Any]) -> float:
    """The share of a day people travel (``impact.yaml``, ``travel_h_per_day``; all of it
    when not given): hindrance counts the hours people travel while their service is lost or
    goes by a detour, not the whole day."""
    return float(spec.get("travel_h_per_day", 24.0)) / 24.0


@njit(cache=True, nogil=True)
def class_index(value: float, bounds: NDArray[np.float64], row: int) -> int:
    """The class (0 = A ... 4 = E) of ``value`` on the lower bounds of B-E in ``bounds[row]``."""
    c = 0
    for j in range(4):
        if value >= bounds[row, j]:
            c += 1
    return c


@njit(cache=True, nogil=True)
def summarise_case(
    case: tuple[
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.bool_],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.float64],
    ],
    graph: tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64]],
    table: tuple[
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.float64],
        NDArray[np.float64],
        NDArray[np.float64],
    ],
    scalars: tuple[float, float, bool, float, float],
    row: int,
    out: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.uint64]],
    acc: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]],
    scratch: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> None:
    """Write row ``row`` of the summary (``out``: ints, floats, systems) and add the case
    to the per-node sums (``acc``: failures weighted, person-hours weighted, failures).

    ``case``: the nodes that can be touched (ascending), their fail times (``inf``: none),
    whether each was destroyed, their pairs (ascending, the full model's indices), per pair
    the hours without the service (<= 0: none) and the share of the area without it.
    ``graph``: node kind per node, node and resource per pair. ``table``: per pair the
    people behind its connections; per node jobs, critical-function floor, system and
    replacement cost; per resource its hindrance weight (:data:`TableArrays`); the class bounds.
    ``scalars``: min outage, value per job-hour, whether hindrance is a criterion, horizon,
    the case's weight. ``scratch``: two arrays of one value per resource.
    """
    nodes, fail, destroyed, pairs, hours, share = case
    node_kind, pair_node, pair_res = graph
    people, jobs, cf_floor, node_system, cost, hindrance, bounds = table
    min_outage, value_job_hour, has_hindrance, horizon, w = scalars
    out_i, out_f, out_sys = out
    acc_fail, acc_ph, acc_count = acc
    ph, hh = scratch
    ph[:] = 0.0
    hh[:] = 0.0
    n_comp = 0
    n_cons = 0
    n_cf = 0
    floor = 0
    affected = 0
    job_hours = 0.0
    damage = 0.0
    systems = np.uint64(0)
    q = 0
    for i in range(nodes.shape[0]):
        v = nodes[i]
        kind = node_kind[v]
        if math.isfinite(fail[i]):
            acc_fail[v] += w
            acc_count[v] += 1
            if kind == 0:
                n_comp += 1
                s = node_system[v]
                if s >= 0 and s < 64:
                    systems |= np.uint64(1) << np.uint64(s)
            else:
                n_cons += 1
            if kind == 2 and fail[i] < horizon:
                n_cf += 1
                floor = max(floor, cf_floor[v])
        if kind == 0 and destroyed[i]:
            damage += cost[v]
        worst = 0.0
        hit = 0
        top = 0.0
        while q < pairs.shape[0] and pair_node[pairs[q]] == v:
            h = hours[q]
            if kind == 1 and h > 0:
                p = pairs[q]
                r = pair_res[p]
                connected = people[p]
                sh = share[q]
                span = h / sh if sh > 0 else 0.0
                if hindrance[r] > 0:
                    hh[r] += connected * h * hindrance[r]
                else:
                    ph[r] += connected * h
                    top = max(top, connected * h)
                    if span >= min_outage:
                        hit = max(hit, round(connected * sh))
                    worst = max(worst, span)
            q += 1
        if kind == 1:
            affected += hit
            job_hours += jobs[v] * worst
            if top > 0.0:
                acc_ph[v] += w * top
    top_ph = 0.0
    total_ph = 0.0
    top_hh = 0.0
    for r in range(ph.shape[0]):
        top_ph = max(top_ph, ph[r])
        total_ph += ph[r]
        top_hh = max(top_hh, hh[r])
    economic = job_hours * value_job_hour + damage
    cls = np.zeros(5, dtype=np.int64)
    cls[0] = class_index(float(affected), bounds, 0)
    cls[1] = class_index(top_ph, bounds, 1)
    cls[2] = class_index(top_hh, bounds, 2) if has_hindrance else 0
    cls[3] = max(class_index(float(n_cf), bounds, 3), floor)
    cls[4] = class_index(economic, bounds, 4)
    overall = 0
    decisive = 0
    for j in range(5):
        if cls[j] > overall:
            overall = cls[j]
            decisive = j
    out_i[row, 0] = n_comp
    out_i[row, 1] = n_cons
    out_i[row, 2] = affected
    out_i[row, 3] = n_cf
    out_i[row, 4] = overall
    out_i[row, 5] = decisive
    out_i[row, 6] = nodes.shape[0]
    out_f[row, 0] = top_ph
    out_f[row, 1] = total_ph
    out_f[row, 2] = top_hh
    out_f[row, 3] = economic
    out_sys[row] = systems
