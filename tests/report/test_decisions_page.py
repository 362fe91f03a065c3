"""The report's first page: the table's decisions, from the hand-worked model of
tests/method/test_decisions.py, in both languages."""

from __future__ import annotations

import pytest

from tests.method.test_decisions import _build
from vitaal.method.analysis import run_analysis
from vitaal.report import render_html


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    model = _build()
    data = run_analysis(model).as_dict()
    return {lang: render_html(data, model, lang=lang) for lang in ("en", "nl")}


def test_decisions_come_first(pages: dict[str, str]) -> None:
    html = pages["en"]
    first = html.index('id="decisions"')
    # the first chapter, after the title page (which holds the contents)
    assert html.index('class="toc"') < html.index("</header>") < first < html.index('id="summary"')
    assert first < html.index('id="decisions-detail"') < html.index('id="summary"')
    section = html[first : html.index("</section>", first)]
    # ranked: redundancy against the grid station (D), the replacement of ss1 (C, dated), the
    # two cables to North (C, no date)
    top = section.index("Grid station: 1 single point(s) of failure for 2 consumer(s)")
    assert top < section.index("Substation North: replace") < section.index("Cable North 2")
    assert "No date: a risk to reduce or to accept" in section
    assert "Decide by 2030" in section
    assert "Owners: GridCo" in section
    # levels by stake: the grid station's loss (D) is strategic, ss1's replacement tactical
    assert "(strategic, REIS)" in section
    assert "(tactical, ROUTE)" in section


def test_decisions_in_dutch(pages: dict[str, str]) -> None:
    html = pages["nl"]
    first = html.index('id="decisions"')
    section = html[first : html.index("</section>", first)]
    for words in (
        "Besluiten voor de tafel",
        "1 single point(s) of failure voor 2 afnemer(s), de grootste North",
        "Besluit uiterlijk in 2030",
        "(strategisch, REIS)",
    ):
        assert words in section, words
    for english in ("Decisions for the table", "consumer(s)", "Decide by", "At stake"):
        assert english not in section, english


def test_routine_lists_one_click_away(pages: dict[str, str]) -> None:
    html = pages["en"]
    assert 'href="#agenda"' in html[html.index('id="decisions"') :]
    routine = html[html.index('id="routine"') :]
    # GasCo's three mains in one row: 3 replacements, 2 overdue, the oldest since 1990
    assert "since 1990, 36 year(s)" in routine
    assert "4 like-for-like replacements (3 of them overdue)" in html
