"""Each report speaks one language: no sentence of the catalogue in the other one.

The sentences are the messages of ``locale/nl/LC_MESSAGES/vitaal.po`` with several words: the
English ``msgid`` must not stand in the Dutch report's text, the Dutch ``msgstr`` not in the
English one. A message with placeholders is cut at them, and each piece of four words or more
is looked for. Also: the contents link every chapter, in both languages.
"""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

MIN_WORDS = 4


class _Text(HTMLParser):
    """The text a reader sees: every text node outside ``<script>`` and ``<style>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    p = _Text()
    p.feed(page)
    return re.sub(r"\s+", " ", htmllib.unescape(" ".join(p.parts)))


def _pieces(message: str) -> list[str]:
    """The runs of words between placeholders that are long enough to be a sentence."""
    out = []
    for piece in re.split(r"%\(\w+\)\w|%%|\n", message):
        piece = re.sub(r"\s+", " ", piece).strip(" .,:;()–-")
        if len(piece.split()) >= MIN_WORDS:
            out.append(piece)
    return out


def sentences() -> tuple[list[str], list[str]]:
    """(English pieces, Dutch pieces) of the catalogue's messages that are sentences."""
    source = files("vitaal.report").joinpath("locale/nl/LC_MESSAGES/vitaal.po")
    with source.open("rb") as fh:
        catalog = read_po(fh, locale="nl", domain="vitaal")
    english: list[str] = []
    dutch: list[str] = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        if message.id == message.string:
            continue
        en = set(_pieces(message.id))
        nl = set(_pieces(str(message.string)))
        # a piece the two languages share (a name, a term) is neither's
        english.extend(sorted(en - nl))
        dutch.extend(sorted(nl - en))
    return english, dutch


def test_the_catalogue_has_sentences() -> None:
    english, dutch = sentences()
    assert len(english) > 100
    assert len(dutch) > 100
    assert "Base year" not in english  # two words: a label, not a sentence
    assert "The three core questions" in english
    assert any(s.startswith("Each plan classed by the method's two questions") for s in english)


def check_one_language(page: str, lang: str) -> None:
    english, dutch = sentences()
    text = visible_text(page)
    wrong = dutch if lang == "en" else english
    right = english if lang == "en" else dutch
    found = [s for s in wrong if s in text]
    assert found == [], f"{lang} report holds sentences of the other language: {found[:5]}"
    # and the report is in its own language: many of its own sentences stand in it
    assert sum(s in text for s in right) > 30


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_tiny_report_speaks_one_language(tiny_reports: dict[str, Path], lang: str) -> None:
    check_one_language(tiny_reports[lang].read_text(encoding="utf-8"), lang)


def check_contents(page: str) -> None:
    """Every chapter is linked from the contents, and every link of the contents lands."""
    nav = page[page.index('<nav class="toc">') : page.index("</nav>")]
    links = re.findall(r'href="#([^"]+)"', nav)
    chapters = re.findall(r'<section class="chapter[^"]*" id="([^"]+)"', page)
    assert len(chapters) >= 9
    assert sorted(links) == sorted(chapters)
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert set(links) <= ids


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_contents_link_every_chapter(tiny_reports: dict[str, Path], lang: str) -> None:
    page = tiny_reports[lang].read_text(encoding="utf-8")
    check_contents(page)
    heading = {"en": "Contents", "nl": "Inhoud"}[lang]
    assert f"<h2>{heading}</h2>" in page


def test_model_texts_in_the_report_language() -> None:
    """The tiny model gives its grid's profile and its challenge in Dutch too (``profile_nl``,
    ``driver_nl``, ``assumption_nl``): the Dutch report shows those, the English report the
    English ones, from a real analysis of the model."""
    from vitaal.io.folder import read_model
    from vitaal.method.analysis import run_analysis
    from vitaal.report import render_html

    model = read_model(Path(__file__).resolve().parents[1] / "data" / "tiny")
    data = run_analysis(model).as_dict()
    pages = {lang: visible_text(render_html(data, model, lang=lang)) for lang in ("en", "nl")}
    sub = model.subsystems["el-grid"]
    assert sub.profile_nl is not None
    ch = model.challenges["ch-solar"]
    english = [sub.profile.goal, sub.profile.structure, "national grid", ch.driver, ch.assumption]
    english.append(str(model.info.description))
    dutch = [sub.profile_nl.goal, "landelijk hoogspanningsnet", "Grid company (eigenaar)"]
    dutch.append(str(model.info.description_nl))
    dutch += [ch.driver_nl, ch.assumption_nl]
    for text in english:
        assert text in pages["en"]
        assert text not in pages["nl"], text
    for text in dutch:
        assert text in pages["nl"]
        assert text not in pages["en"], text
