"""The map page in real headless Chromium: switch a system's layer off and on, click a
component and read its details (in English and in Dutch), zoom with the report's own script,
and see the base map come from the configured tile server, a second loopback server here,
and from nowhere else. Screenshots go to ``artifacts/screenshots/``.

Needs Chromium and Playwright, as ``tests/web/test_browser.py`` (whose browser and visits it
uses); skipped without them unless ``VITAAL_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser import Visit, _free_port, browser, served  # noqa: F401 - the fixture
from tests.web.test_map import sensitive_store
from vitaal.web import WebConfig, create_app

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (256, 256), (214, 226, 236)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A tile server on another loopback port: the same picture for every tile; the paths
    asked for are kept."""
    png = _png()
    asked: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: Any) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", _free_port()), Tiles)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", asked
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def map_server(
    tmp_path_factory: pytest.TempPathFactory, tile_server: tuple[str, list[str]]
) -> Iterator[str]:
    """``vitaal serve``'s app on the tiny model with ss-1 sensitive, a base map configured."""
    url = f"sqlite:///{tmp_path_factory.mktemp('map-browser') / 'web.db'}"
    store = sensitive_store(url)
    tiles = tile_server[0] + "/{z}/{x}/{y}.png"
    app = create_app(WebConfig(db_url=url, workers="thread", max_workers=1, tiles=tiles), store)
    with served(app, store) as address:
        yield address


def _centre(page: Any, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _details(page: Any) -> dict[str, str]:
    page.wait_for_selector("#details-rows")
    labels = page.locator("#details-rows dt").all_inner_texts()
    values = page.locator("#details-rows dd").all_inner_texts()
    return dict(zip(labels, values, strict=True))


def test_layers_details_zoom_and_base_map(
    map_server: str,
    tile_server: tuple[str, list[str]],
    browser: Any,  # noqa: F811
) -> None:
    tiles, asked = tile_server
    v = Visit(browser, map_server)
    v.sign_in("pim")
    page = v.page
    page.goto(map_server + "/map")
    page.wait_for_selector("#layers:not([hidden])")
    water = 'svg[data-figure=map] g[data-layer="system:water"]'
    assert page.locator(water).is_visible()
    # the planner does not see the sensitive substation; the other components are there
    assert page.locator('svg[data-figure=map] [data-id="ss-1"]').count() == 0
    assert page.locator('svg[data-figure=map] g[data-layer^="system:"] path[data-id]').count() == 6

    # a layer off: its elements (and its asset marks and labels) are hidden; on again
    page.uncheck("#layer-system-water")
    assert page.locator(water).get_attribute("display") == "none"
    assert not page.locator(water).is_visible()
    assert not page.locator('circle.asset[data-id="wtp-1"]').is_visible()
    assert page.locator('g[data-layer="system:electricity"]').is_visible()
    page.check("#layer-system-water")
    assert page.locator(water).is_visible()

    # click a component: its details in the panel, with the way to its page
    x, y = _centre(page, f'{water} path[data-id="wtp-1"]')
    page.mouse.click(x, y)
    rows = _details(page)
    assert page.locator("#details h2").inner_text() == "Treatment plant"
    assert rows["System"] == "Drinking water"
    assert rows["Kind"] == "treatment plant"
    assert rows["Capacity"] == "drinking_water: 5000 m3/h"
    assert page.locator("#details-link").get_attribute("href") == "/components/wtp-1"
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "web-map-en.png"), full_page=True)

    # zoom with the report's script: the map grows, the component is still where it is drawn
    page.locator("figure#map .map-tools button").first.click()
    assert page.locator("svg[data-figure=map]").get_attribute("data-zoom") == "2"
    x, y = _centre(page, 'g[data-layer="system:electricity"] path[data-id="ss-2"]')
    page.mouse.click(x, y)
    page.wait_for_selector('#details[data-id="ss-2"]')
    # the base map from the configured tile server only, beneath the systems
    page.wait_for_load_state("networkidle")
    assert asked, "no tile was asked for"
    assert page.locator('g[data-layer="basemap"] image').count() == len(set(asked))
    page.locator("figure#map").screenshot(path=str(SHOTS / "web-map-zoomed-en.png"))

    # in Dutch: the panel's labels and the layer switches
    page.click("#lang-nl")
    page.wait_for_selector("html[lang=nl]")
    page.wait_for_selector("#layers:not([hidden])")
    assert "Beschermingszones" in page.locator("#layers").inner_text()
    x, y = _centre(page, f'{water} path[data-id="wtp-1"]')
    page.mouse.click(x, y)
    rows = _details(page)
    assert rows["Systeem"] == "Drinking water"
    assert rows["Capaciteit"] == "drinking_water: 5000 m3/h"
    assert page.locator("#details-link").inner_text() == "Naar de pagina van dit onderdeel"
    page.screenshot(path=str(SHOTS / "web-map-nl.png"), full_page=True)
    page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    v.context.close()
    elsewhere = [u for u in v.requests if not u.startswith((map_server + "/", tiles + "/"))]
    assert elsewhere == []
    assert any(u.startswith(tiles + "/") for u in v.requests)
    assert v.errors == []
