"""The dependency diagram zoomed in on one component, on the tiny model. The expected nodes are
worked out by hand from tests/data/tiny/supply.csv:

    gs-1 -> ss-1, ss-2; ss-1 -> area-north, hosp-1, wtp-1, scada-1; ss-2 -> area-north,
    area-south, hosp-1 (area-north and hosp-1 as backup); scada-1 -> wtp-1 (control);
    wtp-1 -> main-1 -> tower-1 -> area-north, area-south, hosp-1
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from tests.web.conftest import TINY, Client
from vitaal.io.folder import read_model
from vitaal.report.svg.component_graph import draw_component_graph, neighbourhood


def _drawn(svg: str) -> dict[str, int]:
    return {n: int(h) for n, h in re.findall(r'data-node="([^"]+)" data-hop="(-?\d+)"', svg)}


@pytest.mark.parametrize(
    ("centre", "depth", "up", "down"),
    [
        ("ss-1", 1, {"gs-1": 1}, {"area-north": 1, "hosp-1": 1, "wtp-1": 1, "scada-1": 1}),
        (
            "ss-1",
            2,
            {"gs-1": 1},
            {"area-north": 1, "hosp-1": 1, "wtp-1": 1, "scada-1": 1, "main-1": 2},
        ),
        (
            "ss-1",
            4,
            {"gs-1": 1},
            {
                "area-north": 1,
                "hosp-1": 1,
                "wtp-1": 1,
                "scada-1": 1,
                "main-1": 2,
                "tower-1": 3,
                "area-south": 4,
            },
        ),
        ("wtp-1", 1, {"ss-1": 1, "scada-1": 1}, {"main-1": 1}),
        ("wtp-1", 2, {"ss-1": 1, "scada-1": 1, "gs-1": 2}, {"main-1": 1, "tower-1": 2}),
        ("tower-1", 1, {"main-1": 1}, {"area-north": 1, "area-south": 1, "hosp-1": 1}),
    ],
)
def test_the_nodes_within_the_depth(
    clients: dict[str, Client],
    centre: str,
    depth: int,
    up: dict[str, int],
    down: dict[str, int],
) -> None:
    data = clients["vic"].get(f"/api/components/{centre}/dependencies?depth={depth}").json()
    assert {n["id"]: n["hop"] for n in data["upstream"]} == up
    assert {n["id"]: n["hop"] for n in data["downstream"]} == down
    assert data["hidden"] == 0
    # the figure draws exactly these, upstream at negative hops, and the links between them
    assert _drawn(data["svg"]) == {
        centre: 0,
        **{n: -h for n, h in up.items()},
        **down,
    }
    shown = {centre, *up, *down}
    links = set(re.findall(r'data-link="([^"]+)"', data["svg"]))
    supply = [
        line.split(",")
        for line in (TINY / "supply.csv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    expected = {f"{s}&gt;{c}|{r}" for s, c, r, _ in supply if s in shown and c in shown}
    assert links == expected


def test_the_page_links_and_limits(clients: dict[str, Client]) -> None:
    c = clients["vic"]
    html = c.get("/components/ss-1/dependencies?depth=2").text
    assert '<a href="/components/gs-1">' in html
    assert '<a href="/components/main-1">' in html
    assert 'href="/components/area-north"' not in html  # a service area has no page
    assert 'id="dependencies"' in c.get("/components/ss-1").text
    for depth in (0, 7):
        r = c.get(f"/api/components/ss-1/dependencies?depth={depth}")
        assert r.status_code == 422
    r = c.get("/components/ss-1/dependencies?depth=9")
    assert r.status_code == 422
    assert "depth: found 9, expected 1 to 6 hops" in r.text
    assert c.get("/api/components/nope/dependencies").status_code == 404
    r = c.get("/dependencies?component=wtp-1&depth=3", follow_redirects=False)
    assert r.headers["location"] == "/components/wtp-1/dependencies?depth=3"
    c.http.cookies.set("vitaal_lang", "nl")
    try:
        html = c.get("/components/ss-1/dependencies").text
    finally:
        c.http.cookies.delete("vitaal_lang")
    assert "Afhankelijkheden van Substation 1" in html


def test_the_cap_and_escaping() -> None:
    model = read_model(TINY)
    hood = neighbourhood(model, "ss-1", depth=4, limit=3)
    # the nearest first: the supplier, then the first two users in supply.csv's order
    assert hood.hops == {"ss-1": 0, "gs-1": -1, "area-north": 1, "hosp-1": 1}
    assert hood.hidden == 5  # wtp-1, scada-1, main-1, tower-1, area-south
    evil = "<script>alert(1)</script>"
    model.components["gs-1"] = dataclasses.replace(model.components["gs-1"], name=evil)
    labels: dict[str, Any] = {"more": "%(n)s more"}
    svg = draw_component_graph(model, hood, label=evil, labels=labels, system_names={})
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert ">5 more</text>" in svg
