"""Comparing by results in the web app against ``vitaal compare ... --json`` on a copy of the
tiny model with a second scenario (Substation 1 out at hour 1) and a second plan (homes in
the north, known result and repetitive work): the web's comparison of two scenarios, two
plans and two versions must be the command's, flag for flag and difference for difference.
Every role reads; starting a comparison needs the right to run scenarios."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.cli_helpers import edit, run
from tests.web.conftest import PASSWORD, TINY, USERS, Client, sign_in, wait_for
from vitaal.io.folder import read_model
from vitaal.store import open_store
from vitaal.web import WebConfig, create_app
from vitaal.web.accounts import create_user

OUTAGE = """id: outage
name: Substation 1 out
kind: shock
horizon_h: 48
events:
  - {target: ss-1, time_h: 1}
"""
NORTH = """- id: plan-north
  title: North gardens
  owner: Town council
  areas: [area-north]
  homes: {2027: 800, 2029: 1500}
  result_known: true
  repetitive: true
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = Path(shutil.copytree(TINY, tmp_path_factory.mktemp("cmp") / "model"))
    (model / "scenarios" / "outage.yaml").write_text(OUTAGE, encoding="utf-8")
    plans = model / "plans.yaml"
    plans.write_text(plans.read_text(encoding="utf-8") + NORTH, encoding="utf-8")
    return model


@pytest.fixture(scope="module")
def web(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('cmpdb') / 'web.db'}"
    store = open_store(url)
    store.import_model(read_model(folder), author="setup", message="tiny and more")
    for name, (role, org) in USERS.items():
        create_user(store, name, role=role, password=PASSWORD, created_by="setup", organisation=org)
    application = create_app(WebConfig(db_url=url, workers="thread", max_workers=2), store)
    with TestClient(application):
        yield application
    store.close()


@pytest.fixture(scope="module")
def users(web: FastAPI) -> dict[str, Client]:
    return {name: sign_in(web, name) for name in ("pim", "vic", "ann")}


def _cli(*args: str) -> dict[str, Any]:
    res = run("compare", *args, "--json")
    assert res.exit_code == 0, res.output
    return dict(json.loads(res.output))


def _web(c: Client, kind: str, a: str, b: str) -> dict[str, Any]:
    r = c.write("POST", "/api/compare/runs", json={"kind": kind, "a": a, "b": b})
    assert r.status_code == 202, r.text
    done = wait_for(c, r.json()["id"])
    assert done["job"]["status"] == "done", done["job"]
    return dict(done["compared"])


def test_two_scenarios_as_the_command_compares_them(folder: Path, users: dict[str, Client]) -> None:
    cli = _cli("flood", "outage", "--model", str(folder))
    web = _web(users["pim"], "scenarios", "flood", "outage")
    assert web["comparison"] == cli
    # not two equal sides: the flood fails Substation 2, the outage Substation 1, which feeds
    # the treatment plant and its control
    assert cli["kind"] == "scenarios"
    assert not cli["equal"]
    assert cli["flags"]
    # every flag of both sides per system, those that differ marked
    differs = {(f["context"], f["system"]) for f in cli["flags"]}
    rows = {(s["context"], s["system"]): s for s in web["systems"]}
    assert differs <= set(rows)
    assert {k for k, s in rows.items() if s["differs"]} == differs
    for f in cli["flags"]:
        assert (rows[(f["context"], f["system"])]["a"], rows[(f["context"], f["system"])]["b"]) == (
            f["a"],
            f["b"],
        )
    # a viewer reads the finished comparison, in Dutch too
    vic = users["vic"]
    job = vic.get("/api/compare/choices").json()
    assert [s["id"] for s in job["scenarios"]] == ["flood", "outage"]
    assert [p["id"] for p in job["plans"]] == ["plan-harbour", "plan-north"]


def test_two_plans_as_the_command_compares_them(folder: Path, users: dict[str, Client]) -> None:
    cli = _cli("plan:plan-harbour", "plan:plan-north", "--model", str(folder))
    web = _web(users["ann"], "plans", "plan-harbour", "plan-north")
    assert web["comparison"] == cli
    assert cli["kind"] == "plans"
    assert not cli["equal"]


def test_rights_and_bad_input(users: dict[str, Client]) -> None:
    vic, pim = users["vic"], users["pim"]
    body = {"kind": "scenarios", "a": "flood", "b": "outage"}
    r = vic.write("POST", "/api/compare/runs", json=body)
    assert r.status_code == 403, r.text
    r = pim.write("POST", "/api/compare/runs", json={**body, "b": "nope"})
    assert r.status_code == 422
    assert "b: found 'nope', expected a scenario of version 1 (flood, outage)" in r.text
    r = pim.write("POST", "/api/compare/runs", json={**body, "kind": "plans"})
    assert r.status_code == 422
    assert "a: found 'flood', expected a plan" in r.text
    r = pim.write("POST", "/api/compare/runs", json={"kind": "versions", "a": "1", "b": "9"})
    assert r.status_code == 422
    assert "b: found '9', expected a version from 1 to 1" in r.text
    r = pim.write("POST", "/api/compare/runs", json={**body, "kind": "models"})
    assert r.status_code == 422
    # without the CSRF token, no run
    r = pim.http.post("/api/compare/runs", json=body)
    assert r.status_code == 403


def _token(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_pages_in_both_languages(web: FastAPI, users: dict[str, Client]) -> None:
    viewer = TestClient(web)
    viewer.post("/api/session", json={"username": "vic", "password": PASSWORD})
    page = viewer.get("/compare").text
    assert 'id="compare-read-only"' in page
    assert 'action="/compare/run"' not in page
    planner = TestClient(web)
    planner.post("/api/session", json={"username": "pim", "password": PASSWORD})
    page = planner.get("/compare").text
    form = {"csrf": _token(page), "kind": "scenarios", "a": "flood", "b": "outage"}
    r = planner.post("/compare/run", data=form, follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    wait_for(users["pim"], job_id)
    html = planner.get(f"/jobs/{job_id}").text
    assert "Comparison: flood (A) – outage (B)" in html
    assert 'id="compare-flags"' in html
    assert "Flags per system" in html
    planner.cookies.set("vitaal_lang", "nl")
    html = planner.get(f"/jobs/{job_id}").text
    assert "Vergelijking: flood (A) – outage (B)" in html
    assert "Vlaggen per systeem" in html
    # a bad id: the message on the page, nothing started
    r = planner.post("/compare/run", data={**form, "b": "nope"})
    assert r.status_code == 422
    assert "b: found &#39;nope&#39;" in r.text or "b: found 'nope'" in r.text


def test_two_versions_as_the_command_compares_two_folders(
    folder: Path, users: dict[str, Client], tmp_path: Path
) -> None:
    """Last: it makes version 2 (the grid station's end of life two years earlier)."""
    ann = users["ann"]
    body = {"base": 1, "fields": {"end_of_life_year": "2033"}}
    assert ann.write("PUT", "/api/components/gs-1", json=body).json() == {"version": 2}
    after = Path(shutil.copytree(folder, tmp_path / "after"))
    edit(after, "components/grid.csv", "3,1975,2035,8,40000000", "3,1975,2033,8,40000000")
    cli = _cli(str(folder), str(after))
    web = _web(ann, "versions", "1", "2")
    mine = web["comparison"]
    assert (mine["a"], mine["b"]) == ("1", "2")
    strip = ("a", "b")
    assert {k: v for k, v in mine.items() if k not in strip} == {
        k: v for k, v in cli.items() if k not in strip
    }
    assert [c["id"] for c in mine["decisions"]["changed"]] == ["decision:replacement:gs-1"]
