"""The map page and sensitive locations, on the tiny model with substation ss-1 marked
sensitive and a 60 m protection zone round grid station gs-1.

ss-1 belongs to the electricity system, the Grid company's: the administrator (ada), the
analyst (ann) and the Grid company's owner (gus) see where it is; the planner (pim), the viewer
(vic) and the Water company's owner (wil) see its service area (North, the nearest) and find
it on no map, in no answer and in no report they download.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, TINY, USERS, Client, sign_in, wait_for
from vitaal.errors import VitaalError
from vitaal.io.folder import read_model
from vitaal.model.model import Model
from vitaal.store import ModelStore, open_store
from vitaal.web import WebConfig, create_app
from vitaal.web.accounts import create_user
from vitaal.web.basemap import tile_source

SEES = {"ada", "ann", "gus"}
BLIND = {"pim", "vic", "wil"}
POINT = "POINT (92500 437500)"
TILES = "https://tiles.example.org/rd/{z}/{x}/{y}.png"


def sensitive_model() -> Model:
    """The tiny model with ss-1 sensitive and a protection zone round gs-1."""
    model = read_model(TINY)
    comps = model.components
    comps["ss-1"] = dataclasses.replace(comps["ss-1"], sensitive=True)
    comps["gs-1"] = dataclasses.replace(comps["gs-1"], protection_zone_m=60.0)
    return model


def sensitive_store(url: str) -> ModelStore:
    store = open_store(url)
    store.import_model(sensitive_model(), author="setup", message="tiny, ss-1 sensitive")
    for name, (role, org) in USERS.items():
        create_user(store, name, role=role, password=PASSWORD, created_by="setup", organisation=org)
    return store


@pytest.fixture(scope="module")
def map_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('map') / 'map.db'}"
    store = sensitive_store(url)
    app = create_app(WebConfig(db_url=url, workers="thread", max_workers=2), store)
    with TestClient(app):
        yield app
    store.close()


@pytest.fixture(scope="module")
def who(map_app: FastAPI) -> dict[str, Client]:
    return {name: sign_in(map_app, name) for name in USERS}


def test_the_sensitive_mark_is_kept_and_read_back(map_app: FastAPI) -> None:
    store: ModelStore = map_app.state.vitaal.store
    model = store.read_model(store.latest_version())
    assert model.components["ss-1"].sensitive is True
    assert model.components["ss-2"].sensitive is False


@pytest.mark.parametrize("user", sorted(USERS))
def test_component_location_by_role(who: dict[str, Client], user: str) -> None:
    data = who[user].get("/api/components/ss-1").json()
    assert data["area"] == "area-north"
    assert data["record"]["sensitive"] is True
    if user in SEES:
        assert data["location_hidden"] is False
        assert data["record"]["geometry"] == POINT
        assert data["fields"]["geometry"] == POINT
    else:
        assert data["location_hidden"] is True
        assert "geometry" not in data["record"]
        assert data["fields"]["geometry"] == ""
        assert "92500" not in str(data)
    # a component that is not sensitive: everyone sees it
    other = who[user].get("/api/components/ss-2").json()
    assert other["location_hidden"] is False
    assert other["record"]["geometry"] == "POINT (93000 437200)"


@pytest.mark.parametrize("user", sorted(USERS))
def test_map_by_role(who: dict[str, Client], user: str) -> None:
    data = who[user].get("/api/map").json()
    svg = data["map_svg"]
    # every component its own element in its system's layer; ss-1 only for those who see it
    assert ('data-id="ss-1"' in svg) is (user in SEES)
    assert data["hidden"] == (0 if user in SEES else 1)
    for cid in ("gs-1", "ss-2", "wtp-1", "tower-1", "main-1", "scada-1"):
        assert f'data-id="{cid}"' in svg, cid
    # the service area of ss-1 stays on every map
    assert 'data-id="area-north"' in svg
    layers = [x["layer"] for x in data["layers"]]
    assert layers == [
        "system:electricity",
        "system:water",
        "system:telecom",
        "areas",
        "functions",
        "plans",
        "zones",
    ]
    assert re.search(r'<g class="zones" data-layer="zones"[^>]*><circle data-id="gs-1"', svg)
    assert re.search(r'<g class="plans" data-layer="plans"[^>]*><path data-id="plan-harbour"', svg)
    # nothing from another host without a base map
    assert "http://" not in svg.replace("http://www.w3.org/", "")
    assert "https://" not in svg


def test_details_of_what_is_clicked(who: dict[str, Client]) -> None:
    ann, pim = who["ann"], who["pim"]
    d = ann.get("/api/map/features/ss-1").json()
    assert d["name"] == "Substation 1"
    assert d["link"] == "/components/ss-1"
    rows = {r["label"]: r["value"] for r in d["rows"]}
    assert rows["System"] == "Electricity"
    assert rows["Owner"] == "Grid company"
    assert rows["Capacity"] == "electricity: 40 MW"
    assert rows["Service area"] == "North"
    assert rows["Location"] == POINT
    hidden = {r["label"]: r["value"] for r in pim.get("/api/map/features/ss-1").json()["rows"]}
    assert hidden["Location"] == "not shown to your role"
    assert hidden["Service area"] == "North"
    zone = {r["label"]: r["value"] for r in pim.get("/api/map/features/gs-1").json()["rows"]}
    assert zone["Protection zone"] == "60 m"
    area = ann.get("/api/map/features/area-north").json()
    assert (area["type"], area["name"], area["link"]) == ("area", "North", None)
    assert {"label": "Population", "value": "12000"} in area["rows"]
    assert ann.get("/api/map/features/hosp-1").json()["type"] == "function"
    plan = ann.get("/api/map/features/plan-harbour").json()
    assert (plan["type"], plan["name"]) == ("plan", "Harbour quarter")
    assert ann.get("/api/map/features/nope").status_code == 404


def test_details_in_dutch(map_app: FastAPI) -> None:
    c = sign_in(map_app, "vic")
    c.http.cookies.set("vitaal_lang", "nl")
    rows = {r["label"]: r["value"] for r in c.get("/api/map/features/ss-1").json()["rows"]}
    assert rows["Systeem"] == "Electricity"
    assert rows["Capaciteit"] == "electricity: 40 MW"
    assert rows["Verzorgingsgebied"] == "North"
    assert rows["Ligging"] == "niet zichtbaar voor uw rol"
    page = c.get("/map").text
    assert "Kaartlagen" in page
    assert "Beschermingszones" in page


def test_map_page_and_component_page(map_app: FastAPI) -> None:
    ann, vic = sign_in(map_app, "ann"), sign_in(map_app, "vic")
    page = vic.get("/map").text
    # the switches are written hidden: without script the map shows every layer
    assert re.search(r'<fieldset id="layers" class="layers" hidden>', page)
    for layer in ("system-electricity", "system-water", "system-telecom", "areas", "zones"):
        assert f'id="layer-{layer}"' in page
    assert 'id="layer-basemap"' not in page
    assert '<script src="/static/report.js" defer>' in page
    assert '<script src="/static/map.js" defer>' in page
    assert 'id="hidden-note"' in page
    assert 'id="hidden-note"' not in ann.get("/map").text
    # the report's own zoom script, served by the app as the report inlines it
    from vitaal.report.writer import report_script

    js = vic.get("/static/report.js")
    assert js.status_code == 200
    assert js.headers["content-type"].startswith("text/javascript")
    assert js.text == report_script()
    assert vic.get("/static/map.js").status_code == 200
    # the component's page: its location for the analyst, its service area for the viewer
    assert POINT in ann.get("/components/ss-1").text
    shown = vic.get("/components/ss-1").text
    assert POINT not in shown
    assert 'id="location-hidden"' in shown
    assert 'data-area="area-north"' in shown


def test_scenario_map_by_role(who: dict[str, Client]) -> None:
    job = who["ada"].write("POST", "/api/scenarios/flood/runs").json()
    assert wait_for(who["ada"], job["id"])["job"]["status"] == "done"
    for user in ("ada", "pim"):
        page = who[user].get(f"/jobs/{job['id']}").text
        svg = page[page.index('data-figure="scenario-map"') :]
        svg = svg[: svg.index("</svg>")]
        assert ('data-id="ss-1"' in svg) is (user in SEES), user
        assert 'data-id="gs-1"' in svg


def _download(c: Client, url: str) -> Any:
    end = time.monotonic() + 900
    while time.monotonic() < end:
        r = c.get(url)
        if r.status_code == 200:
            return r
        assert r.status_code == 202, r.text
        time.sleep(0.2)
    raise AssertionError(f"{url} was not written in 900 s")


def test_report_downloads_leave_hidden_components_off_the_map(
    who: dict[str, Client], tmp_path: Path
) -> None:
    """The report and the GeoPackage are the command line's outputs; a reader who may not
    see a sensitive component gets them without its location (its maps leave it out, its
    failed node has no geometry), the others as ``vitaal report`` writes them."""
    import pyogrio

    full = _download(who["ann"], "/api/report/en").text
    partial = _download(who["pim"], "/api/report/en").text
    assert 'data-id="ss-1"' in full
    assert 'data-id="ss-1"' not in partial
    assert 'data-id="gs-1"' in partial
    # the rest of the report is the same: its tables still name the component
    assert "Substation 1" in partial
    for user, located in (("ann", True), ("pim", False)):
        gpkg = tmp_path / f"{user}.gpkg"
        gpkg.write_bytes(_download(who[user], "/api/report/en?format=gpkg").content)
        placed = set()
        for name, _ in pyogrio.list_layers(gpkg):
            frame = pyogrio.read_dataframe(gpkg, layer=name)
            if "geometry" in frame and "id" in frame:
                placed |= {i for i, g in zip(frame["id"], frame.geometry, strict=True) if g}
        assert ("ss-1" in placed) is located, user
        assert "gs-1" in placed


def test_a_base_map_from_the_city_tile_server(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tiles.db'}"
    store = sensitive_store(url)
    try:
        app = create_app(WebConfig(db_url=url, workers="thread", tiles=TILES), store)
        vic = sign_in(app, "vic")
        r = vic.get("/map")
        csp = r.headers["content-security-policy"]
        assert "img-src 'self' data: https://tiles.example.org;" in csp
        assert "script-src 'self';" in csp
        assert "connect-src 'self';" in csp
        hosts = set(re.findall(r"https?://([^/\"'<\s]+)", r.text)) - {"www.w3.org"}
        assert hosts == {"tiles.example.org"}
        tiles = re.findall(r'<image href="(https://tiles\.example\.org/rd/[^"]+)"', r.text)
        # web-mercator tiles over Tiny town at one zoom level, a whole rectangle of them
        zxy = {tuple(int(p.removesuffix(".png")) for p in t.split("/")[4:7]) for t in tiles}
        assert len(zxy) == len(tiles)
        (z,) = {k[0] for k in zxy}
        xs, ys = {k[1] for k in zxy}, {k[2] for k in zxy}
        assert len(zxy) == (max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1)
        # the tile under the treatment plant (RD 94000 438000), by the slippy-map formula
        # from its longitude and latitude (pyproj from RD New to WGS84)
        from pyproj import Transformer

        lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(
            94000, 438000
        )
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        assert (z, x, y) in zxy
        assert 'id="layer-basemap"' in r.text
    finally:
        store.close()


def test_a_wms_base_map_and_bad_templates() -> None:
    wms = "https://service.example.nl/wms?REQUEST=GetMap&CRS=EPSG:28992&BBOX={bbox}&WIDTH={width}&HEIGHT={height}"
    source = tile_source(wms)
    assert source is not None
    assert (source.kind, source.origin) == ("wms", "https://service.example.nl")
    from vitaal.report.svg.map import map_data
    from vitaal.web.basemap import basemap_svg

    data = map_data(sensitive_model())
    svg = basemap_svg(source, data)
    assert svg.count("<image ") == 1
    bbox = re.search(r"BBOX=([-0-9.,]+)&amp;", svg)
    assert bbox is not None
    x0, y0, x1, y1 = map(float, bbox.group(1).split(","))
    # the frame holds every component of the tiny model (RD metres)
    assert x0 < 92000 < 94000 < x1
    assert y0 < 436500 < 438100 < y1
    assert tile_source(None) is None
    for bad in ("ftp://x/{z}/{x}/{y}", "https://tiles.example.org/map.png", "/{z}/{x}/{y}"):
        with pytest.raises(VitaalError, match="tiles"):
            tile_source(bad)
    with pytest.raises(VitaalError, match="tiles"):
        create_app(WebConfig(db_url="sqlite://", tiles="https://x.example/map.png"))


def test_audit_and_comparison_by_role(who: dict[str, Client]) -> None:
    """The audit trail and the comparison of versions keep a sensitive component's location
    from those who may not see it. (Last in this module: it makes version 2.)"""
    ada, pim = who["ada"], who["pim"]
    url = "/api/audit?version=1&kind=components&key=ss-1"
    (seen,) = ada.get(url).json()["entries"]
    assert seen["after"]["geometry"] == POINT
    (kept,) = pim.get(url).json()["entries"]
    assert "geometry" not in kept["after"]
    assert kept["location_hidden"] is True
    assert kept["after"]["name"] == "Substation 1"
    base = ada.get("/api/components/ss-1").json()["version"]
    moved = "POINT (92550 437550)"
    r = ada.write("PUT", "/api/components/ss-1", json={"base": base, "fields": {"geometry": moved}})
    assert r.status_code == 200, r.text
    v = r.json()["version"]
    changed = ada.get(f"/api/compare?a={base}&b={v}").json()["kinds"]["components"]["changed"]
    assert changed == [
        {"key": "ss-1", "fields": [{"field": "geometry", "before": POINT, "after": moved}]}
    ]
    hidden = pim.get(f"/api/compare?a={base}&b={v}").json()["kinds"]["components"]["changed"]
    assert hidden == []
    for user in ("pim", "vic", "wil"):
        text = (
            who[user].get(f"/api/audit?version={v}").text + who[user].get("/audit?version=2").text
        )
        assert "92550" not in text, user
    assert "92550" in who["gus"].get(f"/api/audit?version={v}").text
