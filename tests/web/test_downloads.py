"""The downloads of the decisions page: the report as HTML and PDF, and the result exports
(the Excel workbook, the GeoPackage, the CSV files as a zip) of the version shown, in Dutch
and English, for every role that reads, on the tiny model.

The files are opened as people open them: the PDF's text through pypdf, the workbook with
openpyxl, the GeoPackage with GDAL (pyogrio), the zip with :mod:`zipfile`; their contents are
checked against what the API says of the same analysis.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from importlib.resources import files
from pathlib import Path
from typing import Any

import openpyxl
import pyogrio
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.web.conftest import USERS, Client, sign_in, wait_for
from vitaal.web.deps import LANG_COOKIE
from vitaal.web.i18n import translations

ALL = tuple(USERS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: format -> content type, file name (of version and language)
FILES = {
    "html": ("text/html; charset=utf-8", "vitaal-report-v{v}-{lang}.html"),
    "pdf": ("application/pdf", "vitaal-report-v{v}-{lang}.pdf"),
    "xlsx": (XLSX, "vitaal-results-v{v}-{lang}.xlsx"),
    "gpkg": ("application/geopackage+sqlite3", "vitaal-scenarios-v{v}-{lang}.gpkg"),
    "csv": ("application/zip", "vitaal-results-v{v}-{lang}-csv.zip"),
}


def url(lang: str, what: str, version: int | None = None, api: bool = True) -> str:
    query = "" if version is None else f"version={version}&"
    return f"{'/api' if api else ''}/report/{lang}?{query}format={what}"


HEADINGS = {"en": "Summary", "nl": "Samenvatting"}


def fetch(client: Client | TestClient, url: str, running: int = 202) -> Any:
    """The answer once the file is written (``running`` is the status while it is)."""
    end = time.monotonic() + 900
    while time.monotonic() < end:
        r = client.get(url)
        if r.status_code != running or "content-disposition" in r.headers:
            return r
        time.sleep(0.1)
    raise AssertionError(f"{url} was not written in 900 s")


def decisions_in(client: Client, lang: str) -> dict[str, Any]:
    client.http.cookies.set(LANG_COOKIE, lang)
    try:
        r = fetch(client, "/api/decisions")
    finally:
        client.http.cookies.delete(LANG_COOKIE)
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.mark.parametrize("user", ALL)
@pytest.mark.parametrize("what", FILES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_role_downloads_every_file(
    clients: dict[str, Client], analysed: dict[str, Any], user: str, what: str, lang: str
) -> None:
    r = fetch(clients[user], url(lang, what))
    assert r.status_code == 200, r.text
    media, name = FILES[what]
    assert r.headers["content-type"] == media
    filename = name.format(v=analysed["version"], lang=lang)
    assert r.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert len(r.content) > 1000


@pytest.mark.parametrize("what", FILES)
def test_signed_out_and_bad_requests_are_refused(
    app: FastAPI, clients: dict[str, Client], what: str
) -> None:
    anyone = TestClient(app)
    assert anyone.get(url("nl", what)).status_code == 401
    page = anyone.get(url("nl", what, api=False), follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    c = clients["vic"]
    assert c.get(url("fr", what)).status_code == 404
    latest = c.get(url("en", what, version=99))
    assert latest.status_code == 422
    assert latest.json()["detail"] == "version: found 99, expected a version from 1 to 1"
    assert c.get(url("en", what, version=0)).status_code == 422
    assert c.get(url("en", what, api=False, version=99)).status_code == 422


def test_an_unknown_format_is_refused(clients: dict[str, Client]) -> None:
    r = clients["vic"].get(url("en", "ods"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "format"]
    assert clients["vic"].get(url("en", "ods", api=False)).status_code == 404


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pdf_is_the_report_in_its_language(
    clients: dict[str, Client], analysed: dict[str, Any], lang: str
) -> None:
    r = fetch(clients["pim"], url(lang, "pdf"))
    assert r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Tiny town" in text
    assert HEADINGS[lang] in text
    other = HEADINGS["en" if lang == "nl" else "nl"]
    assert other not in text
    # the decisions are in it, in the language asked
    title = decisions_in(clients["pim"], lang)["items"][0]["title"]
    assert " ".join(title.split()[:3]) in " ".join(text.split())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_workbook_holds_the_decisions(clients: dict[str, Client], lang: str) -> None:
    first = decisions_in(clients["gus"], lang)["items"][0]
    r = fetch(clients["gus"], url(lang, "xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    assert "decisions" in book.sheetnames
    rows = list(book["decisions"].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == first["id"] == "decision:replacement:gs-1"
    assert row["rank"] == first["rank"] == 1
    assert row["title"] == first["title"]
    for column in ("consequence", "level", "way_of_working", "decide_by", "people"):
        assert row[column] == first[column], column
    assert row["owners"] == "; ".join(first["owners"]) == "Grid company"
    assert row["systems"] == "; ".join(first["systems"])
    assert len(rows) - 1 == len(decisions_in(clients["gus"], lang)["items"])


def test_the_geopackage_holds_the_failed_components(
    clients: dict[str, Client], tmp_path: Path
) -> None:
    ann = clients["ann"]
    r = fetch(ann, url("en", "gpkg"))
    path = tmp_path / "scenarios.gpkg"
    path.write_bytes(r.content)
    layers = {str(name) for name, _ in pyogrio.list_layers(path)}
    assert {"failures", "scenarios"} <= layers
    failed: set[str] = set()
    for layer in layers - {"scenarios"}:
        frame = pyogrio.read_dataframe(path, layer=layer)
        failed |= set(frame[(frame["scenario"] == "flood") & (frame["kind"] == "component")]["id"])
    # the same components fail as in a run of the flood scenario
    run = ann.write("POST", "/api/scenarios/flood/runs").json()
    nodes = wait_for(ann, run["id"])["scenario"]["nodes"]
    expected = {n["id"] for n in nodes if n["kind"] == "component"}
    assert expected
    assert failed == expected


def test_the_csv_zip_holds_the_tables(clients: dict[str, Client], analysed: dict[str, Any]) -> None:
    r = fetch(clients["wil"], url("nl", "csv"))
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        names = set(archive.namelist())
        assert {"decisions.csv", "agenda.csv", "findings.csv", "failures.csv"} <= names
        text = archive.read("decisions.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in rows] == [d["id"] for d in analysed["items"]]


def test_the_page_offers_every_download_in_both_languages(
    app: FastAPI, analysed: dict[str, Any]
) -> None:
    c = sign_in(app, "vic")
    v = analysed["version"]
    for lang, label in [
        ("nl", "Resultaten als Excel-werkmap"),
        ("en", "Results as an Excel workbook"),
    ]:
        c.http.cookies.set(LANG_COOKIE, lang)
        page = fetch(c, "/decisions", running=0).text
        assert label in page
        for other in ("nl", "en"):
            for what in FILES:
                href = url(other, what, version=v, api=False).replace("&", "&amp;")
                assert f'href="{href}"' in page, href
    # a link from the page gives the file (its progress page first, while it is written)
    r = fetch(c, url("nl", "csv", version=v, api=False), running=200)
    assert r.headers["content-type"] == "application/zip"
    assert c.get(url("nl", "ods", version=v, api=False)).status_code == 404


def _catalogue(package: str, domain: str) -> dict[str, str]:
    source = files(package).joinpath(f"locale/nl/LC_MESSAGES/{domain}.po")
    with source.open("rb") as fh:
        catalog = read_po(fh, locale="nl", domain=domain)
    return {m.id: str(m.string) for m in catalog if isinstance(m.id, str) and m.id}


def test_the_web_catalogue_is_complete() -> None:
    """Every message of the web app's templates and code has its Dutch in the web app's
    catalogue or in the report's behind it (a word the same in both languages, such as
    Status, is written out there too), with the same placeholders."""
    root = Path(__file__).resolve().parents[2] / "src" / "vitaal" / "web"
    found = {
        msg
        for _, _, msg, _, _ in extract_from_dir(
            str(root),
            [("**/templates/**.j2", "jinja2"), ("**.py", "python")],
            options_map={"**/templates/**.j2": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None},
        )
        if isinstance(msg, str)
    }
    assert {"Results as an Excel workbook", "Results as CSV files (zip)"} <= found
    dutch = {**_catalogue("vitaal.report", "vitaal"), **_catalogue("vitaal.web", "vitaal_web")}
    assert sorted(m for m in found if not dutch.get(m)) == []
    nl = translations("nl")
    for msg in found:
        placeholders = sorted(re.findall(r"%\(\w+\)\w", msg))
        assert sorted(re.findall(r"%\(\w+\)\w", nl.ugettext(msg))) == placeholders, msg
    assert nl.ugettext("Results as an Excel workbook") == "Resultaten als Excel-werkmap"


def test_a_download_is_of_the_version_asked(
    clients: dict[str, Client], analysed: dict[str, Any]
) -> None:
    """After an edit the page shows the new version; a link made before it still gives the
    version it was made for. (Last in this module: it makes version 2.)"""
    ann = clients["ann"]
    assert analysed["version"] == 1
    edit = ann.write(
        "PUT", "/api/components/ss-1", json={"base": 1, "fields": {"name": "Substation 1b"}}
    )
    assert edit.status_code == 200, edit.text
    assert edit.json()["version"] == 2
    old = fetch(ann, url("en", "csv", version=1))
    assert 'filename="vitaal-results-v1-en-csv.zip"' in old.headers["content-disposition"]
    new = fetch(ann, url("en", "pdf"))
    assert 'filename="vitaal-report-v2-en.pdf"' in new.headers["content-disposition"]
    assert b"Substation 1b" in fetch(ann, url("en", "html", version=2)).content
    assert b"Substation 1b" not in fetch(ann, url("en", "html", version=1)).content
