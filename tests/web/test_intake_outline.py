"""The intake with an outline alone (as drawn on the map): the plan lands in the service areas
under it. The tiny model's South (area-south) is a point at (92800, 436500), inside the
harbour quarter's outline; North lies at (92600, 438000), outside it."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import Client, wait_for

HARBOUR = "POLYGON ((92500 436200, 93200 436200, 93200 436800, 92500 436800, 92500 436200))"


def _plan(c: Client, **fields: Any) -> Any:
    body = {"title": "Quay homes", "homes": "2027: 3000; 2028: 6000", **fields}
    return c.write("POST", "/api/plans/intake", json=body)


def test_an_outline_lands_in_the_areas_under_it(clients: dict[str, Client]) -> None:
    r = _plan(clients["pim"], geometry=HARBOUR, result_known=False, repetitive=False)
    assert r.status_code == 202, r.text
    done = wait_for(clients["pim"], r.json()["id"])
    plan = done["plan"]
    assert plan["areas"] == [{"id": "area-south", "name": "South"}]
    # 6,000 homes more in the south outrun the grid station (80 of 100 MW used) before a
    # reinforcement of 8 years can be ready: a red flag and the decision it needs
    assert {f["system"]: f["colour"] for f in plan["flags"]}["electricity"] == "red"
    assert [d["id"] for d in plan["decisions"]] == ["shortfall:gs-1|electricity"]
    assert plan["way_of_working"] == "reis"
    assert any(f["station"] == "intake" for f in plan["findings"])


def test_an_outline_over_no_area_is_a_message_by_the_field(clients: dict[str, Client]) -> None:
    r = _plan(clients["pim"], geometry="POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))")
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert "an outline over no service area" in " ".join(problems["geometry"])


def test_the_page_gives_the_map_and_its_projection(clients: dict[str, Client]) -> None:
    html = clients["pim"].get("/intake").text
    assert '<script src="/static/draw.js" defer></script>' in html
    frame = dict(re.findall(r'data-(minx|maxy|kx|scale|offx|pad)="([^"]+)"', html))
    f = {k: float(v) for k, v in frame.items()}

    def pixel(x: float, y: float) -> tuple[float, float]:
        return (
            f["offx"] + (x - f["minx"]) * f["kx"] * f["scale"],
            f["pad"] + (f["maxy"] - y) * f["scale"],
        )

    # the map draws South's circle where the projection given to the script puts its point
    circles = re.findall(
        r'<circle class="area" cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>South', html
    )
    assert len(circles) == 1
    cx, cy = (float(v) for v in circles[0])
    px, py = pixel(92800, 436500)
    assert abs(px - cx) < 0.06
    assert abs(py - cy) < 0.06
    assert clients["pim"].get("/static/draw.js").status_code == 200


def test_bring_the_plan_to_the_table(clients: dict[str, Client]) -> None:
    """Last in this module: it makes version 2 with the plan."""
    pim = clients["pim"]
    body = {"geometry": HARBOUR, "result_known": False, "repetitive": False}
    job = wait_for(pim, _plan(pim, **body).json()["id"])
    job_id = job["job"]["id"]
    assert job["plan"]["suggested_id"] == "plan-quay-homes"
    page = pim.get(f"/jobs/{job_id}").text
    assert 'id="store-plan"' in page
    assert 'value="plan-quay-homes"' in page
    assert 'id="store-refused"' in clients["vic"].get(f"/jobs/{job_id}").text
    url = f"/api/plans/intake/{job_id}/store"
    for name in ("vic", "gus"):
        assert clients[name].write("POST", url, json={"id": "plan-x"}).status_code == 403
    r = pim.write("POST", url, json={"id": "bad id!"})
    assert r.status_code == 422
    assert "id: found 'bad id!'" in r.text
    r = pim.write("POST", url, json={"id": "plan-harbour"})
    assert r.status_code == 422
    assert "which plans already holds" in r.text
    assert pim.write("POST", "/api/plans/intake/nope/store", json={"id": "p"}).status_code == 404
    r = pim.write("POST", url, json={"id": "plan-quay-homes"})
    assert r.status_code == 201, r.text
    assert r.json() == {"version": 2, "id": "plan-quay-homes"}
    # one of the model's plans now: to compare, in the audit trail by its author
    choices = pim.get("/api/compare/choices").json()
    assert [p["id"] for p in choices["plans"]] == ["plan-harbour", "plan-quay-homes"]
    audit = pim.get("/api/audit?version=2&kind=plans&key=plan-quay-homes").json()
    [entry] = audit["entries"]
    assert entry["author"] == "pim"
    assert entry["after"]["areas"] == ["area-south"]
    assert entry["after"]["homes"] == {"2027": 3000, "2028": 6000}
    again = pim.write("POST", url, json={"id": "plan-quay-homes"})
    assert again.status_code == 422
    # its decisions: the grid station's reinforcement waits for it (compared with the harbour)
    run = pim.write(
        "POST",
        "/api/compare/runs",
        json={"kind": "plans", "a": "plan-harbour", "b": "plan-quay-homes"},
    )
    compared = wait_for(pim, run.json()["id"])["compared"]["comparison"]
    assert [a["id"] for a in compared["agenda"]["added"]] == ["shortfall:gs-1|electricity"]
    # and in the analysis of version 2: versions 1 and 2 compared, its growth's flags are new
    run = pim.write("POST", "/api/compare/runs", json={"kind": "versions", "a": "1", "b": "2"})
    compared = wait_for(pim, run.json()["id"])["compared"]["comparison"]
    flags = {(f["context"], f["system"]): (f["a"], f["b"]) for f in compared["flags"]}
    assert flags[("plan:plan-quay-homes", "electricity")] == (None, "red")
