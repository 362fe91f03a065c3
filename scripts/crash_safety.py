"""Crash safety of the store: imports killed at random moments leave the last committed version.

Each round starts an importer process (``--child``) that stores a changed model as a new
version, and kills it with SIGKILL at a random moment of its write: before it starts, while
it validates and compares, half-way through its inserts, around its commit. Then the store is
opened afresh and checked against what was committed: its latest version is the one before
the round, or the new one when the commit landed, and that version reads back exactly as the
model that made it; version numbers have no gaps; ``verify()`` finds the hash chain intact.
A store that holds anything else (a half-written version, a version that reads back wrong,
a broken chain, a store that no longer opens) is a failure.

The model is the tiny model with 1,000 extra components (2,044 records); each round changes,
adds and removes some 200 of them, so that a write takes long enough to be killed in
the middle. Both backends: SQLite (a file) and PostgreSQL (a private server started from
``/usr/lib/postgresql/*/bin``, as the tests start it).

    python scripts/crash_safety.py                  # 200 kills on SQLite, 200 on PostgreSQL
    python scripts/crash_safety.py --kills 20 --backend sqlite

Prints, per backend, the kills, how many landed before, during and after the commit, and
every failure; exits 1 when there is one. Figures in ``docs/reliability.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Extra components on top of the tiny model, so that a write has a middle to be killed in.
EXTRA = 1000


def base_model() -> Any:
    from vitaal.io import read_model
    from vitaal.model import SupplyLink
    from vitaal.model.model import link_key

    model = read_model(ROOT / "tests" / "data" / "tiny")
    ss = model.components["ss-1"]
    for i in range(EXTRA):
        comp = dataclasses.replace(ss, id=f"x-{i}", name=f"Cabinet {i}")
        model.components[comp.id] = comp
        link = SupplyLink(supplier="gs-1", consumer=comp.id, resource="electricity")
        model.supply[link_key(link)] = link
    return model


def changed(model: Any, rng: random.Random, round_no: int) -> Any:
    """A copy of ``model`` with a few hundred components changed, added and removed."""
    from vitaal.model import SupplyLink
    from vitaal.model.model import link_key

    new = dataclasses.replace(model)
    for kind, table in model.tables():
        setattr(new, kind, dict(table))
    extra = [c for c in new.components if c.startswith(("x-", "y-"))]
    for cid in rng.sample(extra, k=min(150, len(extra))):
        comp = new.components[cid]
        new.components[cid] = dataclasses.replace(
            comp, condition=rng.randint(1, 6), name=f"Cabinet {cid} r{round_no}"
        )
    for cid in rng.sample(extra, k=min(25, len(extra))):
        if cid in new.components and new.components[cid].name.endswith(f"r{round_no}"):
            continue
        del new.components[cid]
        del new.supply[f"gs-1>{cid}|electricity"]
    for i in range(25):
        comp = dataclasses.replace(model.components["ss-1"], id=f"y-{round_no}-{i}", name="New")
        new.components[comp.id] = comp
        link = SupplyLink(supplier="gs-1", consumer=comp.id, resource="electricity")
        new.supply[link_key(link)] = link
    return new


# -- the importer that is killed ----------------------------------------------------------
def child(url: str) -> None:
    """Wait for ``go MODEL_FILE BASE``, then import the pickled model as a new version made
    from version BASE; say when ready (imports done, store open) and when committed."""
    from vitaal.store import open_store

    store = open_store(url)
    print("ready", flush=True)
    _, model_file, base = sys.stdin.readline().split()
    with open(model_file, "rb") as fh:
        model = pickle.load(fh)
    version = store.import_model(model, author="crash", message="killed?", base=int(base))
    print(f"committed {version}", flush=True)
    store.close()


def _close(proc: subprocess.Popen[str]) -> None:
    """Kill ``proc`` if it still runs, wait for it, and close its pipes."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def _spawn(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


# -- the rounds -----------------------------------------------------------------------------
def _sqlite_url(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'crash.db'}"


