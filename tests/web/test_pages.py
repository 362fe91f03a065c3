"""The pages and the defences around them: headers, cookies, CSRF, the sign-in limit, the
language, the edit form's messages and conflicts, the register's hash chain."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.web.conftest import PASSWORD, make_store, sign_in
from vitaal.store import ModelStore
from vitaal.web import WebConfig, create_app
from vitaal.web.register import verify_register

PAGES = [
    "/decisions",
    "/register",
    "/scenarios",
    "/map",
    "/compare",
    "/subsystems",
    "/intake",
    "/subsystems/el-grid",
    "/components",
    "/components/ss-1",
    "/records/requirements/wtp-1%7Celectricity",
    "/audit",
]


def _token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _browser(app: FastAPI, username: str, base_url: str = "http://testserver") -> TestClient:
    """A client signed in through the sign-in form, as a browser is."""
    http = TestClient(app, base_url=base_url)
    page = http.get("/login")
    r = http.post(
        "/login",
        data={"csrf": _token(page.text), "username": username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return http


@pytest.fixture
def own_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """An app of its own, for tests that lock users out or tamper with the database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.db'}"
    store = make_store(url)
    return create_app(WebConfig(db_url=url, workers="thread", secure_cookies=True), store)


@pytest.mark.parametrize("path", [*PAGES, "/login", "/static/app.css", "/api/openapi.json"])
def test_security_headers(app: FastAPI, path: str) -> None:
    http = _browser(app, "vic") if path != "/login" else TestClient(app)
    r = http.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    if not path.startswith("/static/"):
        assert r.headers["cache-control"] == "no-store"
    if r.headers["content-type"].startswith("text/html"):
        # no inline script, no inline style, nothing from another host
        assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", r.text)
        assert "style=" not in r.text
        assert not re.search(r"(src|href)=\"(https?:)?//", r.text)


def test_pages_need_signing_in(app: FastAPI) -> None:
    http = TestClient(app)
    for path in PAGES:
        r = http.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == f"/login?next={path}"


