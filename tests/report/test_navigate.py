"""A report people navigate, on the bundled example (Rotterdam) in both languages.

In headless Chromium: a table sorted by a column reads in the new order (numbers, years and
euros as numbers, in the Dutch formats too), a filter leaves the rows that hold its words, the
map zooms and shows a district's label that did not fit before, and names what the pointer is
on; without script every row and the map's labels are still there. In WeasyPrint: the
decisions for the table fill the page after the title and end on it. The same pages in the
other language must hold no sentence of the catalogue of this one. Screenshots and the first
PDF pages as pictures are kept in ``artifacts/screenshots/``.

Browser tests need Chromium and Playwright; skipped without them unless
``VITAAL_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.report.test_browser import ARGS, _browser_or_skip
from tests.report.test_languages import check_contents, check_one_language
from vitaal.io.folder import read_model
from vitaal.method.analysis import run_analysis
from vitaal.report import render_html
from vitaal.report.writer import scenario_nodes

REPO = Path(__file__).resolve().parents[2]
ROTTERDAM = REPO / "examples" / "rotterdam"
SHOTS = REPO / "artifacts" / "screenshots"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rotterdam(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example's report in both languages: per language the path of index.html and its
    text; and the model's area and component names."""
    model = read_model(ROTTERDAM)
    data = run_analysis(model, model_root=ROTTERDAM).as_dict()
    nodes = scenario_nodes(model, data, ROTTERDAM)
    out: dict[str, Any] = {
        "areas": {a.name for a in model.areas.values()},
        "components": {n for c in model.components.values() for n in (c.name, c.name_nl) if n},
    }
    for lang in ("en", "nl"):
        page = render_html(data, model, lang=lang, nodes=nodes)
        folder = tmp_path_factory.mktemp(f"rotterdam-{lang}")
        (folder / "index.html").write_text(page, encoding="utf-8")
        out[lang] = (folder / "index.html", page)
    return out


def number(text: str, lang: str) -> float | None:
    """A cell's number as the page writes it: '€ 1,2 mln', '449.900', '2,5 j' in Dutch."""
    t = text.replace("\xa0", " ").strip()
    m = re.search(r"-?\d[\d.,]*", t)
    if t in ("", "–") or m is None:
        return None
    s = m.group(0)
    s = s.replace(".", "").replace(",", ".") if lang == "nl" else s.replace(",", "")
    value = float(s)
    return value * 1e6 if "mln" in t[m.end() :] else value


def _column(table: Any, col: int) -> list[str]:
    return [str(x) for x in table.locator("tbody tr").evaluate_all(
        f"rows => rows.filter(r => !r.hidden).map(r => r.cells[{col}].textContent.trim())"
    )]  # fmt: skip


def _header_index(table: Any, words: str) -> int:
    heads = [str(h).strip() for h in table.locator("thead th").all_inner_texts()]
    return next(i for i, h in enumerate(heads) if h.startswith(words))


def _ascending(values: list[float | None]) -> bool:
    known = [v for v in values if v is not None]
    # blanks last
    return known == sorted(known) and values[: len(known)] == known


def _shot(page: Any, name: str, **kw: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), **kw)


