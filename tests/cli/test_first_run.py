"""The first run: while numba compiles the engine the command says so, a run that finds the
engine in numba's cache does not, and the engine's warm-up covers every kernel the main job
uses (so that it compiles them while the model is read, not later)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
from numba import njit

from vitaal.cli.progress import PREPARING
from vitaal.engine import warmup

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
VITAAL = Path(sys.executable).parent / "vitaal"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def test_a_run_with_an_empty_numba_cache_says_it_prepares_the_engine(tmp_path: Path) -> None:
    """With nothing in numba's cache the main job says, on stderr, that it prepares the
    engine, before the analysis starts. (The run is stopped once it has said so: what a
    whole first run writes is the same as any run.)"""
    cache = tmp_path / "numba-cache"
    cache.mkdir()
    proc = subprocess.Popen(
        [str(VITAAL), "run", str(TINY), "--out", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(NUMBA_CACHE_DIR=str(cache)),
        start_new_session=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if PREPARING in line:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=600)
    said = any(PREPARING in line for line in lines)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)
    reader.join(timeout=60)
    assert proc.stderr is not None
    proc.stderr.close()
    assert said, "".join(lines)


def test_the_warm_up_covers_the_main_job(tmp_path: Path) -> None:
    """Once the warm-up has run (in this process, which fills numba's cache), the main job in
    a new process compiles nothing: it finds every kernel it uses in the cache, so it does
    not say it prepares the engine, and the analysis is written."""
    warmup.prepare()
    done = subprocess.run(
        [str(VITAAL), "run", str(TINY), "--out", str(tmp_path / "out"), "--lang", "en"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert PREPARING not in done.stderr
    assert (tmp_path / "out" / "analysis.json").is_file()


def test_the_compile_watch_sees_compiles_and_not_cache_reads() -> None:
    """The watch reports a compilation in progress from its start to its end, also on another
    thread, and a kernel already compiled is not one."""
    seen: list[bool] = []
    tag = time.perf_counter_ns()  # a function numba has never seen: it must compile it

    @njit
    def fresh(a: np.ndarray) -> float:
        return float(a.sum()) + tag

    with warmup.CompileWatch(seen.append) as watch:
        assert not watch.compiling
        thread = threading.Thread(target=fresh, args=(np.arange(3.0),))
        thread.start()
        thread.join()
    assert watch.seen
    assert seen == [True, False]
    assert not watch.compiling

    seen.clear()
    with warmup.CompileWatch(seen.append) as again:
        assert fresh(np.arange(4.0)) == 6.0 + tag
    assert not again.seen
    assert seen == []
