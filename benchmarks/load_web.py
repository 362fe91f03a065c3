"""A load test of ``vitaal serve``: many users at once, for minutes, with page views, scenario
runs and edits, on loopback.

Starts ``vitaal serve`` in its own process on a new SQLite store with the bundled Rotterdam
example imported (``vitaal import``) and users of every role made as the tests make them
(``vitaal.web.accounts.create_user``); then ``--users`` virtual users (threads, each with its
own HTTP client and session) sign in and, for ``--seconds``, each repeats: think for a moment
(``--think`` seconds on average), then one action, drawn by its role:

- an edit (``--edit-share`` of the actions of administrators, analysts and system owners):
  read a component, think, then change its condition with the version it read as base; in turn a
  component of the user's own (no one else edits it: it must be saved) and the one component
  every editor with the same rights edits (when someone changed it after the
  version read, it must be refused with 409, never an error);
- a scenario run (``--run-share`` of the actions of all but viewers): start it, then poll
  its job every second until it is done;
- else a page view, the pages in turn: the decisions, the decisions as JSON, scenarios,
  a components search, a component, the map, the audit, the register, a subsystem.

Every answer is checked against what its kind of request may answer; a 5xx, a timeout, a
broken connection, an unexpected status, a scenario run that failed and a traceback in the
server's log are errors. Prints per kind of request: count, errors, refusals (409) and
latency p50, p95, p99 and max; the server's peak memory (its own and with its worker
processes, from /proc) and the load average during the run. ``--json FILE`` writes the same
figures; the exit code is 1 when there was an error.

    .venv/bin/python benchmarks/load_web.py --users 50 --seconds 300
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load test password 1"
#: roles in turn; a system owner speaks for one of the example's organisations in turn
ROLES = ["administrator", "analyst", "system_owner", "planner", "viewer"]
ORGANISATIONS = ["Stedin", "Evides", "Eneco", "Gemeente Rotterdam"]
EDITORS = {"administrator", "analyst", "system_owner"}
#: how many components every editor with the same rights edits (the conflicts)
SHARED = 1
#: kinds of request and the statuses each may answer
EXPECTED: dict[str, set[int]] = {
    "sign in": {200},
    "decisions page": {200},
    "decisions API": {200, 202},
    "scenarios page": {200},
    "components search": {200},
    "component page": {200},
    "map page": {200},
    "audit page": {200},
    "register page": {200},
    "subsystem page": {200},
    "scenario run": {202},
    "job poll": {200},
    "component read": {200},
    "edit own record": {200},
    "edit shared record": {200, 409},
}
PAGE_KINDS = [
    "decisions page",
    "decisions API",
    "scenarios page",
    "components search",
    "component page",
    "map page",
    "audit page",
    "register page",
    "subsystem page",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


# -- the server ---------------------------------------------------------------------------


@dataclass
class Server:
    proc: subprocess.Popen[str]
    base: str
    log: list[str] = field(default_factory=list)

    def drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)


def make_store(
    folder: Path, model: str, users: int, organisations: list[str]
) -> tuple[str, list[tuple[str, str]]]:
    """A store with ``model`` as version 1 and ``users`` users (name, role) of every role."""
    from vitaal.store import open_store
    from vitaal.web.accounts import create_user

    db = folder / "load.db"
    vitaal = Path(sys.executable).parent / "vitaal"
    subprocess.run(
        [str(vitaal), "import", model, "--db", f"sqlite:///{db}", "--author", "load"],
        check=True,
        capture_output=True,
    )
    made = []
    with open_store(f"sqlite:///{db}") as store:
        for i in range(users):
            role = ROLES[i % len(ROLES)]
            org = organisations[(i // len(ROLES)) % len(organisations)]
            name = f"user{i:03d}"
            create_user(
                store,
                name,
                role=role,
                password=PASSWORD,
                created_by="load",
                organisation=org if role == "system_owner" else None,
            )
            made.append((name, role))
    return f"sqlite:///{db}", made


def start_server(url: str, workers: int) -> Server:
    port = _free_port()
    vitaal = Path(sys.executable).parent / "vitaal"
    cmd = [str(vitaal), "serve", "--db", url, "--port", str(port), "--example", ""]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = Server(proc, f"http://127.0.0.1:{port}")
    assert proc.stdout is not None
    for line in proc.stdout:
        server.log.append(line)
        if "serves" in line:
            break
    threading.Thread(target=server.drain, daemon=True).start()
    for _ in range(300):
        try:
            httpx.get(server.base + "/login", timeout=2)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise SystemExit("the server did not answer in 30 s:\n" + "".join(server.log))


def _proc_kb(pid: int, key: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (of any of its threads: the worker pool starts its
    processes from a thread of its own)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Watch:
    """Samples the server's memory (with its worker processes) and the load average."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_total_kb = 0
        self.load: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last_load = 0.0
        while not self.stop.wait(0.5):
            pids = [self.pid, *_children(self.pid)]
            total = sum(_proc_kb(p, "VmRSS") for p in pids)
            self.peak_total_kb = max(self.peak_total_kb, total)
            if time.monotonic() - last_load >= 5:
                self.load.append(os.getloadavg()[0])
                last_load = time.monotonic()

    def peaks(self) -> dict[str, float]:
        """Peak resident memory in MB: the server process (its high-water mark), each worker
        process's at most, and the most all of them held at one moment (sampled)."""
        workers = [_proc_kb(p, "VmHWM") for p in _children(self.pid)]
        return {
            "server_mb": _proc_kb(self.pid, "VmHWM") / 1024,
            "worker_max_mb": max(workers, default=0) / 1024,
            "workers": len(workers),
            "all_at_once_mb": self.peak_total_kb / 1024,
        }


