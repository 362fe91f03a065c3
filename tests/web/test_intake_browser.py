"""A plan through the intake to its decisions in real headless Chromium, against the app of
``tests/web/test_browser.py`` (its server with worker processes and its browser): draw the
outline by clicks on the map round the tiny model's South (a point at (92800, 436500)), a
rectangle 92650-92950 by 436450-436650 (inside the map, which ends south of South); the
form's outline is that rectangle in the model's coordinates, and the check names South and
shows the decision its homes need and its phase on the ROUTE. Screenshots go to
``artifacts/screenshots/``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser import Visit, browser, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CORNERS = [(92650, 436450), (92950, 436450), (92950, 436650), (92650, 436650)]


def _click_at(page: Any, x: float, y: float) -> None:
    """Click the map where the model point (x, y) is drawn: the figure's projection into the
    map's viewport, then the viewport's screen matrix (the page scales the map down)."""
    where = page.evaluate(
        """([x, y]) => {
            const fig = document.getElementById("draw-map");
            const d = fig.dataset;
            const px = +d.offx + (x - +d.minx) * +d.kx * +d.scale;
            const py = +d.pad + (+d.maxy - y) * +d.scale;
            const view = fig.querySelector("g.viewport");
            const p = new DOMPoint(px, py).matrixTransform(view.getScreenCTM());
            return [p.x, p.y];
        }""",
        [x, y],
    )
    page.mouse.click(where[0], where[1])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_draw_a_plan_and_see_its_decisions(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    lang: str,
) -> None:
    v = Visit(browser, server)
    v.sign_in("pim")
    page = v.page
    if lang == "nl":
        page.click("#lang-nl")
        page.wait_for_selector("html[lang=nl]")
    page.goto(server + "/intake")
    page.wait_for_selector("#draw-tools:not([hidden])")
    page.fill("#plan-title", "Kadewoningen" if lang == "nl" else "Quay homes")
    page.evaluate("document.getElementById('draw-map').scrollIntoView()")
    for x, y in CORNERS:
        _click_at(page, x, y)
    wkt = page.input_value("#plan-geometry")
    found = re.fullmatch(r"POLYGON \(\((.*)\)\)", wkt)
    assert found is not None, wkt
    ring = [tuple(float(v) for v in pair.split()) for pair in found.group(1).split(", ")]
    assert len(ring) == 5
    assert ring[0] == ring[-1]
    # within two pixels of the corners clicked (the page shows the tiny town at ~0.25 px/m)
    for (x, y), (gx, gy) in zip(CORNERS, ring[:4], strict=True):
        assert abs(gx - x) <= 8, (x, gx)
        assert abs(gy - y) <= 8, (y, gy)
    assert page.locator("#plan-areas option:checked").count() == 0
    page.fill("#plan-homes", "2027: 3000; 2028: 6000")
    page.check("#result-open")
    page.check("#custom-work")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"intake-drawn-{lang}.png"), full_page=True)
    page.click("#check-plan")
    page.wait_for_selector("#plan-lands-in", timeout=900_000)
    assert page.locator("#plan-lands-in [data-area=area-south]").inner_text() == "South"
    decisions = page.locator("#plan-decisions").inner_text()
    assert "Grid station" in decisions
    assert ("raakt op in 2028" if lang == "nl" else "runs out in 2028") in decisions
    findings = page.locator("#plan-findings").inner_text()
    assert "intake" in findings
    assert "RIT" in findings
    assert page.locator("#way [data-way]").get_attribute("data-way") == "reis"
    page.screenshot(path=str(SHOTS / f"intake-result-{lang}.png"), full_page=True)
    v.close()
