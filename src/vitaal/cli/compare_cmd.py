"""``vitaal compare A B``: two scenarios, two plans or two models side by side, by their results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from vitaal.cli.common import err, handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.errors import VitaalError
from vitaal.method.compare import (
    Comparison,
    SetDiff,
    Side,
    compare_sides,
    model_side,
    plan_side,
    scenario_side,
)
from vitaal.method.results import Results
from vitaal.report.compare import value_names
from vitaal.settings import Settings

__all__ = ["compare", "print_comparison"]

_COLOUR = {"red": "bold red", "orange": "dark_orange", "green": "green"}

#: The words of the terminal view, in both languages.
_WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Compared: {a} (A) and {b} (B)", "nl": "Vergeleken: {a} (A) en {b} (B)"},
    "equal": {
        "en": "No difference in flags, impact, agenda, capacity or decisions.",
        "nl": "Geen verschil in vlaggen, impact, agenda, capaciteit of besluiten.",
    },
    "flags": {"en": "Flags", "nl": "Vlaggen"},
    "impact": {"en": "Impact", "nl": "Impact"},
    "agenda": {"en": "The table's agenda", "nl": "De agenda van de tafel"},
    "capacity": {"en": "Capacity shortfalls", "nl": "Capaciteitstekorten"},
    "decisions": {"en": "Decisions", "nl": "Besluiten"},
    "context": {"en": "context", "nl": "context"},
    "system": {"en": "system", "nl": "systeem"},
    "figure": {"en": "figure", "nl": "grootheid"},
    "change": {"en": "B - A", "nl": "B - A"},
    "added": {"en": "only in B", "nl": "alleen in B"},
    "removed": {"en": "only in A", "nl": "alleen in A"},
    "changed": {"en": "changed", "nl": "gewijzigd"},
    "counts": {
        "en": "{flags} flag(s), {impact} impact figure(s), agenda +{ag_add} -{ag_rem} "
        "~{ag_chg}, capacity +{cap_add} -{cap_rem} ~{cap_chg}, decisions +{dec_add} "
        "-{dec_rem} ~{dec_chg}",
        "nl": "{flags} vlag(gen), {impact} impactgrootheid/-heden, agenda +{ag_add} -{ag_rem} "
        "~{ag_chg}, capaciteit +{cap_add} -{cap_rem} ~{cap_chg}, besluiten +{dec_add} "
        "-{dec_rem} ~{dec_chg}",
    },
}


def _w(key: str, lang: str, **values: Any) -> str:
    return _WORDS[key][lang if lang in ("en", "nl") else "en"].format(**values)


def _show(value: Any, grouped: bool = False) -> str:
    """A value as shown: ``-`` for none; with ``grouped``, numbers with thousands separators
    (people, hours, money; not years)."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not grouped:
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, float) and not value.is_integer() and abs(value) < 1000:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _flag(colour: str | None, names: dict[str, str]) -> str:
    if colour is None:
        return "-"
    return f"[{_COLOUR.get(colour, '')}]{escape(names.get(colour, colour))}[/]"


def _named(value: Any, names: dict[str, str]) -> str:
    return names.get(value, value) if isinstance(value, str) else _show(value)


def _print_set(title: str, diff: SetDiff, lang: str, limit: int) -> None:
    if diff.is_empty():
        return
    names = value_names(lang)
    out.print(
        f"[bold]{escape(title)}[/bold]: +{len(diff.added)} -{len(diff.removed)} "
        f"~{len(diff.changed)}"
    )
    for sign, entries in (("+", diff.added), ("-", diff.removed)):
        for e in entries[:limit]:
            out.print(f"  {sign} {e.label.in_(lang)} [{e.id}]", markup=False)
        if len(entries) > limit:
            out.print(f"  {sign} ... {len(entries) - limit}", markup=False)
    for c in diff.changed[:limit]:
        fields = ", ".join(
            f"{names.get(f.field, f.field)} {_named(f.a, names)} -> {_named(f.b, names)}"
            for f in c.fields
        )
        out.print(f"  ~ {c.label.in_(lang)} [{c.id}]: {fields}", markup=False)
    if len(diff.changed) > limit:
        out.print(f"  ~ ... {len(diff.changed) - limit}", markup=False)