# -- the users ----------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in EXPECTED})
    errors: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in EXPECTED})
    refusals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXPECTED, 0))
    runs: dict[str, int] = field(default_factory=lambda: {"done": 0, "failed": 0, "unfinished": 0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None, refused: bool = False) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if error is not None:
                self.errors[kind].append(error)
            if refused:
                self.refusals[kind] += 1


@dataclass
class User:
    name: str
    role: str
    client: httpx.Client
    csrf: str = ""
    own: str | None = None
    shared: list[str] = field(default_factory=list)
    pages: int = 0
    edits: int = 0


class Load:
    def __init__(self, base: str, results: Results, args: argparse.Namespace) -> None:
        self.base = base
        self.results = results
        self.deadline = 0.0
        self.think = args.think
        self.timeout = args.timeout
        self.edit_share = args.edit_share
        self.run_share = args.run_share
        self.components: list[str] = []
        self.subsystems: list[str] = []
        self.scenarios: list[str] = []

    def call(
        self, user: User, kind: str, method: str, path: str, **kw: Any
    ) -> httpx.Response | None:
        """One request, timed and checked against its kind's statuses."""
        headers = {"X-CSRF-Token": user.csrf} if method != "GET" else {}
        t0 = time.perf_counter()
        try:
            r = user.client.request(method, path, headers=headers, **kw)
        except httpx.TimeoutException:
            self.results.add(kind, time.perf_counter() - t0, f"timeout {method} {path}")
            return None
        except httpx.HTTPError as exc:
            self.results.add(kind, time.perf_counter() - t0, f"{type(exc).__name__} {path}")
            return None
        dt = time.perf_counter() - t0
        error = None
        if r.status_code not in EXPECTED[kind]:
            error = f"{r.status_code} {method} {path}: {r.text[:200]}"
        self.results.add(kind, dt, error, refused=r.status_code == 409)
        return r

    def sign_in(self, name: str, role: str) -> User:
        # idle connections are dropped before the server's keep-alive (uvicorn: 5 s) ends
        # them: a request sent on a connection the server is closing fails as a browser would
        # not (it sends it again)
        client = httpx.Client(
            base_url=self.base, timeout=self.timeout, limits=httpx.Limits(keepalive_expiry=2.0)
        )
        user = User(name, role, client)
        r = self.call(
            user, "sign in", "POST", "/api/session", json={"username": name, "password": PASSWORD}
        )
        if r is None or r.status_code != 200:
            raise SystemExit(f"{name} could not sign in")
        user.csrf = r.json()["csrf"]
        return user

    # -- actions --
    def page(self, user: User, rng: random.Random) -> None:
        # the pages in turn (each user from its own place in the list): every kind is seen
        kind = PAGE_KINDS[user.pages % len(PAGE_KINDS)]
        user.pages += 1
        path = {
            "decisions page": "/decisions",
            "decisions API": "/api/decisions",
            "scenarios page": "/scenarios",
            "components search": f"/components?q={rng.choice(['station', 'pump', 'rtm', 'el-'])}",
            "component page": f"/components/{rng.choice(self.components)}",
            "map page": "/map",
            "audit page": "/audit",
            "register page": "/register",
            "subsystem page": f"/subsystems/{rng.choice(self.subsystems)}",
        }[kind]
        self.call(user, kind, "GET", path)

    def scenario(self, user: User, rng: random.Random) -> None:
        r = self.call(
            user, "scenario run", "POST", f"/api/scenarios/{rng.choice(self.scenarios)}/runs"
        )
        if r is None or r.status_code != 202:
            return
        job = r.json()["id"]
        while time.monotonic() < self.deadline:
            time.sleep(1.0)
            p = self.call(user, "job poll", "GET", f"/api/jobs/{job}")
            if p is None or p.status_code != 200:
                return
            status = p.json()["job"]["status"]
            if status in ("done", "failed"):
                with self.results.lock:
                    self.results.runs[status] += 1
                    if status == "failed":
                        self.results.errors["job poll"].append(f"run {job} failed: {p.text[:200]}")
                return
        with self.results.lock:
            self.results.runs["unfinished"] += 1

    def edit(self, user: User, rng: random.Random) -> None:
        # own and shared records in turn
        shared = user.edits % 2 == 1 or user.own is None
        user.edits += 1
        target = rng.choice(user.shared) if shared else user.own
        assert target is not None
        r = self.call(user, "component read", "GET", f"/api/components/{target}")
        if r is None or r.status_code != 200:
            return
        data = r.json()
        # a person fills in the form before saving it: meanwhile others may change the record
        time.sleep(rng.uniform(0, 2 * self.think))
        now = data["fields"].get("condition", "")
        value = rng.choice([c for c in "123456" if c != now])
        kind = "edit shared record" if shared else "edit own record"
        body = {"base": data["version"], "fields": {"condition": value}}
        self.call(user, kind, "PUT", f"/api/components/{target}", json=body)

    def run_user(self, user: User, seed: int, start: threading.Barrier) -> None:
        rng = random.Random(seed)
        start.wait()
        while True:
            time.sleep(rng.uniform(0, 2 * self.think))
            if time.monotonic() >= self.deadline:
                return
            x = rng.random()
            if user.role in EDITORS and user.shared and x < self.edit_share:
                self.edit(user, rng)
            elif user.role != "viewer" and x > 1 - self.run_share:
                self.scenario(user, rng)
            else:
                self.page(user, rng)


def allot(users: list[User], listing: Callable[[User], list[str]]) -> None:
    """Each editor's own component (no one else's) and the few components it shares with
    every editor of the same rights."""
    taken: set[str] = set()
    shared_of: dict[tuple[str, ...], list[str]] = {}
    for user in users:
        if user.role not in EDITORS:
            continue
        mine = listing(user)
        group = tuple(mine)
        if group not in shared_of:
            shared_of[group] = [c for c in mine if c not in taken][:SHARED]
            taken.update(shared_of[group])
        user.shared = shared_of[group]
        free = [c for c in mine if c not in taken]
        if free:
            user.own = free[0]
            taken.add(free[0])


def report(
    results: Results, wall: float, memory: dict[str, float], load: list[float]
) -> dict[str, Any]:
    rows = []
    for kind in EXPECTED:
        values = results.times[kind]
        if not values:
            rows.append({"kind": kind, "count": 0, "errors": len(results.errors[kind])})
            continue
        rows.append(
            {
                "kind": kind,
                "count": len(values),
                "errors": len(results.errors[kind]),
                "refused": results.refusals[kind],
                "p50_ms": 1000 * percentile(values, 0.50),
                "p95_ms": 1000 * percentile(values, 0.95),
                "p99_ms": 1000 * percentile(values, 0.99),
                "max_ms": 1000 * max(values),
            }
        )
    total = sum(r["count"] for r in rows)
    return {
        "seconds": wall,
        "requests": total,
        "per_second": total / wall if wall else 0.0,
        "errors": sum(r["errors"] for r in rows),
        "kinds": rows,
        "runs": results.runs,
        "memory": memory,
        "load": {
            "min": min(load, default=0.0),
            "mean": sum(load) / len(load) if load else 0.0,
            "max": max(load, default=0.0),
        },
        "error_samples": {k: v[:5] for k, v in results.errors.items() if v},
    }


def print_report(out: dict[str, Any], users: int) -> None:
    print(
        f"\n{users} users, {out['seconds']:.0f} s: {out['requests']} requests "
        f"({out['per_second']:.1f}/s), {out['errors']} errors"
    )
    print("| request | count | errors | refused (409) | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in out["kinds"]:
        if not r["count"]:
            print(f"| {r['kind']} | 0 | {r['errors']} | | | | | |")
            continue
        print(
            f"| {r['kind']} | {r['count']} | {r['errors']} | {r['refused']} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:.0f} |"
        )
    runs, mem, load = out["runs"], out["memory"], out["load"]
    print(
        f"scenario runs: {runs['done']} done, {runs['failed']} failed, "
        f"{runs['unfinished']} unfinished at the end"
    )
    print(
        f"server peak memory: {mem['server_mb']:.0f} MB (process), worker processes "
        f"{mem['workers']} at most {mem['worker_max_mb']:.0f} MB each, "
        f"{mem['all_at_once_mb']:.0f} MB all at once"
    )
    print(
        f"load average (1 min) during the run: {load['min']:.1f} to {load['max']:.1f}, "
        f"mean {load['mean']:.1f}"
    )
    for kind, samples in out["error_samples"].items():
        print(f"errors of {kind}: {samples}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    ap.add_argument("--seconds", type=float, default=300.0, help="length of the run (300)")
    ap.add_argument("--think", type=float, default=5.0, help="mean seconds between actions (5)")
    ap.add_argument(
        "--edit-share", type=float, default=0.01, help="share of an editor's actions that edit"
    )
    ap.add_argument(
        "--run-share", type=float, default=0.1, help="share of actions that run a scenario"
    )
    ap.add_argument(
        "--organisations",
        default=",".join(ORGANISATIONS),
        help="the organisations system owners speak for, in turn",
    )
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds a request may take (60)")
    ap.add_argument("--workers", type=int, default=2, help="the server's worker processes (2)")
    ap.add_argument("--model", default=str(ROOT / "examples" / "rotterdam"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="vitaal-load-") as tmp:
        t0 = time.perf_counter()
        organisations = args.organisations.split(",")
        url, made = make_store(Path(tmp), args.model, args.users, organisations)
        server = start_server(url, args.workers)
        print(f"store and server ready in {time.perf_counter() - t0:.1f} s ({server.base})")
        try:
            results = Results()
            load = Load(server.base, results, args)
            users = [load.sign_in(name, role) for name, role in made]
            listed = users[0].client.get("/api/components", params={"limit": 5000}).json()
            load.components = [c["id"] for c in listed["items"]]
            load.subsystems = sorted({c["subsystem"] for c in listed["items"]})
            load.scenarios = [s["id"] for s in users[0].client.get("/api/scenarios").json()]

            def editable(user: User) -> list[str]:
                items = user.client.get("/api/components", params={"limit": 5000}).json()["items"]
                return sorted(c["id"] for c in items if c["may_edit"])

            allot(users, editable)
            watch = Watch(server.proc.pid)
            watch.thread.start()
            start = threading.Barrier(len(users))
            load.deadline = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=load.run_user, args=(u, args.seed * 1000 + i, start))
                for i, u in enumerate(users)
            ]
            for i, u in enumerate(users):
                u.pages = i
            began = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - began
            watch.stop.set()
            watch.thread.join()
            memory = watch.peaks()
            for u in users:
                u.client.close()
        finally:
            server.stop()
        tracebacks = [line for line in server.log if "Traceback" in line]
        out = report(results, wall, memory, watch.load)
        out["server_tracebacks"] = len(tracebacks)
        out["errors"] += len(tracebacks)
        out["command"] = " ".join(
            ["benchmarks/load_web.py", *(argv if argv is not None else sys.argv[1:])]
        )
        print_report(out, args.users)
        if out["errors"]:
            print("server log:\n" + "".join(server.log[-80:]))
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2))
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
