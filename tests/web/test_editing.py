"""Adding and removing components, requirements and supply links in the API and the pages,
as every role, on the tiny model (electricity and its subsystem el-grid are the Grid
company's, for which gus speaks; drinking water, dw-supply, the Water company's: wil)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.web.conftest import USERS, Client

ALL = tuple(USERS)


def _version(c: Client) -> int:
    return int(c.get("/api/components?limit=1").json()["version"])


def _audit(c: Client, version: int, kind: str, key: str) -> list[tuple[str, str]]:
    r = c.get("/api/audit", params={"version": version, "kind": kind, "key": key})
    return [(e["action"], e["author"]) for e in r.json()["entries"]]


def _component(cid: str, subsystem: str) -> dict[str, str]:
    return {
        "id": cid,
        "name": f"Pump {cid}",
        "subsystem": subsystem,
        "kind": "substation" if subsystem == "el-grid" else "pumping_station",
        "geometry": "POINT (92600 437600)",
        "condition": "2",
    }


@pytest.mark.parametrize(
    ("user", "subsystem", "status"),
    [
        ("ada", "el-grid", 201),
        ("ann", "dw-supply", 201),
        ("gus", "el-grid", 201),
        ("gus", "dw-supply", 403),
        ("wil", "dw-supply", 201),
        ("wil", "el-grid", 403),
        ("pim", "el-grid", 403),
        ("vic", "dw-supply", 403),
    ],
)
def test_add_a_component(
    clients: dict[str, Client], user: str, subsystem: str, status: int
) -> None:
    ann = clients["ann"]
    before = _version(ann)
    cid = f"new-{user}-{subsystem}"
    body = {"base": before, "fields": _component(cid, subsystem)}
    r = clients[user].write("POST", "/api/components", json=body)
    assert r.status_code == status, r.text
    got = ann.get(f"/api/components/{cid}")
    if status != 201:
        assert got.status_code == 404
        assert _version(ann) == before
        return
    assert r.json() == {"version": before + 1, "key": cid}
    data = got.json()
    assert data["version"] == before + 1
    assert data["fields"]["condition"] == "2"
    assert data["fields"]["geometry"] == "POINT (92600 437600)"
    assert _audit(ann, before + 1, "components", cid) == [("add", user)]


def test_a_bad_field_and_a_taken_key_are_messages(clients: dict[str, Client]) -> None:
    ann = clients["ann"]
    before = _version(ann)
    bad = {**_component("pump-9", "dw-supply"), "condition": "9"}
    r = ann.write("POST", "/api/components", json={"base": before, "fields": bad})
    assert r.status_code == 422, r.text
    assert r.json()["problems"] == {
        "condition": ["found '9', expected a NEN 2767 condition score 1-6"]
    }
    taken = _component("ss-1", "el-grid")
    r = ann.write("POST", "/api/components", json={"base": before, "fields": taken})
    assert r.status_code == 422
    assert r.json()["problems"] == {
        "id": ["found 'ss-1', which components already holds, expected a new key"]
    }
    # nothing written: ss-1 is as it was, and no version was made
    assert ann.get("/api/components/ss-1").json()["record"]["name"] == "Substation 1"
    assert ann.get("/api/components/pump-9").status_code == 404
    assert _version(ann) == before


def _post_record(c: Client, kind: str, fields: dict[str, str]) -> Any:
    return c.write("POST", f"/api/records/{kind}", json={"base": _version(c), "fields": fields})


def test_add_links_and_requirements_as_their_owners(clients: dict[str, Client]) -> None:
    wil, gus, vic = clients["wil"], clients["gus"], clients["vic"]
    need = {"consumer": "main-1", "resource": "electricity", "buffer_h": "6"}
    # the main needs power that nothing brings it yet: the model's validation says so
    r = _post_record(wil, "requirements", need)
    assert r.status_code == 422, r.text
    assert r.json()["problems"]["resource"] == [
        (
            "found 'main-1' needs electricity but has no supplier of it, expected at least one "
            "supply link to it for this resource"
        )
    ]
    link = {"supplier": "ss-2", "consumer": "main-1", "resource": "electricity"}
    assert _post_record(vic, "supply", link).status_code == 403
    # the Grid company's substation feeds the Water company's main: either owner may link them
    r = _post_record(gus, "supply", link)
    assert r.status_code == 201, r.text
    assert r.json()["key"] == "ss-2>main-1|electricity"
    assert _audit(vic, r.json()["version"], "supply", "ss-2>main-1|electricity") == [("add", "gus")]
    # the main is the Water company's: gus may not say what it needs, wil may
    assert _post_record(gus, "requirements", need).status_code == 403
    r = _post_record(wil, "requirements", need)
    assert r.status_code == 201, r.text
    got = vic.get(f"/api/records/requirements/{quote('main-1|electricity', safe='')}").json()
    assert got["record"]["buffer_h"] == 6
    # the same key again is a message
    r = _post_record(wil, "requirements", need)
    assert r.status_code == 422
    assert "already holds" in r.json()["problems"]["consumer"][0]
    assert (
        clients["ann"]
        .write("POST", "/api/records/plans", json={"base": 1, "fields": {}})
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("user", "subsystem", "status"),
    [
        ("ada", "el-grid", 200),
        ("ann", "dw-supply", 200),
        ("gus", "el-grid", 200),
        ("gus", "dw-supply", 403),
        ("wil", "dw-supply", 200),
        ("wil", "el-grid", 403),
        ("pim", "el-grid", 403),
        ("vic", "dw-supply", 403),
    ],
)
def test_remove_a_component(
    clients: dict[str, Client], user: str, subsystem: str, status: int
) -> None:
    ann = clients["ann"]
    cid = f"old-{user}-{subsystem}"
    body = {"base": _version(ann), "fields": _component(cid, subsystem)}
    assert ann.write("POST", "/api/components", json=body).status_code == 201
    before = _version(ann)
    r = clients[user].write("DELETE", f"/api/components/{cid}?base={before}")
    assert r.status_code == status, r.text
    got = ann.get(f"/api/components/{cid}")
    if status != 200:
        assert got.status_code == 200
        assert _version(ann) == before
        return
    assert r.json() == {"version": before + 1}
    assert got.status_code == 404
    assert _audit(ann, before + 1, "components", cid) == [("remove", user)]
    # the version before still holds it
    assert any(
        e["action"] == "add"
        for e in ann.get(f"/api/audit?kind=components&key={cid}").json()["entries"]
    )


def test_a_removal_that_leaves_references_is_refused_with_the_referrers(
    clients: dict[str, Client],
) -> None:
    ann = clients["ann"]
    before = _version(ann)
    r = ann.write("DELETE", f"/api/components/gs-1?base={before}")
    assert r.status_code == 422, r.text
    messages = r.json()["problems"][""]
    # gs-1 feeds both substations, is in the coupling with the treatment plant and gives off
    # heat (tests/data/tiny: supply.csv, couplings.yaml, side_outputs.yaml)
    assert messages[0].startswith(
        "found 'gs-1' still named by supply gs-1>ss-1|electricity, supply gs-1>ss-2|electricity"
    )
    assert "couplings cpl-gs-wtp" in messages[0]
    assert "side_outputs so-gs-heat" in messages[0]
    assert "so-gs-heat component: found 'gs-1', expected an existing component id" in messages
    assert ann.get("/api/components/gs-1").status_code == 200
    assert _version(ann) == before
    # a supply link whose loss leaves a need unmet names the requirement
    key = quote("scada-1>wtp-1|control", safe="")
    r = ann.write("DELETE", f"/api/records/supply/{key}?base={before}")
    assert r.status_code == 422
    assert r.json()["problems"][""] == [
        (
            "wtp-1|control resource: found 'wtp-1' needs control but has no supplier of it, "
            "expected at least one supply link to it for this resource"
        )
    ]


def test_a_removal_of_a_record_changed_since_is_a_conflict(clients: dict[str, Client]) -> None:
    ann, ada = clients["ann"], clients["ada"]
    body = {"base": _version(ann), "fields": _component("pump-c", "dw-supply")}
    assert ann.write("POST", "/api/components", json=body).status_code == 201
    seen = _version(ann)
    r = ada.write(
        "PUT", "/api/components/pump-c", json={"base": seen, "fields": {"condition": "5"}}
    )
    assert r.status_code == 200
    r = ann.write("DELETE", f"/api/components/pump-c?base={seen}")
    assert r.status_code == 409, r.text
    [conflict] = r.json()["conflicts"]
    assert conflict["their_author"] == "ada"
    assert conflict["theirs"]["condition"] == 5
    assert conflict["yours"] is None
    assert ann.get("/api/components/pump-c").json()["fields"]["condition"] == "5"
    # having seen theirs, ann removes it over the latest version
    r = ann.write("DELETE", f"/api/components/pump-c?base={seen + 1}")
    assert r.status_code == 200
    assert ann.get("/api/components/pump-c").status_code == 404


def _csrf(page: str) -> str:
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_the_pages_add_and_remove(clients: dict[str, Client]) -> None:
    gus = clients["gus"].http
    form = gus.get("/components/new")
    assert form.status_code == 200
    assert '<option value="el-grid">' in form.text
    assert 'value="dw-supply"' not in form.text
    fields = {**_component("page-1", "el-grid"), "condition": "0"}
    base = str(_version(clients["gus"]))
    r = gus.post("/components/new", data={**fields, "csrf": _csrf(form.text), "base": base})
    assert r.status_code == 422
    assert 'id="err-condition"' in r.text
    assert "NEN 2767" in r.text
    assert 'value="page-1"' in r.text  # the form keeps what was typed
    fields["condition"] = "3"
    r = gus.post(
        "/components/new",
        data={**fields, "csrf": _csrf(form.text), "base": base},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/components/page-1?saved={int(base) + 1}"
    page = gus.get("/components/page-1").text
    assert 'id="remove"' in page
    confirm = gus.get("/components/page-1/remove")
    assert 'id="confirm-question"' in confirm.text
    r = gus.post(
        "/components/page-1/remove",
        data={"csrf": _csrf(confirm.text), "base": str(int(base) + 1)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert gus.get("/components/page-1").status_code == 404
    # refused: what still refers to it, next to the button
    confirm = gus.get("/components/gs-1/remove")
    r = gus.post("/components/gs-1/remove", data={"csrf": _csrf(confirm.text), "base": base})
    assert r.status_code == 422
    assert "supply gs-1&gt;ss-1|electricity" in r.text
    # a planner gets no form, a system owner no remove button on another's component
    assert clients["pim"].http.get("/components/new").status_code == 403
    assert 'id="remove"' not in clients["wil"].http.get("/components/gs-1").text
    assert clients["wil"].http.get("/components/gs-1/remove").status_code == 403


def test_the_remove_page_shows_both_versions_and_lets_choose(clients: dict[str, Client]) -> None:
    ann, ada = clients["ann"], clients["ada"]
    body = {"base": _version(ann), "fields": _component("pump-p", "dw-supply")}
    assert ann.write("POST", "/api/components", json=body).status_code == 201
    confirm = ann.http.get("/components/pump-p/remove")
    seen = _version(ann)
    r = ada.write("PUT", "/api/components/pump-p", json={"base": seen, "fields": {"name": "P2"}})
    assert r.status_code == 200
    r = ann.http.post(
        "/components/pump-p/remove", data={"csrf": _csrf(confirm.text), "base": str(seen)}
    )
    assert r.status_code == 409
    assert 'class="theirs">P2</td>' in r.text
    assert 'action="/components/pump-p/remove"' in r.text
    assert f'name="base" value="{seen + 1}"' in r.text
    assert ann.get("/api/components/pump-p").status_code == 200
    r = ann.http.post(
        "/components/pump-p/remove",
        data={"csrf": _csrf(confirm.text), "base": str(seen + 1)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert ann.get("/api/components/pump-p").status_code == 404


@pytest.mark.parametrize(
    ("user", "link", "status"),
    [
        ("ada", "ss-1>area-south", 201),
        ("ann", "ss-2>wtp-1", 201),
        # the Grid company's substation: gus may link it to anything
        ("gus", "ss-2>scada-1", 201),
        # the Water company's tower: wil may link power to it
        ("wil", "ss-1>tower-1", 201),
        # neither end the Water company's, nor the Grid company's
        ("wil", "gs-1>area-south", 403),
        ("gus", "scada-1>hosp-1", 403),
        ("pim", "ss-1>area-south", 403),
        ("vic", "ss-1>area-south", 403),
    ],
)
def test_add_and_remove_a_supply_link(
    clients: dict[str, Client], user: str, link: str, status: int
) -> None:
    ann = clients["ann"]
    supplier, consumer = link.split(">")
    key = f"{link}|electricity"
    url = f"/api/records/supply/{quote(key, safe='')}"
    fields = {"supplier": supplier, "consumer": consumer, "resource": "electricity"}
    r = _post_record(clients[user], "supply", fields)
    assert r.status_code == status, r.text
    if status != 201:
        assert ann.get(url).status_code == 404
        # nor may it remove a link it does not own: the grid station's to substation 1 (both
        # the Grid company's), the treatment plant's to the main (both the Water company's)
        theirs = "wtp-1>main-1|drinking_water" if user == "gus" else "gs-1>ss-1|electricity"
        other = quote(theirs, safe="")
        r = clients[user].write("DELETE", f"/api/records/supply/{other}?base={_version(ann)}")
        assert r.status_code == 403
        return
    added = r.json()["version"]
    assert _audit(ann, added, "supply", key) == [("add", user)]
    r = clients[user].write("DELETE", f"{url}?base={added}")
    assert r.status_code == 200, r.text
    assert _audit(ann, added + 1, "supply", key) == [("remove", user)]
    assert ann.get(url).status_code == 404
