"""Page and API latency of ``vitaal serve`` at 1, 10 and 50 concurrent users on loopback.

Starts ``vitaal serve`` in its own process on a new SQLite store with the bundled example (or
``--model``), signs every virtual user in (each its own session), waits for the analysis, and
has each user request the main pages in turn, ``--rounds`` times. Bounded: at most
users x rounds x pages requests per level and ``--deadline`` seconds per level; only addresses
on this machine are used. Prints p50 and p95 per page and level (milliseconds) and the
requests per second.

    .venv/bin/python benchmarks/bench_web.py [--users 1,10,50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

PAGES = [
    ("decisions page", "/decisions"),
    ("decisions API", "/api/decisions"),
    ("scenarios page", "/scenarios"),
    ("components search", "/components?q=station"),
    ("component page", None),  # the first component the search lists
    ("map page", "/map"),
    ("audit page", "/audit"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def _serve(folder: Path, model: str | None) -> tuple[subprocess.Popen[str], str, str]:
    port = _free_port()
    vitaal = Path(sys.executable).parent / "vitaal"
    cmd = [str(vitaal), "serve", "--db", str(folder / "bench.db"), "--port", str(port)]
    if model:
        subprocess.run(
            [str(vitaal), "import", model, "--db", str(folder / "bench.db"), "--author", "bench"],
            check=True,
            capture_output=True,
        )
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    password = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        found = re.search(r"password (\S+)", line)
        if found:
            password = found.group(1)
        if "serves" in line:
            break
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/login", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return proc, base, password


def _client(base: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=120)
    r = c.post("/api/session", json={"username": "admin", "password": password})
    r.raise_for_status()
    return c


def run_level(
    base: str, password: str, users: int, rounds: int, deadline: float, first: str
) -> dict[str, list[float]]:
    clients = [_client(base, password) for _ in range(users)]
    times: dict[str, list[float]] = {name: [] for name, _ in PAGES}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + deadline
    barrier = threading.Barrier(users)

    def user(c: httpx.Client) -> None:
        barrier.wait()
        for _ in range(rounds):
            for name, path in PAGES:
                if time.monotonic() > stop:
                    return
                t0 = time.perf_counter()
                r = c.get(path or f"/components/{first}")
                dt = time.perf_counter() - t0
                with lock:
                    if r.status_code == 200:
                        times[name].append(dt)
                    else:
                        errors.append(f"{path}: {r.status_code}")

    threads = [threading.Thread(target=user, args=(c,)) for c in clients]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in clients:
        c.close()
    n = sum(len(v) for v in times.values())
    print(
        f"\n{users} user(s): {n} requests in {wall:.1f} s ({n / wall:.1f}/s), "
        f"{len(errors)} errors {errors[:3]}"
    )
    print("| page | p50 ms | p95 ms | n |\n|---|---|---|---|")
    for name, values in times.items():
        if values:
            print(
                f"| {name} | {1000 * statistics.median(values):.0f} | "
                f"{1000 * _percentile(values, 0.95):.0f} | {len(values)} |"
            )
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", default="1,10,50")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--deadline", type=float, default=300.0, help="seconds per level")
    ap.add_argument("--model", default=None, help="a model folder instead of the example")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="vitaal-bench-web-") as tmp:
        proc, base, password = _serve(Path(tmp), args.model)
        try:
            c = _client(base, password)
            t0 = time.perf_counter()
            while c.get("/api/decisions").status_code == 202:
                time.sleep(0.5)
            print(f"analysis ready after {time.perf_counter() - t0:.1f} s")
            listed = c.get("/api/components", params={"q": "station", "limit": 1}).json()
            first = listed["items"][0]["id"] if listed["items"] else ""
            c.get("/map")  # the map geometry is computed once per version
            for users in (int(u) for u in args.users.split(",")):
                run_level(base, password, users, args.rounds, args.deadline, first)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