def _pg_url(folder: Path) -> Iterator[str]:
    from tests.conftest import _start_server, find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl) found")
    yield from _start_server(bin_dir)


def run_backend(backend: str, kills: int, seed: int) -> tuple[Counter[str], list[str]]:
    from vitaal.store import open_store

    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vitaal-crash-") as tmp:
        folder = Path(tmp)
        urls = _sqlite_url(folder) if backend == "sqlite" else _pg_url(folder)
        url = next(urls)
        try:
            model = base_model()
            with open_store(url) as store:
                store.import_model(model, author="crash", message="base")
            committed = {1: model}
            durations: list[float] = []
            waiting = _spawn(url)  # the next importer starts while a round is checked
            round_no = 0
            while sum(n for what, n in outcomes.items() if what.startswith("killed")) < kills:
                round_no += 1
                latest = max(committed)
                new = changed(committed[latest], rng, round_no)
                model_file = folder / f"model-{round_no}.pickle"
                model_file.write_bytes(pickle.dumps(new))
                proc, waiting = waiting, _spawn(url)
                assert proc.stdin is not None
                assert proc.stdout is not None
                if proc.stdout.readline().strip() != "ready":
                    failures.append(f"round {round_no}: the importer did not start")
                    _close(proc)
                    continue
                # a kill anywhere in the write: up to 1.1 times a typical write (the first
                # two rounds are not killed: they measure how long a write takes)
                span = 1.1 * sorted(durations)[len(durations) // 2] if durations else 1.0
                delay = rng.uniform(0.0, span) if round_no > 2 else 600.0
                start = time.perf_counter()
                proc.stdin.write(f"go {model_file} {latest}\n")
                proc.stdin.flush()
                try:
                    proc.wait(timeout=delay)
                    durations.append(time.perf_counter() - start)
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                model_file.unlink()
                said = proc.stdout.read()
                _close(proc)
                killed = proc.returncode == -signal.SIGKILL
                problem = _check(url, committed, new, latest, said)
                if problem:
                    failures.append(f"round {round_no} (kill after {delay:.2f} s): {problem}")
                now = max(committed)
                if not killed:
                    outcomes["finished"] += 1
                elif now > latest:
                    outcomes["killed after its commit"] += 1
                else:
                    outcomes["killed before its commit"] += 1
            _close(waiting)
        finally:
            urls.close()
    return outcomes, failures


def _check(url: str, committed: dict[int, Any], new: Any, latest: int, said: str) -> str:
    """Open the store afresh: the latest version is the last committed one and reads back as
    the model that made it; record the new version when its commit landed."""
    from vitaal.store import open_store

    try:
        with open_store(url) as store:
            versions = [v.number for v in store.versions()]
            now = store.latest_version()
            if versions != list(range(1, len(versions) + 1)):
                return f"versions {versions} have gaps"
            if now not in (latest, latest + 1):
                return f"latest version {now}, expected {latest} or {latest + 1}"
            if f"committed {latest + 1}" in said and now != latest + 1:
                return f"the importer said it committed {latest + 1}, the store holds {now}"
            expected = committed[latest] if now == latest else new
            if store.read_model(now) != expected:
                return f"version {now} does not read back as the model that made it"
            check = store.verify()
            if not check.ok:
                return f"verify: {check.findings[0]}"
    except Exception as exc:  # the store must open and read whatever the kill left
        return f"{type(exc).__name__}: {exc}"
    if now == latest + 1:
        committed[now] = new
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--kills", type=int, default=200, help="kills per backend")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    failed = 0
    for backend in args.backend or ["sqlite", "postgresql"]:
        start = time.perf_counter()
        outcomes, failures = run_backend(backend, args.kills, args.seed)
        spent = time.perf_counter() - start
        parts = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
        print(f"{backend}: {spent:.0f} s: {parts}; {len(failures)} failures", flush=True)
        for line in failures:
            print(f"    {line}")
        failed += len(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
