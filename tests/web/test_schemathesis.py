"""schemathesis against the app's OpenAPI document, in process (ASGI): for every operation,
requests generated from the document (valid ones and, separately, ones that break it) as every
role and without signing in, each answered without a server error, with a content type and a
body the document describes for its status, and with a status the document lists.

Signed-in runs send the session cookie and, on writes, the CSRF token, so that generated bodies
reach the handlers and not only the CSRF guard. Path parameters are drawn half of the time from
records the tiny model has (a component, a requirement, a scenario, a subsystem, a user), so
that edits, runs and user changes go beyond "not found".

Bounded for CI: ``VITAAL_SCHEMATHESIS_EXAMPLES`` requests per operation, mode and role (4 by
default), with a fixed seed (``VITAAL_SCHEMATHESIS_SEED`` varies the run). The long run in
docs/reliability.md sets them higher::

    VITAAL_SCHEMATHESIS_EXAMPLES=50 .venv/bin/python -m pytest -q -n 0 -s \
        tests/web/test_schemathesis.py
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.conftest import PASSWORD, USERS
from vitaal.store import ModelStore
from vitaal.web import WebConfig, create_app
from vitaal.web.accounts import create_user, update_user
from vitaal.web.api import router

EXAMPLES = int(os.environ.get("VITAAL_SCHEMATHESIS_EXAMPLES", "4"))
SEED = int(os.environ.get("VITAAL_SCHEMATHESIS_SEED", "20261203"))
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

#: every operation of the API, from the router itself (the document must describe each)
OPERATIONS = sorted(
    (method, route.path)  # type: ignore[attr-defined]
    for route in router.routes
    for method in route.methods  # type: ignore[attr-defined]
    if method != "HEAD"
)
#: valid requests to every operation; invalid ones where the document says what is valid (a
#: body or query parameters: a path parameter is any text)
RUNS = [
    pytest.param(method, path, mode, id=f"{mode.value}-{method}-{path}")
    for method, path, route in (
        (m, r.path, r)  # type: ignore[attr-defined]
        for r in router.routes
        for m in sorted(r.methods)  # type: ignore[attr-defined]
        if m != "HEAD"
    )
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE
    or route.body_field is not None  # type: ignore[attr-defined]
    or route.dependant.query_params  # type: ignore[attr-defined]
]
#: the signed-in runs: one user per role (and the second system owner), and nobody
WHO = [*USERS, None]
#: records of the tiny model for path parameters; "zed" is a user made for being changed
KNOWN = {
    "component_id": ["ss-1", "gs-1", "wtp-1"],
    "feature_id": ["ss-1", "area-north", "hosp-1", "plan-harbour"],
    "scenario_id": ["flood"],
    "subsystem_id": ["el-grid", "dw-supply"],
    "kind": ["requirements", "supply"],
    "key": ["wtp-1|electricity", "gs-1>ss-1|electricity"],
    "username": ["zed"],
    "lang": ["en", "nl"],
}

#: checks for documented (valid) requests; invalid ones must also be refused with a 4xx
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]


@pytest.fixture(scope="module")
def app(web_store: ModelStore) -> Iterator[FastAPI]:
    """The app on this module's store, with a sign-in limit the generated sign-ins (every one a
    failure) cannot reach, so that a run can sign in again after it signed itself out."""
    create_user(web_store, "zed", role="viewer", password=PASSWORD, created_by="setup")
    config = WebConfig(
        db_url=str(web_store._engine.url), workers="thread", max_workers=2, login_failures=10**9
    )
    application = create_app(config, web_store)
    with TestClient(application):  # the app's start-up and, at the end, its shutdown
        yield application


@pytest.fixture(scope="module")
def schema(app: FastAPI) -> Any:
    """The document as the app serves it, its operations called in process. schemathesis
    ends an ASGI app's lifespan after each test (which would stop the app's workers): it gets
    the app behind a lifespan of its own that leaves the app's to this module's fixture."""

    async def served(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    return schemathesis.openapi.from_asgi("/api/openapi.json", served)


@dataclass
class Login:
    """The session cookie and CSRF token of one user, renewed when a run ends the session."""

    app: FastAPI
    store: ModelStore
    username: str | None
    token: str = ""
    csrf: str = ""
    renewed: int = 0

    def sign_in(self) -> None:
        """Sign in, first giving the user back the role and access it has in this module: a
        generated change of a user (``PATCH /api/users/{username}``, with a name schemathesis
        took from ``GET /api/users``) may have made it another role or taken its access."""
        if self.username is None:
            return
        role, organisation = USERS[self.username]
        update_user(self.store, self.username, role=role, organisation=organisation, active=True)
        http = TestClient(self.app)
        r = http.post("/api/session", json={"username": self.username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.token = http.cookies["vitaal_session"]
        self.csrf = r.json()["csrf"]
        self.renewed += 1

    def still_valid(self) -> bool:
        if self.username is None:
            return True
        http = TestClient(self.app, cookies={"vitaal_session": self.token})
        r = http.get("/api/me")
        return r.status_code == 200 and r.json()["user"]["username"] == self.username

    def request_kwargs(self, method: str) -> dict[str, Any]:
        if self.username is None:
            return {}
        headers = {"X-CSRF-Token": self.csrf} if method in UNSAFE else {}
        return {"cookies": {"vitaal_session": self.token}, "headers": headers}


@dataclass
class Tally:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def _strategy(operation: Any, mode: GenerationMode) -> Any:
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    if not names or mode is GenerationMode.NEGATIVE:
        return generated
    fixed = st.fixed_dictionaries({n: st.sampled_from(KNOWN[n]) for n in names})
    return st.one_of(
        generated,
        fixed.flatmap(
            lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
        ),
    )


def _fuzz(operation: Any, mode: GenerationMode, login: Login, tally: Tally) -> None:
    method = operation.method.upper()
    checks = POSITIVE_CHECKS if mode is GenerationMode.POSITIVE else NEGATIVE_CHECKS

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, mode))
    def check(case: schemathesis.Case) -> None:
        kwargs = login.request_kwargs(method)
        response = case.call(**kwargs)
        tally.requests += 1
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=checks, headers=kwargs.get("headers"))
        finally:
            if login.username is not None and not login.still_valid():
                # the run signed itself out (DELETE /api/session) or changed its own user:
                # sign in again
                login.sign_in()

    check()


@pytest.mark.parametrize("who", WHO, ids=[u or "anonymous" for u in WHO])
@pytest.mark.parametrize(("method", "path", "mode"), RUNS)
def test_operation(
    app: FastAPI,
    web_store: ModelStore,
    schema: Any,
    analysed: dict[str, Any],
    method: str,
    path: str,
    who: str | None,
    mode: GenerationMode,
) -> None:
    KNOWN["job_id"] = [analysed["job"]["id"]]
    login = Login(app, web_store, who)
    login.sign_in()
    tally = Tally()
    started = time.perf_counter()
    _fuzz(schema[path][method], mode, login, tally)
    if os.environ.get("VITAAL_SCHEMATHESIS_EXAMPLES"):
        print(  # the long run's figures (shown with -s)
            f"\nschemathesis {method} {path} {who or 'anonymous'} {mode.value}: "
            f"{tally.requests} requests, statuses {dict(sorted(tally.statuses.items()))}, "
            f"{time.perf_counter() - started:.1f} s"
        )
    assert tally.requests > 0
    # the generated requests reached more than the sign-in check
    if who is not None and path != "/api/session":
        assert set(tally.statuses) - {401}, tally.statuses
    assert login.still_valid()


def test_the_document_describes_every_operation(schema: Any) -> None:
    described = sorted((r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations())
    assert described == OPERATIONS
    assert len(OPERATIONS) == 34


# -- what schemathesis found --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [(b"\xe9", 0), (b'{"username": "\xe8"}', 14), (b"\x80\xe8\xbd\xbf,\x80!\t\x80", 0)],
)
def test_a_body_that_is_not_utf8_is_refused_with_its_place(
    app: FastAPI, body: bytes, where: int
) -> None:
    # was 400 "There was an error parsing the body", from a handler the app did not reach
    r = TestClient(app).post(
        "/api/session", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == [
        {
            "loc": ["body"],
            "msg": f"found a byte that is not UTF-8 at position {where} of the body, "
            "expected JSON text in UTF-8",
        }
    ]


def test_a_body_that_is_not_json_says_why(app: FastAPI) -> None:
    r = TestClient(app).post(
        "/api/session", content=b'{"username": ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"loc": ["body", 13], "msg": "JSON decode error: Expecting value"}
    ]


def test_an_address_without_a_page_is_the_apps_error_page(app: FastAPI) -> None:
    r = TestClient(app).get("/no-such-page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Not Found" in r.text
    assert TestClient(app).get("/api/no-such-thing").json() == {"detail": "Not Found"}


@pytest.mark.parametrize("version", [0, 5, 2**63, 2**70])
def test_an_audit_version_the_store_does_not_hold_is_refused(
    app: FastAPI, web_store: ModelStore, version: int
) -> None:
    # 2**63 and beyond were a server error (OverflowError: the database's integers end there)
    http = TestClient(app)
    r = http.post("/api/session", json={"username": "vic", "password": PASSWORD})
    assert r.status_code == 200
    latest = web_store.latest_version()
    api = http.get("/api/audit", params={"version": version})
    if version == 0:
        assert api.status_code == 422  # below the document's minimum
    else:
        assert api.status_code == 422, api.text
        assert api.json() == {
            "detail": f"version: found {version}, expected a version from 1 to {latest}"
        }
    page = http.get("/audit", params={"version": version})
    assert page.status_code == 422
    assert f"version: found {version}, expected a version from 1 to {latest}" in page.text