def print_comparison(c: Comparison, lang: str = "en", limit: int = 20) -> None:
    """The readable form of a comparison: flags and impact figures that differ as tables, then
    the agenda items, capacity shortfalls and decisions only in A, only in B and changed."""
    out.print(f"[bold]{escape(_w('title', lang, a=c.a, b=c.b))}[/bold]")
    if c.is_empty():
        out.print(_w("equal", lang), markup=False)
        return
    names = value_names(lang)
    if c.flags:
        t = Table(title=_w("flags", lang), title_justify="left")
        for col in (_w("context", lang), _w("system", lang), "A", "B"):
            t.add_column(col, overflow="fold")
        for f in c.flags:
            t.add_row(
                escape(f.context or "-"), escape(f.system), _flag(f.a, names), _flag(f.b, names)
            )
        out.print(t)
    if c.impact:
        t = Table(title=_w("impact", lang), title_justify="left")
        for col in (_w("context", lang), _w("figure", lang), "A", "B", _w("change", lang)):
            t.add_column(col, overflow="fold", justify="left" if col != "B - A" else "right")
        for i in c.impact:
            d = i.delta
            t.add_row(
                escape(i.context or "-"),
                escape(names.get(i.figure, i.figure)),
                escape(_show(i.a, grouped=True)),
                escape(_show(i.b, grouped=True)),
                "" if d is None else ("+" if d > 0 else "") + _show(d, grouped=True),
            )
        out.print(t)
    _print_set(_w("agenda", lang), c.agenda, lang, limit)
    _print_set(_w("capacity", lang), c.capacity, lang, limit)
    _print_set(_w("decisions", lang), c.decisions, lang, limit)
    out.print(
        _w(
            "counts",
            lang,
            flags=len(c.flags),
            impact=len(c.impact),
            ag_add=len(c.agenda.added),
            ag_rem=len(c.agenda.removed),
            ag_chg=len(c.agenda.changed),
            cap_add=len(c.capacity.added),
            cap_rem=len(c.capacity.removed),
            cap_chg=len(c.capacity.changed),
            dec_add=len(c.decisions.added),
            dec_rem=len(c.decisions.removed),
            dec_chg=len(c.decisions.changed),
        ),
        markup=False,
    )


def results_of(text: str, progress: bool) -> Results:
    """The results of a model (run here) or of an ``analysis.json`` written by ``vitaal run``."""
    path = Path(text)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise VitaalError(f"{path}: not an analysis written by vitaal run ({exc})") from exc
        if not isinstance(data, dict) or not str(data.get("schema", "")).startswith(
            "vitaal.analysis/"
        ):
            raise VitaalError(f"{path}: not an analysis written by vitaal run (no schema)")
        return Results.from_dict(data)
    from vitaal.method.analysis import run_analysis

    source = parse_source(text)
    loaded = load(source, progress=progress)
    root = Path(source.location) if source.kind == "folder" else None
    return Results.from_dict(run_analysis(loaded, model_root=root).as_dict())


def _side_in(results: Results, text: str) -> tuple[str, Side]:
    """``text`` as a scenario or a plan of ``results``: ``scenario:ID``, ``plan:ID`` or a bare
    id (a scenario first)."""
    kind, _, ident = text.partition(":")
    if kind not in ("scenario", "plan") or not ident:
        kind, ident = ("scenario" if results.scenario(text) else "plan"), text
    if kind == "scenario" and results.scenario(ident) is not None:
        return "scenario", scenario_side(results, ident)
    if kind == "plan" and results.plan(ident) is not None:
        return "plan", plan_side(results, ident)
    raise VitaalError(
        f"'{text}' is no scenario or plan of the model (scenarios: "
        f"{', '.join(s.id for s in results.scenarios) or 'none'}; plans: "
        f"{', '.join(p.id for p in results.plans) or 'none'})"
    )


def build_comparison(a: str, b: str, model: str | None, progress: bool = True) -> Comparison:
    """The comparison the command shows (see its help)."""
    if model is not None:
        results = results_of(model, progress)
        kind_a, side_a = _side_in(results, a)
        kind_b, side_b = _side_in(results, b)
        kind = f"{kind_a}s" if kind_a == kind_b else f"{kind_a} and {kind_b}"
        return compare_sides(side_a, side_b, kind)
    ra = results_of(a, progress)
    rb = results_of(b, progress)
    return compare_sides(model_side(ra, a), model_side(rb, b), "models")


@click.command("compare")
@click.argument("a")
@click.argument("b")
@click.option(
    "--model",
    "model",
    default=None,
    help="A and B are scenarios or plans of this MODEL (scenario:ID, plan:ID, or a bare id: "
    "a scenario first). Without it, A and B are two models (folders, database URLs with #N, "
    "example:NAME) or two analysis.json files written by vitaal run.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the comparison as a report page (self-contained HTML) to this file.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default=None,
    help="Language of the terminal view and the report page. Default: $VITAAL_LANG, else en.",
)
@click.option(
    "--limit", type=int, default=20, show_default=True, help="Entries shown per list on screen."
)
@handle_errors
def compare(
    a: str,
    b: str,
    model: str | None,
    as_json: bool,
    report_path: Path | None,
    lang: str | None,
    limit: int,
) -> None:
    """Compare A and B by their results: the flags per system, the impact class and figures,
    the table's agenda, capacity shortfalls and the decisions. Two scenarios or two plans (or
    plan variants) of one model with --model; else two models or versions of a model.

    Exits 0 whether or not they differ (see "equal" in the JSON).
    """
    language = lang or Settings().lang
    comparison = build_comparison(a, b, model, progress=not as_json)
    if as_json:
        click.echo(json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print_comparison(comparison, language, limit)
    if report_path is not None:
        from vitaal.report.compare import write_compare_page

        write_compare_page(comparison, report_path, lang=language)
        (err if as_json else out).print(f"wrote {report_path}", markup=False)
