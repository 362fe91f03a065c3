"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int = 3) -> tuple[float, float, T]:
    """Best and median wall time of ``repeat`` calls, and the last result."""
    times = []
    result: T | None = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    assert result is not None
    return min(times), statistics.median(times), result


def timed_side_by_side(
    fns: dict[str, Callable[[], object]], repeat: int = 3
) -> dict[str, tuple[float, float, object]]:
    """Best and median wall time of each function and its last result, the calls taken in
    turn (a, b, a, b, ...): a machine whose speed drifts during the run (a shared host)
    slows every one of them alike, so their ratio holds."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            results[k] = fn()
            times[k].append(time.perf_counter() - t0)
    return {k: (min(v), statistics.median(v), results[k]) for k, v in times.items()}


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def peak_rss_gib() -> float:
    """Peak resident memory of this process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def fmt(best: float, median: float) -> str:
    return f"{best:.3g} s (median {median:.3g} s)"
