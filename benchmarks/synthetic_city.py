"""Print the make-up of synthetic cities and the time to generate and compile them.

    python benchmarks/synthetic_city.py 1000 10000 100000 1000000

The generator itself is ``vitaal.engine.synthetic`` (importable by tests and the CLI).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import load, peak_rss_gib

from vitaal.engine.compile import PairRole
from vitaal.engine.synthetic import synthetic_city


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(load())
    print(
        "| components | nodes | pairs | links | backups | stores | k>1 | people "
        "| generate | compile |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        t0 = time.perf_counter()
        city = synthetic_city(n, args.seed)
        t1 = time.perf_counter()
        cm = city.compile()
        t2 = time.perf_counter()
        print(
            f"| {n:,} | {cm.n_nodes:,} | {cm.n_pairs:,} | {cm.n_links:,} | "
            f"{int(city.link_backup.sum()):,} | {int(np.sum(cm.pair_role == PairRole.STORE)):,} | "
            f"{int(np.sum(cm.pair_k > 1)):,} | {int(city.population.sum()):,} | "
            f"{t1 - t0:.2f} s | {t2 - t1:.2f} s |"
        )
    print(f"peak memory {peak_rss_gib():.2f} GiB")


if __name__ == "__main__":
    main()
