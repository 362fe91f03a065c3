"""The long fuzzing run of every reader (``docs/reliability.md``).

Runs generated inputs through each reader (``tests/reliability/fuzzing.py``: broken model
folders, GeoPackages, EPANET files, pandapower and pandapipes files, ensemble
specifications) and checks each against the rule: a valid model or a located vitaal error,
within the time limit, no traceback, nothing half-written, nothing silently lost. Input ``i``
of a reader is made from the seed ``i`` (``--start`` on), so every finding is reproduced with
``--reader NAME --seed S``.

    python scripts/fuzz_long.py                           # 10,000 inputs over the readers
    python scripts/fuzz_long.py --reader epanet -n 500    # one reader
    python scripts/fuzz_long.py --reader folder --seed 17 # one input, with its traceback

Prints per reader the inputs, how they ended, the slowest input, and the peak memory of the
process; lists every finding with its seed; exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.fuzzing import LIMIT_S, READERS, RuleError, check

#: Inputs per reader in the default run (10,000 in all), by how fast a reader is.
SHARE = {
    "folder": 4500,
    "gpkg": 700,
    "epanet": 1800,
    "pandapower": 1100,
    "pandapipes": 900,
    "ensemble": 1000,
}


def run_reader(name: str, seeds: range, limit_s: float, verbose: bool) -> dict[str, object]:
    outcomes: Counter[str] = Counter()
    findings: list[tuple[int, str]] = []
    slowest = (0.0, -1)
    start = time.perf_counter()
    for seed in seeds:
        work = Path(tempfile.mkdtemp(prefix=f"vitaal-fuzz-{name}-"))
        try:
            outcome = check(name, random.Random(seed), work, limit_s)
        except RuleError as exc:
            findings.append((seed, str(exc)))
            outcomes["finding"] += 1
            if verbose:
                traceback.print_exception(exc)
        else:
            outcomes[outcome.kind] += 1
            slowest = max(slowest, (outcome.seconds, seed))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {
        "reader": name,
        "inputs": len(seeds),
        "outcomes": outcomes,
        "findings": findings,
        "slowest_s": slowest[0],
        "slowest_seed": slowest[1],
        "seconds": time.perf_counter() - start,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reader", choices=sorted(READERS), action="append")
    parser.add_argument("-n", type=int, default=None, help="inputs per reader")
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--seed", type=int, default=None, help="run this one input, verbosely")
    parser.add_argument("--limit", type=float, default=LIMIT_S, help="seconds per input")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    readers = args.reader or list(SHARE)
    total = 0
    failed = 0
    print("reader      inputs  valid  error  findings  slowest (s, seed)  run (s)")
    for name in readers:
        if args.seed is not None:
            seeds = range(args.seed, args.seed + 1)
        else:
            seeds = range(args.start, args.start + (args.n or SHARE[name]))
        res = run_reader(name, seeds, args.limit, verbose=args.seed is not None)
        out: Counter[str] = res["outcomes"]  # type: ignore[assignment]
        findings: list[tuple[int, str]] = res["findings"]  # type: ignore[assignment]
        total += len(seeds)
        failed += len(findings)
        print(
            f"{name:<10} {len(seeds):>7} {out['valid']:>6} {out['error']:>6} {len(findings):>9}"
            f"  {res['slowest_s']:>8.2f} s, {res['slowest_seed']:<6}  {res['seconds']:>7.0f}",
            flush=True,
        )
        for seed, what in findings:
            print(f"    seed {seed}: {what}", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{total} inputs, {failed} findings, peak memory {peak_mb:.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