WORDS = {
    "en": {"decide": "Decide by", "lead": "Lead time", "cost": "Cost", "rows": "of"},
    "nl": {"decide": "Besluiten voor", "lead": "Doorlooptijd", "cost": "Kosten", "rows": "van"},
}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_tables_sort_and_filter(rotterdam: dict[str, Any], lang: str) -> None:
    binary = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    index, _ = rotterdam[lang]
    w = WORDS[lang]
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(index.as_uri())
            page.wait_for_load_state("load")
            _shot(page, f"top-{lang}.png")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.locator("#decisions").screenshot(path=str(SHOTS / f"decisions-{lang}.png"))
            # the contents lead to each chapter: its heading comes to the top of the window
            links = page.locator("nav.toc a")
            assert links.count() >= 9
            for i in range(links.count()):
                target = str(links.nth(i).get_attribute("href"))
                links.nth(i).click()
                assert page.evaluate("location.hash") == target
                box = page.locator(f"{target} h2").first.bounding_box()
                assert box is not None
                assert -2 <= box["y"] < 100, (target, box)
                page.go_back()
            agenda = page.locator("#agenda table").first
            total = agenda.locator("tbody tr").count()
            assert total == 80

            # the latest decision year, as numbers, blanks last; then the other way round
            col = _header_index(agenda, w["decide"])
            before = _column(agenda, col)
            agenda.locator("thead th").nth(col).locator("button").click()
            years = [number(x, lang) for x in _column(agenda, col)]
            assert sorted(before) != before or years != [number(x, lang) for x in before]
            assert _ascending(years), years
            assert agenda.locator("thead th").nth(col).get_attribute("aria-sort") == "ascending"
            agenda.scroll_into_view_if_needed()
            _shot(page, f"agenda-sorted-{lang}.png")
            agenda.locator("thead th").nth(col).locator("button").click()
            down = [number(x, lang) for x in _column(agenda, col)]
            known = [v for v in down if v is not None]
            assert known == sorted(known, reverse=True)
            assert down[0] is not None

            # lead times with a decimal comma in Dutch ('2,5 j')
            col = _header_index(agenda, w["lead"])
            agenda.locator("thead th").nth(col).locator("button").click()
            leads = [number(x, lang) for x in _column(agenda, col)]
            assert _ascending(leads), leads
            assert len(set(leads)) > 3

            # the routine lists by cost: '€ 850.000' before '€ 1,2 mln'
            routine = page.locator("#agenda table").nth(1)
            col = _header_index(routine, w["cost"])
            routine.locator("thead th").nth(col).locator("button").click()
            costs = [number(x, lang) for x in _column(routine, col)]
            assert _ascending(costs), costs
            assert any(v is not None and v >= 1e6 for v in costs)
            assert any(v is not None and v < 1e6 for v in costs)

            # a filter: the rows that hold the word, and how many
            rows = [str(t).lower() for t in agenda.locator("tbody tr").all_text_contents()]
            expected = sum("tennet" in r for r in rows)
            assert 0 < expected < total
            box = agenda.locator("xpath=preceding-sibling::div[@class='table-filter'][1]")
            box.locator("input").fill("TenneT")
            shown = agenda.locator("tbody tr:not([hidden])").count()
            assert shown == expected
            assert box.locator(
                ".filter-count"
            ).inner_text() == f"{expected} {w['rows']} {total} " + (
                "rijen" if lang == "nl" else "rows"
            )
            _shot(page, f"agenda-filtered-{lang}.png")
            box.locator("input").fill("TenneT 2019")
            both = agenda.locator("tbody tr:not([hidden])").all_text_contents()
            assert all("tennet" in str(r).lower() and "2019" in str(r) for r in both)
            box.locator("input").fill("")
            assert agenda.locator("tbody tr:not([hidden])").count() == total

            # every table with a header and rows to order sorts; every long one has its filter
            def tables(least: int) -> int:
                return int(
                    page.evaluate(
                        "n => Array.from(document.querySelectorAll('table')).filter(t => t.tHead"
                        " && t.tBodies[0].rows.length >= n).length",
                        least,
                    )
                )

            assert page.locator("table.sortable").count() == tables(2) > 40
            assert page.locator(".table-filter input").count() == tables(8) > 3
        finally:
            browser.close()
    assert errors == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_map_zooms_and_names(rotterdam: dict[str, Any], lang: str) -> None:
    binary = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    index, _ = rotterdam[lang]
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(index.as_uri())
            page.wait_for_load_state("load")
            svg = page.locator("svg[data-figure=map]").first
            svg.scroll_into_view_if_needed()
            frame = svg.locator("rect").first.bounding_box()
            assert frame is not None

            def visible_labels() -> list[dict[str, Any]]:
                return list(
                    svg.locator("text.map-label").evaluate_all(
                        "ts => ts.filter(t => t.getAttribute('visibility') !== 'hidden')"
                        ".map(t => { const r = t.getBoundingClientRect(); return {text:"
                        " t.textContent, cls: t.getAttribute('class'), x0: r.left, y0: r.top,"
                        " x1: r.right, y1: r.bottom}; })"
                    )
                )

            def inside(lab: dict[str, Any]) -> bool:
                assert frame is not None
                return bool(
                    lab["x0"] >= frame["x"] - 1
                    and lab["x1"] <= frame["x"] + frame["width"] + 1
                    and lab["y0"] >= frame["y"] - 1
                    and lab["y1"] <= frame["y"] + frame["height"] + 1
                )

            shown = visible_labels()
            assert any("map-label-area" in x["cls"] for x in shown)
            assert any("map-label-asset" in x["cls"] for x in shown)
            # nothing clipped, nothing over the legend, no two labels on each other
            assert all(inside(x) for x in shown), [x for x in shown if not inside(x)]
            for i, a in enumerate(shown):
                for b in shown[i + 1 :]:
                    overlap = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    tall = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
                    assert overlap <= 1 or tall <= 1, (a["text"], b["text"])
            _shot(page, f"map-{lang}.png")

            # a district whose label did not fit: zoom in on it until it shows
            target = svg.locator("text.map-label-area[visibility=hidden]").evaluate_all(
                "ts => ts.map(t => { const r = t.getBoundingClientRect();"
                " return {text: t.textContent, x: (r.left + r.right) / 2,"
                " y: (r.top + r.bottom) / 2}; })"
            )[0]
            assert target["text"] in rotterdam["areas"]
            page.mouse.move(target["x"], target["y"])
            zoom = 1.0
            for _ in range(20):
                page.mouse.wheel(0, -200)
                page.wait_for_timeout(30)
                zoom = float(svg.get_attribute("data-zoom") or 1)
                if any(x["text"] == target["text"] for x in visible_labels()):
                    break
            assert zoom > 1.5
            named = [x for x in visible_labels() if x["text"] == target["text"]]
            assert named, f"{target['text']} not shown at zoom {zoom}"
            assert all(inside(x) for x in visible_labels())
            scale = svg.locator("text.scale-label").text_content()
            assert scale != "5 km"
            _shot(page, f"map-zoomed-{lang}.png")

            # point at a major asset: its name is shown under the map
            spot = page.evaluate(
                """() => { const svg = document.querySelector("svg[data-figure=map]");
                for (const c of svg.querySelectorAll("circle.asset")) {
                  const r = c.getBoundingClientRect(); const x = (r.left + r.right) / 2,
                  y = (r.top + r.bottom) / 2;
                  if (document.elementFromPoint(x, y) === c)
                    return {x, y, title: c.querySelector("title").textContent};
                } return null; }"""
            )
            assert spot is not None
            page.mouse.move(spot["x"], spot["y"])
            info = page.locator("figure:has(svg[data-figure=map]) .map-info").inner_text()
            assert info == spot["title"]
            assert any(info.startswith(n + " (") for n in rotterdam["components"]), info
            _shot(page, f"map-named-{lang}.png")
            # back to the whole map
            page.locator("figure:has(svg[data-figure=map]) .map-tools button").nth(2).click()
            assert svg.get_attribute("data-zoom") == "1"
        finally:
            browser.close()
    assert errors == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_reads_without_script(rotterdam: dict[str, Any], lang: str) -> None:
    binary = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    index, _ = rotterdam[lang]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=ARGS)
        try:
            context = browser.new_context(
                java_script_enabled=False, viewport={"width": 1200, "height": 1000}
            )
            page = context.new_page()
            page.goto(index.as_uri())
            assert page.locator(".table-filter").count() == 0
            assert page.locator("button").count() == 0
            assert page.locator("#agenda table").first.locator("tbody tr:visible").count() == 80
            svg = page.locator("svg[data-figure=map]").first
            labels = svg.locator("text.map-label:not([visibility=hidden])").count()
            assert labels > 10
            svg.scroll_into_view_if_needed()
            _shot(page, f"map-no-script-{lang}.png")
        finally:
            browser.close()


