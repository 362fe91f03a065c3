"""The load test's script, short: ``benchmarks/load_web.py`` on the tiny model with 5 users
(one per role) for 15 s ends without an error and makes every kind of request; and what the
long run showed, each on its own: a model version is read once however many requests want it
at the same moment, analyses of versions an edit has overtaken do not queue up for the
workers, edits are saved one at a time, and a store busy with a long write does not refuse
a page."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from tests.web.conftest import PASSWORD, TINY, make_store
from vitaal.errors import StoreError
from vitaal.store.schema import web_sessions
from vitaal.web import jobs as jobs_module
from vitaal.web import views
from vitaal.web.accounts import LoginLimiter, authenticate, session_of, start_session
from vitaal.web.config import WebConfig
from vitaal.web.editing import save_component
from vitaal.web.jobs import JobRunner
from vitaal.web.state import AppState

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "load_web.py"


@pytest.mark.slow
def test_a_short_load_run_has_no_error(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--users",
            "5",
            "--seconds",
            "15",
            "--think",
            "0.3",
            "--edit-share",
            "0.4",
            "--run-share",
            "0.2",
            "--model",
            str(TINY),
            "--organisations",
            "Grid company",
            "--workers",
            "1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    figures = json.loads(out.read_text())
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["server_tracebacks"] == 0
    counts = {row["kind"]: row["count"] for row in figures["kinds"]}
    assert set(counts) == {
        "sign in",
        "decisions page",
        "decisions API",
        "scenarios page",
        "components search",
        "component page",
        "map page",
        "audit page",
        "register page",
        "subsystem page",
        "scenario run",
        "job poll",
        "component read",
        "edit own record",
        "edit shared record",
    }
    assert all(n > 0 for n in counts.values()), counts
    assert counts["sign in"] == 5
    assert figures["memory"]["server_mb"] > 0
    assert "| edit shared record |" in run.stdout


def test_a_version_is_read_once_by_requests_at_the_same_time(tmp_path: Path) -> None:
    store = make_store(f"sqlite:///{tmp_path / 'one.db'}")
    reads: list[int] = []
    original = store.read_model

    def counted(version: int | None = None) -> Any:
        reads.append(version or 0)
        time.sleep(0.3)  # a large model takes seconds: the others arrive meanwhile
        return original(version)

    store.read_model = counted  # type: ignore[method-assign]
    runner = JobRunner("thread", 1)
    state = AppState(
        WebConfig(db_url="sqlite://", workers="thread"), store, runner, LoginLimiter(5, 60)
    )
    try:
        got: list[int] = []
        threads = [
            threading.Thread(target=lambda: got.append(id(state.model()[1]))) for _ in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert reads == [1]
        assert len(got) == 8
        assert len(set(got)) == 1
        # an edit makes version 2; version 1 stays in memory too (the base of edits made
        # while it was the latest)
        one = state.model()[1]
        outcome = save_component(
            store, one.components["ss-1"], {"condition": "5"}, base=1, author="ann"
        )
        assert outcome.version == 2
        assert state.model()[0] == 2
        assert state.model(1)[1] is one
        assert reads == [1, 2]
    finally:
        runner.close()
        store.close()


def test_analyses_of_overtaken_versions_are_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    ran: list[int] = []

    def analysis(url: str, version: int, progress: Any) -> dict[str, Any]:
        ran.append(version)
        release.wait(10)
        return {"version": version}

    monkeypatch.setitem(jobs_module.FUNCTIONS, "analysis", analysis)
    runner = JobRunner("thread", 1)
    try:
        first = runner.submit("analysis", ("analysis", 1), "ann", "db", 1)
        # a stream of edits: each new version's analysis is asked for while 1 still runs
        queued = [runner.submit("analysis", ("analysis", v), "ann", "db", v) for v in (2, 3)]
        last = runner.submit("analysis", ("analysis", 4), "ann", "db", 4)
        for job in queued:
            assert job.status == "failed"
            assert job.error == "a newer version came first: its analysis runs instead"
        release.set()
        end = time.monotonic() + 10
        while last.status != "done" and time.monotonic() < end:
            time.sleep(0.02)
        assert first.status == "done"
        assert last.status == "done"
        assert ran == [1, 4]  # 2 and 3 never ran
        # a page asking for version 4 again gets the finished job, not a new run
        assert runner.submit("analysis", ("analysis", 4), "ann", "db", 4) is last
    finally:
        release.set()
        runner.close()


def test_edits_are_saved_one_at_a_time(tmp_path: Path) -> None:
    # the long run: concurrent edits of Rotterdam waited for the store's write lock beyond
    # SQLite's busy timeout and failed with "database is locked"
    store = make_store(f"sqlite:///{tmp_path / 'edits.db'}")
    runner = JobRunner("thread", 1)
    state = AppState(
        WebConfig(db_url="sqlite://", workers="thread"), store, runner, LoginLimiter(5, 60)
    )
    inside = 0
    most = 0
    count = threading.Lock()
    original = store.apply

    def slow(*args: Any, **kw: Any) -> int:
        nonlocal inside, most
        with count:
            inside += 1
            most = max(most, inside)
        time.sleep(0.2)  # a large model validates for seconds while it holds the lock
        try:
            return original(*args, **kw)
        finally:
            with count:
                inside -= 1

    store.apply = slow  # type: ignore[method-assign]
    admin = authenticate(store, "ada", PASSWORD)
    assert admin is not None
    _, session = start_session(store, admin, max_h=1)
    outcomes: list[Any] = []

    def edit(component: str, value: str) -> None:
        outcomes.append(views.edit_component(state, session, component, 1, {"condition": value}))

    try:
        threads = [
            threading.Thread(target=edit, args=(c, v))
            for c, v in [("ss-1", "5"), ("ss-2", "5"), ("gs-1", "5"), ("wtp-1", "5")]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert most == 1
        # four edits of four records, each made to version 1: all saved, one after another
        assert sorted(o.version for o in outcomes) == [2, 3, 4, 5]
    finally:
        runner.close()
        store.close()


def test_a_busy_store_does_not_refuse_a_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the long run: a session's "last seen" write waited for an edit's write lock beyond
    # SQLite's busy timeout, and the page was refused with "database is locked"
    store = make_store(f"sqlite:///{tmp_path / 'busy.db'}")
    try:
        user = authenticate(store, "vic", PASSWORD)
        assert user is not None
        token, session = start_session(store, user, max_h=1)
        with store.transaction("age the session", write=True) as conn:
            conn.execute(
                update(web_sessions).values(seen_at=datetime.now(UTC) - timedelta(minutes=10))
            )
        real = store.transaction

        def busy(what: str, *, write: bool = False) -> Any:
            if write:
                raise StoreError(f"cannot {what} in {store.url}: database is locked")
            return real(what, write=write)

        monkeypatch.setattr(store, "transaction", busy)
        found = session_of(store, token, idle_h=8)
        assert found is not None
        assert found.user.username == "vic"
        assert found.csrf == session.csrf
    finally:
        store.close()
