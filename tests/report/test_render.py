"""The HTML report of the tiny model, in English and Dutch, from a fixture analysis."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from vitaal.errors import VitaalError
from vitaal.model.model import Model
from vitaal.report import render_html
from vitaal.report.i18n import translations
from vitaal.report.writer import report_script


class _Refs(HTMLParser):
    """Every attribute that can make a browser fetch something, and every style text."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self.tags: set[str] = set()
        self.scripts: list[tuple[list[tuple[str, str | None]], str]] = []
        self._in_style = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_style = tag == "style"
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append((attrs, ""))
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "poster", "data", "action"):
                self.refs.append((tag, name, value or ""))
            if name == "style" and value:
                self.styles.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        if self._in_script:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def _parse(html: str) -> _Refs:
    p = _Refs()
    p.feed(html)
    return p


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_nothing_is_fetched(tiny_reports: dict[str, Path], lang: str) -> None:
    html = tiny_reports[lang].read_text(encoding="utf-8")
    p = _parse(html)
    assert p.refs, "the report links its sections"
    for tag, name, value in p.refs:
        assert value.startswith("#"), f"<{tag} {name}={value!r}> points outside the page"
    assert not {"img", "link", "iframe", "object", "embed"} & p.tags
    # one script, inline, the packaged one (sorting, filters, map zoom): nothing it loads
    assert len(p.scripts) == 1
    attrs, text = p.scripts[0]
    assert attrs == []
    assert text == report_script()
    for call in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "sendBeacon", ".src"):
        assert call not in text, call
    for css in p.styles:
        assert "@import" not in css
        assert "url(" not in css
        assert "@font-face" not in css
    assert "http://" not in html
    assert "https://" not in html
    assert not re.search(r"""["'(]//[a-z0-9]""", html, re.IGNORECASE)


def test_every_flag_has_its_reason(
    tiny_reports: dict[str, Path], tiny_fixture_analysis: dict[str, Any]
) -> None:
    html = tiny_reports["en"].read_text(encoding="utf-8")
    for sc in tiny_fixture_analysis["scenarios"]:
        for f in sc["flags"]:
            if f["colour"] == "green":
                continue
            m = re.search(rf'data-flag="{f["system"]}"><strong>[^<]+</strong>: ([^<]+)</p>', html)
            assert m, f["system"]
            sentence = m.group(1)
            assert sentence.startswith(
                {"red": "Red because", "orange": "Orange because"}[f["colour"]]
            )
            assert f["rule_text"] in html


def test_the_chain_reaches_the_lost_hospital(tiny_reports: dict[str, Path]) -> None:
    html = tiny_reports["en"].read_text(encoding="utf-8")
    m = re.search(r'data-flag="water"><strong>[^<]+</strong>: ([^<]+)</p>', html)
    assert m
    s = m.group(1)
    assert s.startswith("Red because Town hospital loses drinking water after 8 h: ")
    # the chain in the order it happened: the flood, the plant going down with it, the tower
    assert (
        s.index("Grid station failed in the hazard")
        < s.index("Treatment plant")
        < s.index("Water tower ran out of drinking water when the store ran dry at 8 h")
    )


def test_dutch_report_speaks_dutch(tiny_reports: dict[str, Path]) -> None:
    html = tiny_reports["nl"].read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    for words in (
        "Samenvatting",
        "Stap 1 Afbakenen en typeren",
        "Stap 7 Cascadechecker",
        "Impactindicator",
        "De drie kernvraagstukken",
        "Verdelingsvraagstuk",
        "Inpassingsvraagstuk",
        "Besluitenagenda",
        "Weesdossiers",
        "Pas toe of leg uit",
        "rode vlag",
        "Vaktafel Vitale Systemen",
        "ernstig",
        "Rood omdat",
    ):
        assert words in html, words
    for english in ("Summary", "Step 1", "Red because", "Decision agenda"):
        assert english not in html, english


def test_english_headings(tiny_reports: dict[str, Path]) -> None:
    html = tiny_reports["en"].read_text(encoding="utf-8")
    for n, title in enumerate(
        ("Delimit and characterise", "Analyse the parts", "Facilitating flows and side outcomes"),
        start=1,
    ):
        assert f"Step {n} {title}" in html
    assert 'class="flag flag-red"' in html


def test_overdue_decisions_are_red(tiny_reports: dict[str, Path]) -> None:
    html = tiny_reports["en"].read_text(encoding="utf-8")
    assert re.search(r'<tr class="overdue"><td>1</td><td>Decide on replacing Grid station', html)


def test_figures_are_inline_svg(tiny_reports: dict[str, Path]) -> None:
    html = tiny_reports["en"].read_text(encoding="utf-8")
    for figure in ("map", "dependencies", "utilisation", "timeline", "scenario-map"):
        assert f'data-figure="{figure}"' in html, figure


def test_unknown_language(tiny_model: Model, tiny_fixture_analysis: dict[str, Any]) -> None:
    with pytest.raises(VitaalError, match="no report language"):
        render_html(tiny_fixture_analysis, tiny_model, lang="fr")


def test_empty_analysis_still_renders(tiny_model: Model) -> None:
    html = render_html({}, tiny_model, lang="nl")
    assert "Samenvatting" in html
    assert "De analyse bevat geen subsystemen." in html


def test_catalogues_are_complete() -> None:
    """Every message of the templates and the code has a Dutch translation with the same
    placeholders; the English catalogue is the source and translates nothing."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[2] / "src" / "vitaal" / "report"
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
    assert len(found) > 150
    nl = translations("nl")
    en = translations("en")
    for msg in found:
        text = nl.ugettext(msg)
        assert text != msg or msg in {
            "mln",
            "Scenario",
            "Status",
            "Plan",
            "Conflict",
            "Vaktafel Vitale Systemen",
        }, f"no Dutch for {msg!r}"
        assert sorted(re.findall(r"%\(\w+\)\w", text)) == sorted(re.findall(r"%\(\w+\)\w", msg)), (
            msg
        )
        assert en.ugettext(msg) == msg