def _pages_of(document: Any, source: Any, element_id: str) -> list[int]:
    """The numbers (from 0) of the PDF pages on which the element and what it holds lie."""
    root = source.etree_element
    element = next(e for e in root.iter() if e.get("id") == element_id)
    inside = {id(e) for e in element.iter()}
    pages = []
    for i, page in enumerate(document.pages):
        if any(id(getattr(box, "element", None)) in inside for box in page._page_box.descendants()):
            pages.append(i)
    return pages


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_first_page_holds_the_decisions(rotterdam: dict[str, Any], lang: str) -> None:
    from weasyprint import HTML

    from vitaal.report.pdf import _no_fetch

    _, page = rotterdam[lang]
    section = page[
        page.index('id="decisions"') : page.index("</section>", page.index('id="decisions"'))
    ]
    assert section.count('<li class="decision') == 15
    source = HTML(string=page, url_fetcher=_no_fetch, base_url=None)
    document = source.render()
    assert _pages_of(document, source, "top") == [0]  # the title page
    assert _pages_of(document, source, "decisions") == [1]  # starts and ends on the next
    assert _pages_of(document, source, "decisions-detail")[0] == 2
    if shutil.which("pdftoppm"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        pdf = SHOTS / f"first-pages-{lang}.pdf"
        document.copy(document.pages[:3]).write_pdf(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(SHOTS / f"pdf-{lang}")], check=True
        )
        pdf.unlink()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_example_speaks_one_language(rotterdam: dict[str, Any], lang: str) -> None:
    _, page = rotterdam[lang]
    check_one_language(page, lang)
    check_contents(page)
