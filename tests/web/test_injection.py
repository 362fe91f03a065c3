"""The web app's pages that insert the report's SVG as markup (the map and dependencies, the
page of a scenario run, the plan intake's map, a component's dependency diagram) show a model
whose every name holds an injection payload as text, never as markup.

The figures are drawn by the report's own SVG code (``vitaal.report.svg``), which escapes
every model text (``tests/report/test_injection.py`` checks the report); here the tiny
model with a payload in every name is stored, served, and the page parsed as a browser gets
it: every script element is the app's own file, no event-handler attribute, no image, no
``javascript:`` URL, and the payloads stand in the page escaped.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.report.test_injection import PAYLOADS, TINY, _Elements
from tests.web.conftest import PASSWORD, sign_in
from vitaal.io.folder import read_model
from vitaal.model.model import Model
from vitaal.store import open_store
from vitaal.web import WebConfig, create_app
from vitaal.web.accounts import create_user


def _named_model() -> Model:
    """The tiny model with an injection payload in the name of every system, area, critical
    function and component: the texts the map and the dependency diagram draw (and that a
    stored model must read back as they are)."""
    model = read_model(TINY)
    n = itertools.count()

    def poison(table: dict[str, Any]) -> dict[str, Any]:
        return {
            k: dataclasses.replace(r, name=f"{r.name or k} {PAYLOADS[next(n) % len(PAYLOADS)]}")
            for k, r in table.items()
        }

    return dataclasses.replace(
        model,
        systems=poison(model.systems),
        areas=poison(model.areas),
        critical_functions=poison(model.critical_functions),
        components=poison(model.components),
    )


@pytest.fixture(scope="module")
def poisoned_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web-poisoned') / 'web.db'}"
    store = open_store(url)
    model = _named_model()
    store.import_model(model, author="setup", message="poisoned")
    create_user(store, "vic", role="viewer", password=PASSWORD, created_by="setup")
    create_user(store, "ann", role="analyst", password=PASSWORD, created_by="setup")
    application = create_app(WebConfig(db_url=url, workers="thread", max_workers=1), store)
    with TestClient(application):
        yield application
    store.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_map_page_shows_payloads_as_text(poisoned_app: FastAPI, lang: str) -> None:
    vic = sign_in(poisoned_app, "vic")
    r = vic.get("/map", params={"lang": lang})
    assert r.status_code == 200, r.text
    page = r.text
    # beside the figures, a layer switch's colour swatch (a square of the system's colour,
    # no text) is an SVG too
    swatches = re.findall(r'<svg class="swatch"[^>]*>(.*?)</svg>', page)
    assert all(re.fullmatch(r"<rect [^<>]*/>", s) for s in swatches)
    _only_escaped_markup(page, own_svgs=len(swatches))
    assert 'data-figure="map"' in page


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_scenario_page_shows_payloads_as_text(poisoned_app: FastAPI, lang: str) -> None:
    # the page of a scenario run inserts the run's map and dependency figures as markup too
    from tests.web.conftest import wait_for

    ann = sign_in(poisoned_app, "ann")
    r = ann.write("POST", "/api/scenarios/flood/runs")
    assert r.status_code == 202, r.text
    job = r.json()["id"]
    assert wait_for(ann, job)["job"]["status"] == "done"
    r = ann.get(f"/jobs/{job}", params={"lang": lang})
    assert r.status_code == 200, r.text
    page = r.text
    assert 'id="scenario-map"' in page
    # beside the drawn figures, the page's own recovery chart (template markup, escaped)
    _only_escaped_markup(page, own_svgs=page.count('<svg class="chart" id="recovery"'))


def _only_escaped_markup(page: str, own_svgs: int = 0) -> None:
    """The checks of every page here: scripts only as the app's own files, no event-handler
    attribute, no image, no ``javascript:`` URL, every SVG but the page's ``own_svgs`` a
    figure of the escaping SVG code, and a payload standing in the page as text."""
    parser = _Elements()
    parser.feed(page)
    assert page.count("<script") == page.count('<script src="/')
    assert "img" not in parser.tags
    assert [a for a in parser.attrs if a.startswith("on")] == []
    assert [u for u in parser.urls if u.strip().lower().startswith("javascript:")] == []
    assert page.count("<svg ") == page.count('<svg class="figure"') + own_svgs
    assert "&lt;script&gt;alert(" in page


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("path", ["/intake", "/components/ss-1/dependencies"])
def test_intake_and_dependency_pages_show_payloads_as_text(
    poisoned_app: FastAPI, path: str, lang: str
) -> None:
    # the plan intake draws the map to draw on; a component's page of dependencies draws its
    # suppliers and users: both insert their SVG as markup
    ann = sign_in(poisoned_app, "ann")
    r = ann.get(path, params={"lang": lang})
    assert r.status_code == 200, r.text
    assert "<svg " in r.text
    _only_escaped_markup(r.text)
