"""The process (``run_process``) now against an earlier revision of ``engine/process.py``, call
for call in one process on one compiled city: wall-clock and CPU time (``process_time``, what
a loaded machine still measures fairly) and whether the outputs are identical.

    python benchmarks/bench_process_ab.py --rev 5680ecc --n 1000000 --repeat 5

The earlier ``process.py`` is read with ``git show REV:src/vitaal/engine/process.py`` and runs
on today's kernels, so a revision must share their signatures. Cases as in
``bench_process.py``: every grid import (blackout) or ``e-mv-0`` (district) fails at 0 h and
is repaired after 10 h, horizon 72 h.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np
from _common import load

from vitaal.engine import process as now
from vitaal.engine.synthetic import synthetic_city

FIELDS = ("outage_node", "outage_start", "outage_end", "loss_pair", "loss_start", "loss_end",
          "share_hours", "hinder_hours")  # fmt: skip


def _earlier(rev: str) -> ModuleType:
    root = Path(__file__).resolve().parents[1]
    text = subprocess.run(
        ["git", "show", f"{rev}:src/vitaal/engine/process.py"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "process_earlier.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("vitaal.engine._process_earlier", path)
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rev", required=True)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(load())
    mods = {"earlier": _earlier(args.rev), "now": now}
    city = synthetic_city(args.n, seed=1)
    cm = city.compile()
    cases = {
        "blackout": [cm.node_ids[v] for v in np.flatnonzero(city.comp_kind == 0).tolist()],
        "district": ["e-mv-0"],
    }
    print("| case | earlier: wall best (median) / CPU best | now: wall best (median) / CPU best "
          "| outputs |")  # fmt: skip
    print("|---|---|---|---|")
    for case, ids in cases.items():
        damage = [now.Damage(i, 0.0, repair_h=10.0) for i in ids]
        wall: dict[str, list[float]] = {k: [] for k in mods}
        cpu: dict[str, list[float]] = {k: [] for k in mods}
        res = {k: m.run_process(cm, damage, 72.0) for k, m in mods.items()}  # JIT, caches
        for _ in range(args.repeat):
            for k, m in mods.items():
                t0, c0 = time.perf_counter(), time.process_time()
                res[k] = m.run_process(cm, damage, 72.0)
                wall[k].append(time.perf_counter() - t0)
                cpu[k].append(time.process_time() - c0)
        same = all(
            np.array_equal(getattr(res["earlier"], f), getattr(res["now"], f)) for f in FIELDS
        )
        cells = [
            f"{min(wall[k]):.3f} s ({float(np.median(wall[k])):.3f} s) / {min(cpu[k]):.3f} s"
            for k in mods
        ]
        print(f"| {case} | {cells[0]} | {cells[1]} | {'identical' if same else 'DIFFERENT'} |")
    print(load())


if __name__ == "__main__":
    main()