def test_session_cookie_flags_and_stored_hash(own_app: FastAPI) -> None:
    http = TestClient(own_app, base_url="https://testserver")
    page = http.get("/login")
    anon = page.headers["set-cookie"]
    assert "HttpOnly" in anon
    assert "SameSite=strict" in anon
    assert "Secure" in anon
    r = http.post(
        "/login",
        data={"csrf": _token(page.text), "username": "ann", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("vitaal_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    store: ModelStore = own_app.state.vitaal.store
    with store.transaction("test") as conn:
        ids = [row[0] for row in conn.execute(text("SELECT id FROM web_sessions"))]
        hashes = [row[0] for row in conn.execute(text("SELECT password_hash FROM web_users"))]
    assert token not in ids
    assert len(ids) == 1
    assert len(ids[0]) == 64
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_map_and_dependencies(app: FastAPI) -> None:
    page = _browser(app, "vic").get("/map").text
    # the tiny model's three systems drawn on the map and on the dependency circle
    assert page.count('data-figure="map"') == 1
    assert page.count('data-figure="dependencies"') == 1
    for name in ("Electricity", "Drinking water", "Telecom"):
        assert name in page


def test_compare_two_versions(own_app: FastAPI) -> None:
    ann = sign_in(own_app, "ann", "https://testserver")
    body = {"base": 1, "fields": {"condition": "5", "name": "Substation one"}}
    assert ann.write("PUT", "/api/components/ss-1", json=body).json() == {"version": 2}
    diff = ann.get("/api/compare?a=1&b=2").json()
    assert diff["summary"] == {"added": 0, "removed": 0, "changed": 1}
    fields = diff["kinds"]["components"]["changed"][0]["fields"]
    assert {(f["field"], f["before"], f["after"]) for f in fields} == {
        ("condition", 2, 5),
        ("name", "Substation 1", "Substation one"),
    }
    assert ann.get("/api/compare?a=1&b=3").status_code == 422
    page = (
        _browser(own_app, "vic", "https://testserver").get("/compare").text
    )  # versions 1 and 2 by default
    assert "0 added, 0 removed, 1 changed" in page
    assert "Substation one" in page


def test_forms_need_their_token(app: FastAPI) -> None:
    http = _browser(app, "ann")
    r = http.post("/register", data={"decision": "decision:replacement:gs-1", "status": "taken"})
    assert r.status_code == 422  # no token at all: the form is not one of the app's
    r = http.post(
        "/register",
        data={"csrf": "forged", "decision": "decision:replacement:gs-1", "status": "taken"},
    )
    assert r.status_code == 403
    r = http.post("/scenarios/flood/run", data={"csrf": "forged"})
    assert r.status_code == 403
    form = {"csrf": "forged", "username": "ann", "password": PASSWORD}
    assert TestClient(app).post("/login", data=form).status_code == 403


def test_sign_in_limit(own_app: FastAPI) -> None:
    http = TestClient(own_app, base_url="https://testserver")
    page = http.get("/login")
    form = {"csrf": _token(page.text), "username": "pim", "password": "wrong password!"}
    codes = [http.post("/login", data=form).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    # the right password is not even checked while the limit holds
    r = http.post("/login", data={**form, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.text
    api = TestClient(own_app, base_url="https://testserver").post(
        "/api/session", json={"username": "pim", "password": PASSWORD}
    )
    assert api.status_code == 429
    assert int(api.headers["retry-after"]) > 0


def test_language_switch(app: FastAPI) -> None:
    http = _browser(app, "vic")
    page = http.get("/scenarios")
    assert '<html lang="en">' in page.text
    assert ">Scenarios<" in page.text
    r = http.post("/lang", data={"csrf": _token(page.text), "lang": "nl", "back": "/scenarios"})
    assert r.status_code == 200
    assert '<html lang="nl">' in r.text
    assert ">Scenario's<" in r.text
    assert "Doorrekenen" not in r.text
    assert "Afmelden" in r.text
    assert "lezer" in r.text


def test_edit_form_shows_problems_next_to_the_field(app: FastAPI) -> None:
    http = _browser(app, "ann")
    form = http.get("/components/ss-2/edit")
    base = re.search(r'name="base" value="(\d+)"', form.text)
    assert base is not None
    r = http.post(
        "/components/ss-2/edit",
        data={"csrf": _token(form.text), "base": base.group(1), "condition": "9"},
    )
    assert r.status_code == 422
    field = re.search(r'id="err-condition">([^<]+)<', r.text)
    assert field is not None
    assert "condition score 1-6" in field.group(1)
    r = http.post(
        "/components/ss-2/edit",
        data={"csrf": _token(form.text), "base": base.group(1), "subsystem": "no-such"},
    )
    assert r.status_code == 422
    assert re.search(r'id="err-subsystem">[^<]*no-such', r.text)


def test_requirement_form(app: FastAPI) -> None:
    http = _browser(app, "ann")
    page = http.get("/components/wtp-1")
    assert "/records/requirements/wtp-1%7Celectricity" in page.text
    form = http.get("/records/requirements/wtp-1%7Celectricity/edit")
    assert form.status_code == 200
    base = re.search(r'name="base" value="(\d+)"', form.text)
    assert base is not None
    r = http.post(
        "/records/requirements/wtp-1%7Celectricity/edit",
        data={"csrf": _token(form.text), "base": base.group(1), "k": "0"},
    )
    assert r.status_code == 422
    assert re.search(r'id="err-k">[^<]*found', r.text)
    ok = http.post(
        "/records/requirements/wtp-1%7Celectricity/edit",
        data={"csrf": _token(form.text), "base": base.group(1), "buffer_h": "6"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    shown = http.get(ok.headers["location"]).text
    assert re.search(r'data-field="buffer_h">6(\.0)?<', shown)
    refused = _browser(app, "gus").get("/records/requirements/wtp-1%7Celectricity/edit")
    assert refused.status_code == 403


def test_second_editor_sees_both_versions(app: FastAPI) -> None:
    one, two = _browser(app, "ann"), _browser(app, "gus")
    form_one, form_two = one.get("/components/gs-1/edit"), two.get("/components/gs-1/edit")
    base = re.search(r'name="base" value="(\d+)"', form_one.text)
    assert base is not None
    ok = one.post(
        "/components/gs-1/edit",
        data={"csrf": _token(form_one.text), "base": base.group(1), "name": "Grid station one"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    r = two.post(
        "/components/gs-1/edit",
        data={"csrf": _token(form_two.text), "base": base.group(1), "name": "Grid station (gus)"},
    )
    assert r.status_code == 409
    assert "Grid station one" in r.text
    assert "Grid station (gus)" in r.text
    assert 'id="keep-theirs"' in r.text
    assert 'id="use-mine"' in r.text
    assert two.get("/components/gs-1").text.count("Grid station one") >= 1
    # choosing "use mine" sends the change again, based on the version that has theirs
    latest = re.search(r'name="base" value="(\d+)"', r.text)
    assert latest is not None
    assert int(latest.group(1)) == int(base.group(1)) + 1
    mine = two.post(
        "/components/gs-1/edit",
        data={"csrf": _token(r.text), "base": latest.group(1), "name": "Grid station (gus)"},
        follow_redirects=False,
    )
    assert mine.status_code == 303


def test_register_chain_finds_tampering(own_app: FastAPI, tmp_path: Path) -> None:
    http = _browser(own_app, "ann", "https://testserver")
    page = http.get("/decisions")
    for _ in range(9000):  # the analysis runs first (a cold clone compiles the kernels)
        if "data-job=" not in page.text:
            break
        time.sleep(0.1)
        page = http.get("/decisions")
    token = _token(page.text)
    for status in ("deferred", "taken"):
        r = http.post(
            "/register",
            data={"csrf": token, "decision": "decision:replacement:gs-1", "status": status},
        )
        assert r.status_code == 200
    assert 'data-recorded="taken"' in r.text
    store: ModelStore = own_app.state.vitaal.store
    assert verify_register(store) == []
    engine = create_engine(str(store._engine.url))
    with engine.begin() as conn:
        first = conn.execute(text("SELECT min(id) FROM web_register")).scalar()
        conn.execute(text("UPDATE web_register SET status = 'refused' WHERE id = :i"), {"i": first})
    engine.dispose()
    findings = verify_register(store)
    assert len(findings) == 1
    assert findings[0].startswith(f"web_register {first}:")
    assert "hash chain is broken" in http.get("/register").text
