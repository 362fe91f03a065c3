"""Fixtures shared by every test: a throw-away PostgreSQL server.

``pg_server`` (session scope) starts a private PostgreSQL server for the test run:

1. it finds ``initdb`` and ``pg_ctl`` in ``$VITAAL_PG_BIN``, else the newest
   ``/usr/lib/postgresql/*/bin``, else on ``PATH``;
2. ``initdb`` creates a cluster in a new temporary folder (as the ``postgres`` system user
   when the tests run as root, since the server refuses to run as root);
3. ``pg_ctl start`` runs it on a free loopback port with its socket inside that folder;
4. a database ``vitaal`` is created; ``pg_url`` is its URL;
5. at the end the server is stopped and the folder deleted.

With ``$VITAAL_TEST_PG_URL`` set, that server is used instead (its user needs CREATEDB, as each
test gets a database of its own). The PostgreSQL tests are skipped only when no server binary
can be found.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_SERVER_USER = os.environ.get("VITAAL_PG_USER", "postgres")


def _version_of(bin_dir: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", bin_dir.parent.name)) or (0,)


def find_pg_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or ``None`` when there is none.

    ``$VITAAL_PG_BIN``, when set, is the only place looked at (a wrong one fails the run
    rather than quietly skipping the PostgreSQL tests).
    """
    env = os.environ.get("VITAAL_PG_BIN")
    if env:
        folder = Path(env)
        if not ((folder / "initdb").is_file() and (folder / "pg_ctl").is_file()):
            pytest.fail(f"VITAAL_PG_BIN={env} holds no initdb and pg_ctl")
        return folder
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_of, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PgServer:
    """A PostgreSQL server for tests: ``url`` names its main database."""

    url: str
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def create_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"vitaal_t{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(cmd: list[str], *, cwd: Path, what: str) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{what} failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}"
        )


def _start_server(bin_dir: Path) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="vitaal-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(_SERVER_USER)
        except KeyError:
            shutil.rmtree(folder)
            pytest.fail(
                f"tests run as root and PostgreSQL refuses root, but there is no system user "
                f"'{_SERVER_USER}' to run it as (set VITAAL_PG_USER)"
            )
        os.chown(folder, user.pw_uid, user.pw_gid)
        runuser = shutil.which("runuser")
        as_user = [runuser, "-u", _SERVER_USER, "--"] if runuser else ["su", _SERVER_USER, "-c"]
    data, log = folder / "data", folder / "server.log"

    def cmd(*args: str) -> list[str]:
        if as_user[:1] == ["su"]:
            return [*as_user, " ".join(f"'{a}'" for a in args)]
        return [*as_user, *args]

    started = False
    try:
        _run(
            cmd(
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "vitaal",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ),
            cwd=folder,
            what="initdb",
        )
        for _attempt in range(3):
            port = _free_port()
            options = (
                f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                _run(
                    cmd(
                        str(bin_dir / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(log),
                        "-w",
                        "-t",
                        "60",
                        "-o",
                        options,
                        "start",
                    ),
                    cwd=folder,
                    what="pg_ctl start",
                )
            except RuntimeError:
                continue  # most likely the port was taken in the meantime: try another
            started = True
            break
        if not started:
            server_log = log.read_text() if log.is_file() else "(no log)"
            pytest.fail(f"the PostgreSQL server did not start; its log:\n{server_log}")
        admin = f"postgresql+psycopg://vitaal@127.0.0.1:{port}/postgres"
        PgServer(admin)._admin("CREATE DATABASE vitaal")
        yield f"postgresql+psycopg://vitaal@127.0.0.1:{port}/vitaal"
    finally:
        if started:
            subprocess.run(
                cmd(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"),
                cwd=folder,
                capture_output=True,
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def free_port() -> int:
    """A loopback TCP port nothing listens on (at the time of asking)."""
    return _free_port()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The URL of a PostgreSQL database for this test run (see the module's docstring)."""
    given = os.environ.get("VITAAL_TEST_PG_URL")
    if given:
        yield given
        return
    bin_dir = find_pg_bin()
    if bin_dir is None and os.environ.get("VITAAL_REQUIRE_PG"):
        pytest.fail("VITAAL_REQUIRE_PG is set but no PostgreSQL server binaries were found")
    if bin_dir is None:
        pytest.skip(
            "no PostgreSQL server binaries (initdb, pg_ctl) in $VITAAL_PG_BIN, "
            "/usr/lib/postgresql/*/bin or on PATH; set VITAAL_TEST_PG_URL to use a server"
        )
    yield from _start_server(bin_dir)


@pytest.fixture(scope="session")
def pg_server(pg_url: str) -> PgServer:
    """The PostgreSQL server of :func:`pg_url`, able to make a fresh database per test."""
    return PgServer(pg_url)
