"""Bulk upload (``POST /api/uploads``, ``/upload``): a zipped model folder or one table file,
validated whole, written as one version or not at all, as every role, on the tiny model
(el-grid is the Grid company's, for which gus speaks; dw-supply the Water company's: wil)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import TINY, USERS, Client, wait_for

ALL = tuple(USERS)


def _files(changes: dict[str, str] | None = None) -> dict[str, bytes]:
    """The tiny model folder's files, with some texts replaced (path -> new text)."""
    out = {
        p.relative_to(TINY).as_posix(): p.read_bytes()
        for p in sorted(TINY.rglob("*"))
        if p.is_file()
    }
    for path, text in (changes or {}).items():
        out[path] = text.encode()
    return out


def _zip(files: dict[str, bytes], folder: str = "tiny/") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(folder + name, data)
    return buf.getvalue()


def _grid(cell: tuple[int, str, str] | None = None) -> str:
    """components/grid.csv, with the cell (row, column, value) replaced (row 1 the header)."""
    lines = (TINY / "components" / "grid.csv").read_text().splitlines()
    if cell is not None:
        row, column, value = cell
        header = lines[0].split(",")
        cells = lines[row - 1].split(",")
        cells[header.index(column)] = value
        lines[row - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _version(c: Client) -> int:
    return int(c.get("/api/components?limit=1").json()["version"])


@dataclass
class Answer:
    """An upload's answer: the HTTP status and body when it was refused at once, else (202)
    its job's ``upload`` result and, as the status, its outcome."""

    status_code: int | str
    body: dict[str, Any]

    def json(self) -> dict[str, Any]:
        return self.body


def _upload(c: Client, name: str, data: bytes, base: int | None = None, kind: str = "") -> Answer:
    form = {"base": str(base if base is not None else _version(c)), "kind": kind}
    r = c.write("POST", "/api/uploads", files={"file": (name, data)}, data=form)
    if r.status_code != 202:
        return Answer(r.status_code, r.json())
    done = wait_for(c, r.json()["id"])
    assert done["job"]["status"] == "done", done
    return Answer(done["upload"]["outcome"], done["upload"])


def _audit(c: Client, version: int) -> list[tuple[str, str, str, str]]:
    entries = c.get(f"/api/audit?version={version}").json()["entries"]
    return [(e["action"], e["kind"], e["key"], e["author"]) for e in entries]


#: the components an upload changes, each in its own file: its row in grid.csv, or the
#: name it has in water.yaml
ROW = {"gs-1": 2, "ss-1": 3, "ss-2": 4}
NAME = {"wtp-1": "Treatment plant", "tower-1": "Water tower"}


def _changed(key: str, user: str) -> dict[str, str]:
    if key in ROW:
        return {"components/grid.csv": _grid((ROW[key], "name", f"Station of {user}"))}
    text = (TINY / "components" / "water.yaml").read_text()
    return {"components/water.yaml": text.replace(f"name: {NAME[key]}", f"name: Plant of {user}")}


@pytest.mark.parametrize(
    ("user", "key", "status"),
    [
        ("ada", "ss-1", "written"),
        ("ann", "tower-1", "written"),
        ("gus", "ss-2", "written"),
        ("gus", "wtp-1", "refused"),
        ("wil", "wtp-1", "written"),
        ("wil", "gs-1", "refused"),
        ("pim", "gs-1", 403),
        ("vic", "wtp-1", 403),
    ],
)
def test_upload_a_model_folder(
    clients: dict[str, Client], user: str, key: str, status: int
) -> None:
    """Each upload is the tiny folder (version 1) with one component's name changed, made
    from version 1: as ``vitaal import --base 1``, only what it changed from version 1 is
    written over the latest version, which keeps the other uploads' changes."""
    ann = clients["ann"]
    before = _version(ann)
    current = ann.get(f"/api/components/{key}").json()["fields"]
    r = _upload(clients[user], "tiny.zip", _zip(_files(_changed(key, user))), base=1)
    assert r.status_code == status, r.body
    if status != "written":
        assert _version(ann) == before
        assert ann.get(f"/api/components/{key}").json()["fields"] == current
        if status == "refused":
            assert r.json()["detail"].startswith(f"components {key}: your organisation may not")
        return
    assert r.json() == {"name": "tiny.zip", "base": 1, "outcome": "written", "version": before + 1}
    assert _audit(ann, before + 1) == [("change", "components", key, user)]
    name = "Station" if key in ROW else "Plant"
    assert ann.get(f"/api/components/{key}").json()["fields"]["name"] == f"{name} of {user}"


def test_an_upload_over_a_record_changed_since_is_a_conflict(clients: dict[str, Client]) -> None:
    ann, ada = clients["ann"], clients["ada"]
    seen = _version(ann)
    r = ada.write("PUT", "/api/components/ss-2", json={"base": seen, "fields": {"condition": "4"}})
    assert r.status_code == 200
    r = _upload(ann, "tiny.zip", _zip(_files(_changed("ss-2", "ann"))), base=seen)
    assert r.status_code == "conflict", r.body
    [conflict] = r.json()["conflicts"]
    assert (conflict["key"], conflict["their_author"]) == ("ss-2", "ada")
    assert _version(ann) == seen + 1


def test_an_upload_with_one_bad_row_writes_nothing(clients: dict[str, Client]) -> None:
    ann = clients["ann"]
    before = _version(ann)
    files = _files({"components/grid.csv": _grid((3, "condition", "9"))})
    r = _upload(ann, "tiny.zip", _zip(files))
    assert r.status_code == "problems", r.body
    problems = r.json()["problems"]
    assert {
        "file": "components/grid.csv",
        "row": 3,
        "column": "condition",
        "record": "ss-1",
        "found": "'9'",
        "expected": "a NEN 2767 condition score 1-6",
    } in problems
    assert _version(ann) == before
    # a reference to nowhere is found by the whole model's validation, with its place
    supply = (TINY / "supply.csv").read_text().replace("gs-1,ss-2,", "gs-9,ss-2,")
    r = _upload(ann, "tiny.zip", _zip(_files({"supply.csv": supply})))
    assert r.status_code == "problems"
    [bad] = [p for p in r.json()["problems"] if p["file"] == "supply.csv"]
    assert (bad["row"], bad["column"]) == (3, "supplier")
    assert "gs-9" in bad["found"]
    assert _version(ann) == before


@pytest.mark.parametrize(
    "name", ["../evil.yaml", "tiny/../../evil.yaml", "/etc/evil.yaml", "tiny\\..\\evil.yaml"]
)
def test_a_zip_with_a_path_outside_the_folder_is_refused(
    clients: dict[str, Client], name: str
) -> None:
    ann = clients["ann"]
    before = _version(ann)
    files = _files()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path, data in files.items():
            z.writestr("tiny/" + path, data)
        z.writestr(zipfile.ZipInfo(name), b"- id: x\n")
    r = _upload(ann, "tiny.zip", buf.getvalue())
    assert r.status_code == 422
    assert r.json()["detail"].startswith(f"{name}: found ")
    assert "expected paths inside the model folder" in r.json()["detail"]
    assert _version(ann) == before
    assert not (Path("/etc/evil.yaml").exists())


def test_a_zip_bomb_and_other_non_models_are_refused(clients: dict[str, Client]) -> None:
    ann = clients["ann"]
    before = _version(ann)
    files = _files({"notes.txt": "0" * (20 * 1024 * 1024)})  # 20 MB packing to some 20 kB
    r = _upload(ann, "tiny.zip", _zip(files))
    assert r.status_code == 422
    assert r.json()["detail"].startswith("tiny/notes.txt: found an entry packed ")
    r = _upload(ann, "tiny.zip", b"PK\x03\x04 not really a zip")
    assert r.status_code == 422
    assert "found no zip file" in r.json()["detail"]
    r = _upload(ann, "model.zip", _zip({"readme.txt": b"hello"}, folder=""))
    assert r.status_code == 422
    assert "no model.yaml" in r.json()["detail"]
    r = _upload(ann, "pipes.csv", b"id\nx\n")
    assert r.status_code == 422
    assert r.json()["detail"].startswith("kind: found 'pipes', expected the table")
    assert _version(ann) == before


def test_upload_one_table(clients: dict[str, Client]) -> None:
    gus, wil, ann, pim = clients["gus"], clients["wil"], clients["ann"], clients["pim"]
    # a link from the Grid company's substation to the Water company's main: either may
    link = b"supplier,consumer,resource,role\nss-2,main-1,electricity,backup\n"
    before = _version(ann)
    assert _upload(pim, "supply.csv", link).status_code == 403
    r = _upload(gus, "supply.csv", link)
    assert r.status_code == "written", r.body
    assert _audit(ann, before + 1) == [("add", "supply", "ss-2>main-1|electricity", "gus")]
    # the table's other rows stay
    assert ann.get("/api/records/supply/gs-1%3Ess-1%7Celectricity").status_code == 200
    # a file named otherwise, with its table given; the row changed is the only entry
    link = link.replace(b"backup", b"primary")
    r = _upload(wil, "links-2026.csv", link, kind="supply")
    assert r.status_code == "written", r.body
    assert _audit(ann, before + 2) == [("change", "supply", "ss-2>main-1|electricity", "wil")]
    # a component of the other company's: the whole file is refused
    header, row = _grid((4, "name", "Substation Two")).splitlines()[0:4:3]
    r = _upload(wil, "components.csv", f"{header}\n{row}\n".encode())
    assert r.status_code == "refused"
    assert "ss-2" in r.json()["detail"]
    # one bad row: nothing, with its file, row and column
    bad = b"consumer,resource,buffer_h\nmain-1,electricity,2\nhosp-1,electricity,soon\n"
    r = _upload(ann, "requirements.csv", bad)
    assert r.status_code == "problems"
    assert [(p["file"], p["row"], p["column"]) for p in r.json()["problems"]] == [
        ("requirements.csv", 3, "buffer_h")
    ]
    assert _version(ann) == before + 2


def test_the_upload_page(clients: dict[str, Client]) -> None:
    ann = clients["ann"].http
    page = ann.get("/upload")
    assert page.status_code == 200
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    base = str(_version(clients["ann"]))
    files = _files({"components/grid.csv": _grid((3, "condition", "9"))})
    r = ann.post(
        "/upload",
        data={"csrf": csrf, "base": base},
        files={"file": ("tiny.zip", _zip(files))},
        follow_redirects=False,
    )
    assert r.status_code == 303
    job = r.headers["location"].removeprefix("/jobs/")
    wait_for(clients["ann"], job)
    r = ann.get(f"/jobs/{job}")
    assert "<td>components/grid.csv</td><td>3</td><td>condition</td>" in r.text
    assert _version(clients["ann"]) == int(base)
    r = ann.post(
        "/upload",
        data={"csrf": csrf, "base": base},
        files={"file": ("evil.zip", _zip({"../x.yaml": b"x"}, folder=""))},
    )
    assert r.status_code == 422
    assert "../x.yaml: found a path with &#39;..&#39;" in r.text
    assert clients["vic"].http.get("/upload").status_code == 403
