"""The web app in real headless Chromium, driven by Playwright, against ``vitaal serve``'s
app on a loopback port with worker processes: sign in, see the decisions, run a scenario and
see its flags and recovery, record a decision, edit a component as its owner and be refused as
another owner, switch the language. No request may leave for another host.

Needs a Chromium binary (Debian package ``chromium``) and Playwright; skipped without them
unless ``VITAAL_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.report.test_browser import ARGS, _browser_or_skip
from tests.web.conftest import PASSWORD, make_store
from vitaal.store import ModelStore
from vitaal.web import WebConfig, create_app

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(app: FastAPI, store: ModelStore) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port until the block ends (then the
    server stops and ``store`` is closed); yields the app's address."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < end, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)
        store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, its runs in worker processes."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'web.db'}"
    store = make_store(url)
    app = create_app(WebConfig(db_url=url, workers="process", max_workers=2), store)
    with served(app, store) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=binary, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Visit:
    """A browser context that records every request and every console error."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base + "/decisions")
        assert self.page.url.startswith(self.base + "/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("#sign-in")
        self.page.wait_for_url(self.base + "/decisions")

    def close(self) -> None:
        self.context.close()
        outside = [u for u in self.requests if not u.startswith(self.base + "/")]
        assert outside == [], outside
        assert self.errors == [], self.errors


def test_decisions_register_and_language(server: str, browser: Any, tmp_path: Path) -> None:
    v = Visit(browser, server)
    v.sign_in("gus")
    page = v.page
    # the analysis runs in a worker; the page polls its progress and reloads when done
    page.wait_for_selector("#decisions", timeout=900_000)
    rows = page.locator("#decisions tbody tr")
    assert rows.count() == 2
    grid = page.locator('tr[data-decision="decision:replacement:gs-1"]')
    assert "Grid station: replace" in grid.inner_text()
    water = page.locator('tr[data-decision="decision:single_point_of_failure:wtp-1"]')
    assert water.locator("form.record").count() == 0  # not the Grid company's decision
    grid.locator("select[name=status]").select_option("taken")
    grid.locator("input[name=note]").fill("budget 2027")
    grid.locator("button[type=submit]").click()
    page.wait_for_selector('tr[data-decision="decision:replacement:gs-1"] [data-recorded=taken]')
    page.screenshot(path=str(tmp_path / "decisions.png"))
    page.goto(server + "/register")
    assert "budget 2027" in page.locator("#register").inner_text()
    assert page.locator("#chain-ok").count() == 1
    page.click("#lang-nl")
    page.wait_for_selector("html[lang=nl]")
    assert page.locator("h1").inner_text() == "Besluitenregister"
    assert "genomen" in page.locator("#register").inner_text()
    page.goto(server + "/decisions")
    assert page.locator("h1").inner_text() == "De besluiten van de tafel"
    page.goto(server + "/subsystems/el-grid")
    assert page.locator("section.step").count() == 7
    assert page.locator("#step-1 h2").inner_text() == "1. Afbakenen en typeren"
    page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    page.goto(server + "/map")
    for figure in ("map", "dependencies"):
        box = page.locator(f"svg[data-figure={figure}]").bounding_box()
        assert box is not None, figure
        assert box["width"] > 300, figure
    page.screenshot(path=str(tmp_path / "map.png"))
    page.click("#sign-out")
    page.wait_for_url(server + "/login")
    v.close()


def test_run_a_scenario_and_see_flags(server: str, browser: Any, tmp_path: Path) -> None:
    v = Visit(browser, server)
    v.sign_in("pim")
    page = v.page
    page.goto(server + "/scenarios")
    page.locator('tr[data-scenario="flood"] button').click()
    page.wait_for_selector("#flags", timeout=900_000)
    flags = {
        li.get_attribute("data-system"): li.get_attribute("data-colour")
        for li in page.locator("#flags li").all()
    }
    assert flags["electricity"] == "red"
    assert flags["water"] == "red"
    box = page.locator("#recovery").bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert page.locator("#recovery polyline").count() == 3
    assert page.locator("#timeline tbody tr").count() >= 3
    # the failed components drawn on the map in their system's flag colour
    drawn = page.locator("svg[data-figure=scenario-map]").bounding_box()
    assert drawn is not None
    assert drawn["width"] > 300
    assert page.locator("svg[data-figure=scenario-dependencies]").count() == 1
    page.screenshot(path=str(tmp_path / "scenario.png"), full_page=True)
    v.close()


def test_plan_intake(server: str, browser: Any, tmp_path: Path) -> None:
    v = Visit(browser, server)
    v.sign_in("pim")
    page = v.page
    page.goto(server + "/intake")
    page.fill("#plan-title", "Harbour quarter")
    page.select_option("#plan-areas", ["area-south"])
    page.fill("#plan-homes", "2027: 300; 2028: 500")
    page.check("#result-open")
    page.check("#custom-work")
    page.click("#check-plan")
    page.wait_for_selector("#way", timeout=900_000)
    assert page.locator("#way [data-way]").get_attribute("data-way") == "reis"
    assert page.locator("#comply").count() == 1
    assert page.locator("#plan-flags li").count() == 3
    page.screenshot(path=str(tmp_path / "intake.png"), full_page=True)
    v.close()


def test_edit_as_owner_and_refused_as_another(server: str, browser: Any) -> None:
    owner = Visit(browser, server)
    owner.sign_in("gus")
    page = owner.page
    page.goto(server + "/components/ss-2")
    page.click("#edit")
    page.fill("#field-condition", "4")
    page.click("#save")
    page.wait_for_url("**/components/ss-2?saved=*")
    assert page.locator('td[data-field="condition"]').inner_text() == "4"
    owner.close()

    other = Visit(browser, server)
    other.sign_in("wil")
    page = other.page
    page.goto(server + "/components/ss-2")
    assert page.locator("#read-only").count() == 1
    assert page.locator("#edit").count() == 0
    response = page.goto(server + "/components/ss-2/edit")
    assert response is not None
    assert response.status == 403
    assert "may not edit" in page.locator("#error-message").inner_text()
    refused = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    other.errors.remove(refused)  # the refused page itself
    other.close()


def test_add_a_component_as_owner_and_refused_as_another(server: str, browser: Any) -> None:
    fields = {
        "id": "ss-3",
        "name": "Substation 3",
        "subsystem": "el-grid",
        "kind": "substation",
        "geometry": "POINT (93200 437300)",
    }
    owner = Visit(browser, server)
    owner.sign_in("gus")
    page = owner.page
    page.goto(server + "/components")
    page.click("#add-component")
    for name, value in fields.items():
        page.fill(f"#field-{name}", value)
    page.click("#add")
    page.wait_for_url("**/components/ss-3?saved=*")
    assert page.locator("h1").inner_text() == "Substation 3"
    assert page.locator("#remove").count() == 1
    owner.close()

    other = Visit(browser, server)
    other.sign_in("wil")
    page = other.page
    page.goto(server + "/components/new")
    for name, value in {**fields, "id": "ss-4"}.items():
        page.fill(f"#field-{name}", value)
    page.click("#add")
    page.wait_for_selector("#error-message")
    assert "may not add this component" in page.locator("#error-message").inner_text()
    refused = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    other.errors.remove(refused)
    other.close()
