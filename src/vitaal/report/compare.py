"""The comparison of ``vitaal compare`` as a report section, and as a page of its own.

The section (``templates/compare.html.j2``) shows what differs between A and B: the flags and
impact figures as tables (B's worse values marked), then the agenda items, capacity
shortfalls and decisions only in A, only in B, and changed field by field. The page
(``compare_page.html.j2``) holds the section with the report's stylesheet inline, and opens
offline as the report does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from vitaal.errors import VitaalError
from vitaal.method.compare import Comparison, SetDiff
from vitaal.report.i18n import LANGUAGES, translations

__all__ = ["compare_context", "render_compare_page", "value_names", "write_compare_page"]


def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vitaal.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def _number(value: Any, lang: str, grouped: bool = True) -> str:
    """A value as shown in ``lang``; numbers with thousands separators when ``grouped``
    (people, hours, money; not years)."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not grouped:
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


Gettext = Callable[[str], str]


def _names(_: Gettext) -> dict[str, str]:
    """The figures, fields and closed-list values of a comparison in one language."""
    return {
        "class": _("Impact class"),
        "people_affected": _("People affected"),
        "person_hours": _("Person-hours"),
        "hindrance_hours": _("Hours of hindrance"),
        "critical_functions_lost": _("Critical functions lost"),
        "economic_loss_eur": _("Economic loss (EUR)"),
        "people_refused": _("People refused a connection"),
        "years_short": _("Years short"),
        "status": _("Status"),
        "need_year": _("Need year"),
        "effective_decide_by": _("Decide by"),
        "decide_by": _("Decide by"),
        "years_overdue": _("Years overdue"),
        "consequence": _("Consequence"),
        "level": _("Level"),
        "people": _("People at stake"),
        "cost_eur": _("Cost (EUR)"),
        "rank": _("Rank"),
        "items": _("Items in the bundle"),
        "options": _("Options (latest year to decide)"),
        "chosen": _("Chosen option"),
        "first_year": _("First year short"),
        "overdue": _("overdue"),
        "due": _("due"),
        "upcoming": _("upcoming"),
        "unknown": _("unknown"),
        "operational": _("operational"),
        "tactical": _("tactical"),
        "strategic": _("strategic"),
        "red": _("red"),
        "orange": _("orange"),
        "green": _("green"),
    }


def value_names(lang: str) -> dict[str, str]:
    """The names of the figures, fields and closed-list values of a comparison in ``lang``
    (from the catalogues, as the report names them)."""
    return _names(translations(lang).ugettext)


#: Fields of agenda items and decisions whose numbers are grouped (the rest: years, ranks).
_GROUPED = {"people": True, "cost_eur": True}


def _entries(diff: SetDiff, lang: str, names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    def value(field: str, v: Any) -> str:
        if isinstance(v, str):
            return names.get(v, v)
        return _number(v, lang, _GROUPED.get(field, False))

    return {
        "added": [{"id": e.id, "label": e.label.in_(lang)} for e in diff.added],
        "removed": [{"id": e.id, "label": e.label.in_(lang)} for e in diff.removed],
        "changed": [
            {
                "id": c.id,
                "label": c.label.in_(lang),
                "fields": [
                    {
                        "field": names.get(f.field, f.field),
                        "a": value(f.field, f.a),
                        "b": value(f.field, f.b),
                    }
                    for f in c.fields
                ],
            }
            for c in diff.changed
        ],
    }


def compare_context(comparison: Comparison, lang: str) -> dict[str, Any]:
    """What the section shows, formatted for ``lang``: every value a string or a list."""
    c = comparison
    names = value_names(lang)
    return {
        "a": c.a,
        "b": c.b,
        "kind": c.kind,
        "equal": c.is_empty(),
        "flags": [
            {"context": f.context, "system": f.system, "a": f.a, "b": f.b, "worse": f.worse}
            for f in c.flags
        ],
        "impact": [
            {
                "context": i.context,
                "figure": names.get(i.figure, i.figure),
                "a": _number(i.a, lang),
                "b": _number(i.b, lang),
                "delta": ""
                if i.delta is None
                else ("+" if i.delta > 0 else "") + _number(i.delta, lang),
                "worse": i.worse,
            }
            for i in c.impact
        ],
        "sets": [
            ("agenda", _entries(c.agenda, lang, names)),
            ("capacity", _entries(c.capacity, lang, names)),
            ("decisions", _entries(c.decisions, lang, names)),
        ],
    }


def render_compare_page(
    comparison: Comparison, *, lang: str = "en", today: dt.date | None = None
) -> str:
    """The comparison as one self-contained HTML page in ``lang``."""
    if lang not in LANGUAGES:
        raise VitaalError(f"no report language '{lang}'; choose one of {', '.join(LANGUAGES)}")
    css = files("vitaal.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    return (
        _environment(lang)
        .get_template("compare_page.html.j2")
        .render(
            lang=lang,
            css=css,
            date=(today or dt.date.today()).isoformat(),
            comparison=compare_context(comparison, lang),
        )
    )


def write_compare_page(comparison: Comparison, path: Path, *, lang: str = "en") -> Path:
    """Write :func:`render_compare_page` to ``path`` (beside it first, then moved into place)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(render_compare_page(comparison, lang=lang), encoding="utf-8")
    tmp.replace(target)
    return target
