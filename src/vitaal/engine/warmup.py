"""Preparing the engine: the compiled kernels a job needs, ready before it needs them.

The engine's hot loops are numba functions compiled on first use and kept in numba's cache
(``cache=True``; ``NUMBA_CACHE_DIR`` says where). A later run reads them from the cache in
a fraction of a second; the first run on a machine compiles them, which takes tens of
seconds (``docs/performance.md``, "The first run"). :func:`prepare` makes them ready
(compiled, or read from the cache) by running each once on a tiny model, through the same
functions the main job calls, so that it meets exactly the type signatures the main job
will; :func:`start` does so in a background thread while the main thread reads the model.
The compiler takes one function at a time (numba's compiler lock), so a kernel the main
thread reaches while the thread is still compiling it is waited for, never compiled twice.

:class:`CompileWatch` tells whether numba is compiling at the moment, so that the command
line can say that the engine is being prepared instead of standing still.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["CompileWatch", "prepare", "start"]


def _tiny_model() -> Any:
    from vitaal.model import Component, Model, ModelInfo, Resource, ServiceArea, SupplyLink

    return Model(
        info=ModelInfo(name="warm-up"),
        resources={"el": Resource(id="el", name="El", unit="MW")},
        components={
            "a": Component(id="a", subsystem="s", kind="k"),
            "b": Component(id="b", subsystem="s", kind="k"),
        },
        areas={"n": ServiceArea(id="n", name="N", population=1)},
        supply={
            "a>b|el": SupplyLink(supplier="a", consumer="b", resource="el"),
            "b>n|el": SupplyLink(supplier="b", consumer="n", resource="el"),
        },
    )


def prepare(*, capacity: bool = True, cascade: bool = True) -> None:
    """Make the kernels of the main job (``vitaal run``) ready: those that compile a model,
    the capacity projection's (``capacity``), and the process a scenario runs as and the
    timed cascade with its causes (``cascade``), in the order the main job first uses
    them. Compiles what numba's cache does not hold; a no-op in effect when it holds
    everything. Results are thrown away."""
    import numpy as np

    from vitaal.engine.capacity_arrays import project_loads
    from vitaal.engine.cascade import run_cascade
    from vitaal.engine.causes import InitialFailure
    from vitaal.engine.compile import compile_model
    from vitaal.engine.process import damage_from, run_process

    compiled = compile_model(_tiny_model())
    if capacity:
        years = np.array([2025, 2026], dtype=np.int64)
        nodes = np.array([compiled.node_index["n"]], dtype=np.int64)
        project_loads(
            compiled,
            nodes,
            np.zeros(1, dtype=np.int64),
            np.ones((1, years.size), dtype=np.float64),
            years,
        )
    if cascade:
        failures = [InitialFailure("a", 0.0)]
        # a scenario runs as a process (with restoration); the single points of failure as
        # timed cascades, with their causes
        # (repaired, so that the kernels of restarting compile too)
        run_process(compiled, damage_from(failures, {"a": 1.0}), 24.0)
        run_cascade(compiled, failures, 24.0)


def start(**kwargs: bool) -> threading.Thread:
    """Run :func:`prepare` in a daemon thread and return it (started). A failure there is
    left for the main thread to meet, and report, when it runs the same kernel."""

    def run() -> None:
        with contextlib.suppress(Exception):
            prepare(**kwargs)

    thread = threading.Thread(target=run, name="vitaal-engine-warmup", daemon=True)
    thread.start()
    return thread


class CompileWatch:
    """While entered, counts the numba compilations in progress (on any thread) and calls
    ``on_change(True)`` when the first starts and ``on_change(False)`` when none is left.
    Reading a kernel from numba's cache is not a compilation and is not seen.

    >>> with CompileWatch(lambda compiling: None) as watch:
    ...     pass
    >>> watch.seen
    False
    """

    def __init__(self, on_change: Callable[[bool], None]) -> None:
        self._on_change = on_change
        self._lock = threading.Lock()
        self._depth = 0
        self._listener: Any = None
        #: Whether any compilation was seen.
        self.seen = False

    @property
    def compiling(self) -> bool:
        """Whether numba is compiling now."""
        return self._depth > 0

    def _start(self) -> None:
        with self._lock:
            self._depth += 1
            first = self._depth == 1
            self.seen = True
        if first:
            self._on_change(True)

    def _end(self) -> None:
        with self._lock:
            self._depth -= 1
            last = self._depth == 0
        if last:
            self._on_change(False)

    def __enter__(self) -> CompileWatch:
        from numba.core import event

        watch = self

        class _Listener(event.Listener):
            def on_start(self, ev: Any) -> None:
                watch._start()

            def on_end(self, ev: Any) -> None:
                watch._end()

        self._listener = _Listener()
        event.register("numba:compile", self._listener)  # type: ignore[no-untyped-call]
        return self

    def __exit__(self, *exc: object) -> None:
        from numba.core import event

        event.unregister("numba:compile", self._listener)  # type: ignore[no-untyped-call]
