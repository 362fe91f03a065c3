"""The browser check: the report renders in headless Chromium without one request leaving the
machine, in both languages, and its map and diagrams are drawn.

Needs a Chromium binary (Debian package ``chromium``) and Playwright for Python; skipped
without them unless ``VITAAL_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()),
    None,
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _browser_or_skip() -> str:
    required = os.environ.get("VITAAL_REQUIRE_BROWSER") == "1"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("playwright is not installed and VITAAL_REQUIRE_BROWSER=1")
        pytest.skip("playwright is not installed")
    if CHROMIUM is None:
        if required:
            pytest.fail("no chromium binary and VITAAL_REQUIRE_BROWSER=1")
        pytest.skip("no chromium binary")
    return CHROMIUM


def _ink(png: Path) -> float:
    """Share of pixels that are not (nearly) white."""
    from PIL import Image

    with Image.open(png) as im:
        grey = im.convert("L")
        hist = grey.histogram()
    total = sum(hist)
    return sum(hist[:240]) / total


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_renders_offline(tiny_reports: dict[str, Path], lang: str, tmp_path: Path) -> None:
    binary = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    index = tiny_reports[lang]
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(index.as_uri())
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.documentElement.lang") == lang
            heading = "Samenvatting" if lang == "nl" else "Summary"
            assert page.locator("#summary h2").inner_text() == heading
            for figure in ("map", "dependencies", "utilisation", "timeline", "scenario-map"):
                box = page.locator(f"svg[data-figure={figure}]").first.bounding_box()
                assert box is not None, figure
                assert box["width"] > 200, (figure, box)
                assert box["height"] > 100, (figure, box)
            # drawn, not just laid out: the map's own elements have size too
            drawn = page.evaluate(
                "Array.from(document.querySelectorAll('svg[data-figure=map] path, "
                "svg[data-figure=map] circle')).filter(e => { const b = e.getBBox(); "
                "return b.width > 0 || b.height > 0; }).length"
            )
            assert drawn >= 5
            for figure, least in (("map", 0.01), ("dependencies", 0.02), ("timeline", 0.02)):
                shot = tmp_path / f"{figure}.png"
                page.locator(f"svg[data-figure={figure}]").first.screenshot(path=str(shot))
                assert _ink(shot) > least, figure
            page.screenshot(path=str(tmp_path / "page.png"), full_page=False)
        finally:
            browser.close()
    assert requests, "the page itself is a request"
    outside = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert outside == []
