"""``vitaal serve`` through its entry point: the first start imports the example into an
empty store and prints the first administrator's password once; the password signs in; a
second start prints no password and imports nothing."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.web.conftest import TINY
from vitaal.store import open_store
from vitaal.web.setup import first_administrator, import_example

VITAAL = Path(sys.executable).parent / "vitaal"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db: Path, *extra: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(VITAAL), "serve", "--db", str(db), "--port", str(port), "--workers", "1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if "serves" in line:
            break
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/login", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return proc, base, lines


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=30)
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.mark.slow
def test_first_start_prints_a_password_once(tmp_path: Path) -> None:
    db = tmp_path / "city.db"
    subprocess.run(
        [str(VITAAL), "import", str(TINY), "--db", str(db), "--author", "ann"],
        check=True,
        capture_output=True,
    )
    proc, base, lines = _start(db)
    try:
        text = "".join(lines)
        found = re.search(r"user name 'admin', password (\S+)", text)
        assert found is not None, text
        assert "imported" not in text  # the store held a model already
        r = httpx.post(
            base + "/api/session", json={"username": "admin", "password": found.group(1)}
        )
        assert r.status_code == 200
        assert r.json()["user"]["role"] == "administrator"
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
    finally:
        _stop(proc)
    proc, _, lines = _start(db)
    _stop(proc)
    assert "password" not in "".join(lines)


def test_setup_on_an_empty_store(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'empty.db'}") as store:
        assert import_example(store, "rotterdam", author="vitaal serve") == 1
        assert import_example(store, "rotterdam", author="vitaal serve") is None
        assert store.versions()[0].message == "example:rotterdam for vitaal serve"
        admin = first_administrator(store)
        assert admin is not None
        assert admin[0] == "admin"
        assert len(admin[1]) == 20
        assert first_administrator(store) is None
