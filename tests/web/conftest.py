"""Web app fixtures: the tiny model in a store with one user per role, and a signed-in client
for each."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitaal.io.folder import read_model
from vitaal.store import ModelStore, open_store
from vitaal.web import WebConfig, create_app
from vitaal.web.accounts import create_user

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
PASSWORD = "correct horse battery"

#: user name -> (role, organisation); the tiny model's electricity is the Grid company's,
#: its drinking water the Water company's
USERS = {
    "ada": ("administrator", None),
    "ann": ("analyst", None),
    "gus": ("system_owner", "Grid company"),
    "wil": ("system_owner", "Water company"),
    "pim": ("planner", None),
    "vic": ("viewer", None),
}
ROLE_USER = {role: name for name, (role, _) in USERS.items() if name != "wil"}


def make_store(url: str) -> ModelStore:
    store = open_store(url)
    store.import_model(read_model(TINY), author="setup", message="tiny")
    for name, (role, org) in USERS.items():
        create_user(store, name, role=role, password=PASSWORD, created_by="setup", organisation=org)
    return store


@dataclass
class Client:
    """A TestClient signed in as one user, with the CSRF header set for writes."""

    http: TestClient
    csrf: str

    def get(self, url: str, **kw: Any) -> Any:
        return self.http.get(url, **kw)

    def write(self, method: str, url: str, **kw: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf}
        return self.http.request(method, url, headers=headers, **kw)


def sign_in(app: FastAPI, username: str, base_url: str = "http://testserver") -> Client:
    http = TestClient(app, base_url=base_url)
    r = http.post("/api/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return Client(http, r.json()["csrf"])


def wait_for(client: Client, job_id: str, timeout: float = 900.0) -> dict[str, Any]:
    """The job's JSON once it is done or failed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        data = client.get(f"/api/jobs/{job_id}").json()
        if data["job"]["status"] in ("done", "failed"):
            return dict(data)
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def pytest_configure(config: pytest.Config) -> None:
    # pydantic 2.12 warns about the alias FastAPI gives every form and body parameter, which
    # does take effect (pydantic/pydantic#12356, #12362): a false alarm, not an error
    config.addinivalue_line(
        "filterwarnings", "ignore::pydantic.warnings.UnsupportedFieldAttributeWarning"
    )


@pytest.fixture(scope="module")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelStore]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    store = make_store(url)
    yield store
    store.close()


@pytest.fixture(scope="module")
def app(web_store: ModelStore) -> Iterator[FastAPI]:
    config = WebConfig(db_url=str(web_store._engine.url), workers="thread", max_workers=2)
    application = create_app(config, web_store)
    with TestClient(application):  # runs the lifespan: the workers stop at the end
        yield application


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> dict[str, Client]:
    """A signed-in client per user name."""
    return {name: sign_in(app, name) for name in USERS}


@pytest.fixture(scope="module")
def analysed(clients: dict[str, Client]) -> dict[str, Any]:
    """The decisions of the tiny model, once the analysis has finished."""
    c = clients["vic"]
    # a fresh clone compiles the engine's kernels first (minutes on a loaded machine)
    end = time.monotonic() + 900
    while time.monotonic() < end:
        r = c.get("/api/decisions")
        if r.status_code == 200:
            return dict(r.json())
        assert r.status_code == 202, r.text
        time.sleep(0.2)
    raise AssertionError("the analysis did not finish in 900 s")
