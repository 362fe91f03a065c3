"""Progress display on stderr (nothing is drawn when stderr is not a terminal), and the notice
that the engine is being prepared while numba compiles it (a first run)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, Task, TextColumn, TimeElapsedColumn
from rich.progress_bar import ProgressBar

err = Console(stderr=True)

#: What the display says while numba compiles the engine.
PREPARING = "Preparing the engine (first run only, compiling)…"


class _Notice:
    """The state of :func:`engine_notice`: whether numba is compiling, and the bars that show
    it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.compiling = False
        self.said = False
        self.bars: list[Callable[[bool], None]] = []

    def change(self, compiling: bool) -> None:
        with self.lock:
            self.compiling = compiling
            say = compiling and not self.said
            if say:
                self.said = True
            bars = list(self.bars)
        if say:  # once, as a line: in a log, or above the bar on a terminal
            err.print(PREPARING, markup=False, highlight=False)
        for show in bars:
            show(compiling)


_notice: _Notice | None = None


class _Bar(BarColumn):
    """A bar that pulses while its task's field ``pulse`` is true (work of unknown length)."""

    def render(self, task: Task) -> ProgressBar:
        bar = super().render(task)
        if task.fields.get("pulse"):
            bar.total = None
        return bar


@contextmanager
def engine_notice() -> Iterator[None]:
    """While the block runs, say when numba compiles the engine: one line on stderr when the
    first compilation starts, and every :func:`progress_bar` open meanwhile reads
    :data:`PREPARING` while a compilation lasts (instead of standing at 0 of N). A run that
    finds everything in numba's cache says nothing."""
    global _notice
    from vitaal.engine.warmup import CompileWatch

    notice = _Notice()
    previous, _notice = _notice, notice
    try:
        with CompileWatch(notice.change):
            yield
    finally:
        _notice = previous


@contextmanager
def progress_bar(
    description: str, *, enabled: bool = True
) -> Iterator[Callable[[int, int, str], None]]:
    """A callback ``update(done, total, what)`` drawing a bar while the block runs."""
    if not enabled or not err.is_terminal:
        yield lambda done, total, what: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        _Bar(),
        TextColumn("{task.fields[count]}"),
        TextColumn("{task.fields[what]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None, what="", count="", pulse=False)
        lock = threading.Lock()
        last: dict[str, Any] = {"done": 0, "total": None, "what": ""}
        preparing = False

        def draw() -> None:
            if preparing:  # the bar pulses; no count that stands still
                bar.update(task, description=PREPARING, count="", what="", pulse=True)
                return
            total = last["total"]
            bar.update(
                task,
                description=description,
                completed=last["done"],
                total=total,
                count=f"{last['done']}/{total}" if total is not None else "",
                what=escape(last["what"]),  # a file or phase name, shown as written
                pulse=False,
            )

        def update(done: int, total: int, what: str) -> None:
            with lock:
                last.update(done=done, total=total, what=what)
                draw()

        def show(compiling: bool) -> None:
            nonlocal preparing
            with lock:
                preparing = compiling
                draw()

        notice = _notice
        if notice is not None:
            with notice.lock:
                notice.bars.append(show)
                compiling = notice.compiling
            if compiling:
                show(True)
        try:
            yield update
        finally:
            if notice is not None:
                with notice.lock:
                    notice.bars.remove(show)
