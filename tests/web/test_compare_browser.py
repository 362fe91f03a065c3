"""Comparing by results and a component's dependency diagram in real headless Chromium, against
the app of ``tests/web/test_browser.py`` (its server with worker processes and its browser).
An analyst moves the grid station's end of life from 2035 to 2033 (version 2); comparing
versions 1 and 2 by their results shows the replacement decision changed (decide by 2027, then
2025: ``tests/cli/test_compare_cli.py`` works it out), in both languages. From Substation 1's
page its diagram shows its supplier and users, and a node leads to that component's page.
Screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser import Visit, browser, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def test_compare_two_versions_and_zoom_in(server: str, browser: Any) -> None:  # noqa: F811
    v = Visit(browser, server)
    v.sign_in("ann")
    page = v.page
    csrf = page.request.get(server + "/api/me").json()["csrf"]
    r = page.request.put(
        server + "/api/components/gs-1",
        data={"base": 1, "fields": {"end_of_life_year": "2033"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status == 200, r.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang, changed in (("en", "Decide by 2027 → 2025"), ("nl", "Besluiten voor 2027 → 2025")):
        page.goto(server + "/compare")
        if lang == "nl":
            page.click("#lang-nl")
            page.wait_for_selector("html[lang=nl]")
        form = page.locator("#compare-versions")
        form.locator("select[name=a]").select_option("1")
        form.locator("select[name=b]").select_option("2")
        form.locator("button[type=submit]").click()
        # the comparison runs in a worker; the page polls and reloads when it is done
        page.wait_for_selector("#compared", timeout=900_000)
        assert page.locator("#compared").get_attribute("data-equal") == "false"
        item = page.locator('#compare-decisions li[data-id="decision:replacement:gs-1"]')
        assert changed in item.inner_text()
        page.screenshot(path=str(SHOTS / f"compare-versions-{lang}.png"), full_page=True)
    page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    page.goto(server + "/components/ss-1")
    page.click("#dependencies")
    page.wait_for_selector("svg[data-figure=component-dependencies]")
    nodes = page.locator("svg[data-figure=component-dependencies] g.node")
    drawn = {nodes.nth(i).get_attribute("data-node") for i in range(nodes.count())}
    # depth 2 from ss-1 (supply.csv): its supplier gs-1; its users area-north, hosp-1,
    # wtp-1, scada-1; and the treatment plant's main-1
    assert drawn == {"ss-1", "gs-1", "area-north", "hosp-1", "wtp-1", "scada-1", "main-1"}
    page.screenshot(path=str(SHOTS / "component-dependencies-en.png"), full_page=True)
    page.locator('svg[data-figure=component-dependencies] a[href="/components/gs-1"]').click()
    page.wait_for_url(server + "/components/gs-1")
    v.close()
