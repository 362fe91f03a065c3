"""A model whose every free-text field holds an injection payload renders harmless reports.

Names, owners, descriptions and titles come from many organisations; a report opened in a
browser must show them as text, never run them. The tiny model is rewritten in memory so that
every free-text string holds a script, event-handler or attribute-breaking payload, the whole
analysis is run on it, and both languages' HTML is parsed: no element or attribute that the
report itself does not write may appear.
"""

from __future__ import annotations

import dataclasses
import itertools
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from vitaal.io.folder import read_model
from vitaal.method.analysis import run_analysis
from vitaal.model.model import Model
from vitaal.report import write_report
from vitaal.report.writer import report_script

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"

#: What an attacker would put into a name: each breaks out of text, of a quoted attribute, or
#: of an SVG element, in a different way.
PAYLOADS = (
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert(2)>',
    "' onmouseover='alert(3)",
    "<svg onload=alert(4)>",
    "</title><script>alert(5)</script>",
    "javascript:alert(6)",
)
#: Fields that hold free text (ids, enums, numbers and geometry are checked by validation).
FREE_TEXT = {
    "name", "name_nl", "description", "owner", "managed_by", "title", "goal", "result",
    "structure", "assumption", "driver", "district", "role", "ref", "output",
    "description_nl", "driver_nl", "assumption_nl",
}  # fmt: skip


def _poison(value: Any, counter: itertools.count[int]) -> Any:
    """``value`` with every free-text string field of it (and of records inside) poisoned."""
    if isinstance(value, tuple):
        return tuple(_poison(v, counter) for v in value)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        current = getattr(value, f.name)
        if f.name in FREE_TEXT and isinstance(current, str):
            changes[f.name] = f"{current} {PAYLOADS[next(counter) % len(PAYLOADS)]}"
        elif dataclasses.is_dataclass(current) or isinstance(current, tuple):
            poisoned = _poison(current, counter)
            if poisoned is not current:
                changes[f.name] = poisoned
    return dataclasses.replace(value, **changes) if changes else value


def poisoned_model() -> tuple[Model, int]:
    model = read_model(TINY)
    counter = itertools.count()
    tables = {kind: {k: _poison(r, counter) for k, r in t.items()} for kind, t in model.tables()}
    info = _poison(model.info, counter)
    return Model(info=info, **tables), next(counter)


class _Elements(HTMLParser):
    """Every start tag and attribute name in a page, and every ``href``/``src`` value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        for name, value in attrs:
            self.attrs.append(name)
            if name in {"href", "src", "xlink:href"} and value:
                self.urls.append(value)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    model, poisoned = poisoned_model()
    assert poisoned > 30, "the tiny model should have many free-text fields to poison"
    data = run_analysis(model).as_dict()
    out = {}
    for lang in ("en", "nl"):
        folder = tmp_path_factory.mktemp(f"poisoned-{lang}")
        out[lang] = write_report(data, model, folder, lang=lang).read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_payload_becomes_markup(reports: dict[str, str], lang: str) -> None:
    page = reports[lang]
    parser = _Elements()
    parser.feed(page)
    # the one script is the report's own, byte for byte: no name got into it or next to it
    assert parser.tags.count("script") == 1
    assert parser.scripts == [report_script()]
    assert "img" not in parser.tags
    assert [a for a in parser.attrs if a.startswith("on")] == []
    assert [u for u in parser.urls if u.strip().lower().startswith("javascript:")] == []
    # one <svg> per figure the report draws, none opened by a name
    assert page.count("<svg ") == page.count('<svg class="figure"')


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_payloads_are_shown_as_text(reports: dict[str, str], lang: str) -> None:
    """The names are not dropped either: the escaped payloads stand in the page as text."""
    page = reports[lang]
    assert "&lt;script&gt;alert(" in page
    assert "&lt;svg onload=alert(4)&gt;" in page
