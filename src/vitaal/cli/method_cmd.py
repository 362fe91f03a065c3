"""``vitaal check`` (one plan through the whole method) and ``vitaal run`` (the main job)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from vitaal.cli.common import err, handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.method.results import AgendaItem, Decision, DecisionOption, Results
from vitaal.model.names import name_in
from vitaal.settings import Settings

__all__ = ["check", "run"]

_COLOUR = {"red": "bold red", "orange": "dark_orange", "green": "green"}


def _t(text: dict[str, str] | None, lang: str) -> str:
    if not text:
        return "-"
    return text.get(lang) or text.get("en") or "-"


def _agenda_table(items: Sequence[AgendaItem], lang: str, title: str, limit: int) -> Table:
    """The head of an agenda: per item its decision year (red when overdue), need year, lead
    time, component, kind, owner and ROUTE station."""
    table = Table(title=title, title_justify="left")
    for col in ("#", "by", "need", "lead", "component", "kind", "owner", "station"):
        table.add_column(_w(f"col_{col}", lang), overflow="fold")
    for i, it in enumerate(items[:limit], 1):
        by = it.effective_decide_by
        late = it.status == "overdue" and by is not None
        lead = f"{it.lead_time_y:g} {'jr' if lang == 'nl' else 'y'}" if it.lead_time_y else "?"
        table.add_row(
            str(i),
            f"[bold red]{by}[/]" if late else str(by or "?"),
            str(it.need_year),
            lead.replace(".", ",") if lang == "nl" else lead,
            escape(it.name_in(lang) + (f" ({it.resource})" if it.resource else "")),
            escape(_w(it.kind, lang) if it.kind in _WORDS else it.kind),
            escape(it.owner or "-"),
            escape(it.station or "-"),
        )
    return table


def print_plan_check(data: dict[str, Any], lang: str = "en") -> None:
    """The readable form of a plan check."""
    p = data["plan"]
    out.print(
        f"[bold]{escape(p['title'])}[/bold] ({escape(p['id'])}), "
        f"owner {escape(p['owner'] or '-')}, "
        f"up to {p['last_year']}: {p['homes']:,} homes, {p['jobs']:,} jobs"
    )
    cls = (p["class"] or "unclassed").upper()
    out.print(
        f"Class of work: [bold]{escape(cls)}[/bold] ({escape(_t(p['class_reason'], lang))}); "
        f"run as {p['run_as'].upper()}"
    )
    gov = p.get("governance") or {}
    if gov:
        missing = ", ".join(gov["stations_missing"]) or "none"
        out.print(
            f"ROUTE stations passed: {escape(', '.join(gov['stations_passed']) or 'none')}; "
            f"not passed that its phase asks for: {escape(missing)}"
        )
    if p["comply_or_explain"]:
        out.print(f"[bold red]{escape(_t(p['comply_text'], lang))}[/]")
    if p.get("advice"):
        out.print(f"[dim]{escape(_t(p['advice_text'], lang))}[/]")
    g = p["growth"]
    imp = g["impact"]
    out.print(
        f"Impact of its growth ({g['year']}): [bold]{imp['class']}[/bold] - "
        f"{escape(imp['reason_nl'] if lang == 'nl' else imp['reason'])}"
    )
    flags = Table(title="Cascade checker: the plan's growth", title_justify="left")
    for col in ("system", "flag", "rule", "owner"):
        flags.add_column(col, overflow="fold")
    for f in g["flags"]:
        flags.add_row(
            escape(f["system"]),
            f"[{_COLOUR[f['colour']]}]{f['colour']}[/]",
            escape(f["rule_text_nl"] if lang == "nl" else f["rule_text"]),
            escape(f["owner"] or "-"),
        )
    out.print(flags)
    if p["shocks"]:
        sh = Table(title="The model's shocks meeting the plan's load", title_justify="left")
        for col in ("scenario", "impact", "red", "orange"):
            sh.add_column(col, overflow="fold")
        for s in p["shocks"]:
            sh.add_row(
                escape(s["scenario"]),
                escape(s["impact_class"]),
                escape(", ".join(s["red"]) or "-"),
                escape(", ".join(s["orange"]) or "-"),
            )
        out.print(sh)
    conflicts = p["conflicts"]
    if conflicts:
        ct = Table(title=f"Fitting: {len(conflicts)} conflict(s)", title_justify="left")
        for col in ("component", "system", "kind", "distance", "zone", "owner"):
            ct.add_column(col, overflow="fold")
        for c in conflicts[:20]:
            ct.add_row(
                escape(c["name"] or c["component"]),
                escape(c["system"] or "-"),
                escape(c["kind"]),
                f"{c['distance_m']:g} m",
                f"{c['zone_m']:g} m",
                escape(c["owner"] or "-"),
            )
        out.print(ct)
    else:
        out.print("Fitting: no conflicts with protection zones.")
    for c in p["claims"]:
        out.print(f"Distribution: {_t(c['text'], lang)}", markup=False)
    if p["agenda"]:
        items = [AgendaItem.from_dict(i) for i in p["agenda"]]
        out.print(_agenda_table(items, lang, _w("plan_agenda", lang), 20))
    for f in data["findings"]:
        out.print(
            f"- [{f['level']}/{f['way_of_working'].upper()}/{f['station']}] {_t(f['text'], lang)}",
            markup=False,
        )


@click.command("check")
@click.argument("model")
@click.option("--plan", "plan_id", required=True, help="Plan id.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan check as JSON.")
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default=None,
    help="Language of the output. Default: $VITAAL_LANG, else en (as every command).",
)
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def check(model: str, plan_id: str, as_json: bool, lang: str | None, version: int | None) -> None:
    """Run one plan through the whole method: flags, impact, fitting conflicts, class of work
    (REIS / ROUTE / RIT / ROUTINE) and the decision agenda."""
    from vitaal.method.analysis import run_analysis
    from vitaal.method.plans import find_plan

    lang = lang or Settings().lang

    source = parse_source(model, version)
    loaded = load(source, progress=not as_json)
    find_plan(loaded, plan_id)
    root = Path(source.location) if source.kind == "folder" else None
    data = run_analysis(loaded, plans=[plan_id], model_root=root).as_dict()
    plan = data["plans"][0]
    result = {
        "plan": plan,
        "findings": [f for f in data["findings"] if f["plan"] == plan_id],
    }
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False))
        return
    print_plan_check(result, lang)


#: The words of the first screen, in both languages (the decisions' own texts come from the
#: analysis in both).
_WORDS: dict[str, dict[str, str]] = {
    "flags_title": {
        "en": "Flags per system over all scenarios",
        "nl": "Vlaggen per systeem over alle scenario's",
    },
    "top_findings": {"en": "Top findings", "nl": "Belangrijkste bevindingen"},
    "agenda_title": {"en": "The table's agenda ({n})", "nl": "De agenda van de tafel ({n})"},
    "plan_agenda": {
        "en": "Decision agenda for this plan",
        "nl": "Besluitagenda voor dit plan",
    },
    "col_system": {"en": "system", "nl": "systeem"},
    "col_red": {"en": "red", "nl": "rood"},
    "col_orange": {"en": "orange", "nl": "oranje"},
    "col_green": {"en": "green", "nl": "groen"},
    "col_#": {"en": "#", "nl": "#"},
    "col_by": {"en": "decide by", "nl": "besluit uiterlijk"},
    "col_need": {"en": "need", "nl": "nodig"},
    "col_lead": {"en": "lead", "nl": "doorlooptijd"},
    "col_component": {"en": "component", "nl": "onderdeel"},
    "col_kind": {"en": "kind", "nl": "soort"},
    "col_owner": {"en": "owner", "nl": "eigenaar"},
    "col_station": {"en": "station", "nl": "station"},
    "replacement": {"en": "replacement", "nl": "vervanging"},
    "shortfall": {"en": "shortfall", "nl": "tekort"},
    "title": {
        "en": "Decisions for the table: {n} of {total}, ranked by consequence",
        "nl": "Besluiten voor de tafel: {n} van {total}, gerangschikt naar gevolg",
    },
    "cls": {"en": "class, level", "nl": "klasse, niveau"},
    "strategic": {"en": "strategic", "nl": "strategisch"},
    "tactical": {"en": "tactical", "nl": "tactisch"},
    "operational": {"en": "operational", "nl": "operationeel"},
    "decision": {"en": "decision and evidence", "nl": "besluit en onderbouwing"},
    "stake": {"en": "at stake", "nl": "op het spel"},
    "owners": {"en": "owners", "nl": "eigenaren"},
    "when": {"en": "when", "nl": "wanneer"},
    "people": {"en": "people", "nl": "inwoners"},
    "cf": {"en": "critical functions", "nl": "vitale functies"},
    "late": {"en": "overdue since {since}, {n} y", "nl": "te laat sinds {since}, {n} jr"},
    "by": {"en": "decide by {year}", "nl": "besluit uiterlijk {year}"},
    "no_date": {"en": "no date (a risk)", "nl": "geen datum (een risico)"},
    "unlocks": {
        "en": "unlocks {n} decision(s) that wait for it or go with it",
        "nl": "maakt {n} besluit(en) mogelijk die erop wachten of erbij horen",
    },
    "plans": {"en": "plans that wait: {plans}", "nl": "plannen die wachten: {plans}"},
    "options": {"en": "options: {options}", "nl": "opties: {options}"},
    "chosen": {"en": "chosen", "nl": "gekozen"},
    "assumed": {
        "en": "rests on assumed records: {n} of {m}",
        "nl": "berust op aangenomen gegevens: {n} van {m}",
    },
    "basis": {
        "en": "{n} of these {total} decisions rest on assumed records ({all} wholly): their "
        "owners' figures must confirm them before the table acts on them.",
        "nl": "{n} van deze {total} besluiten berusten op aangenomen gegevens ({all} geheel): de "
        "cijfers van hun eigenaren moeten ze bevestigen voordat de tafel erop handelt.",
    },
    "none": {"en": "No decision for the table.", "nl": "Geen besluit voor de tafel."},
    "counts": {
        "en": "{decisions} decisions ({agenda} agenda items, {overdue} overdue; {spof} single "
        "points of failure on the table); {routine} like-for-like replacements ({routine_overdue} "
        "overdue) on the owners' ROUTINE lists; {findings} findings, {conflicts} fitting "
        "conflicts, {orphans} orphan dossiers.",
        "nl": "{decisions} besluiten ({agenda} agendapunten, {overdue} te laat; {spof} single "
        "points of failure op tafel); {routine} gelijkwaardige vervangingen ({routine_overdue} "
        "te laat) op de ROUTINE-lijsten van de eigenaren; {findings} bevindingen, {conflicts} "
        "inpassingsconflicten, {orphans} weesdossiers.",
    },
    "more": {
        "en": "Everything else: vitaal run ... --all (flags, findings, the agenda), the report, "
        "analysis.json (agenda.routine per owner).",
        "nl": "Al het andere: vitaal run ... --all (vlaggen, bevindingen, de agenda), het "
        "rapport, analysis.json (agenda.routine per eigenaar).",
    },
}


def _w(key: str, lang: str, **values: Any) -> str:
    return _WORDS[key][lang if lang in ("en", "nl") else "en"].format(**values)


def _num(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", ".") if lang == "nl" else text


def _eur(value: float, lang: str) -> str:
    if value >= 1e9:
        unit = "mld" if lang == "nl" else "bn"
        return f"EUR {value / 1e9:.2f} {unit}".replace(".", "," if lang == "nl" else ".")
    if value >= 1e6:
        return f"EUR {value / 1e6:.0f} mln"
    return f"EUR {_num(value, lang)}"


def _option_text(o: DecisionOption, lang: str) -> str:
    """An option beside a decision in one line: name, cost, lead time and when."""
    parts = [o.name.in_(lang) or "-"]
    if o.investment_eur:
        parts.append(_eur(o.investment_eur, lang))
    if o.lead_time_y is not None:
        parts.append(f"{o.lead_time_y:g} {'jr' if lang == 'nl' else 'y'}")
    if o.decide_by is not None:
        parts.append(_w("by", lang, year=o.decide_by))
    if o.chosen:
        parts.append(_w("chosen", lang))
    return parts[0] + (" (" + ", ".join(parts[1:]) + ")" if len(parts) > 1 else "")


def _decision_lines(d: Decision, titles: Mapping[str, str], lang: str) -> list[str]:
    """A decision's cell on the first screen: its title, the first line of its evidence, what
    it unlocks, the plans that wait for it, its options and what it rests on."""
    lines = [f"[bold]{escape(d.title.in_(lang))}[/bold]"]
    # the first line of evidence; the second too when it names the asset whose loss is at
    # stake (the decision's own is not)
    for line in d.evidence[: 2 if d.consequence_through else 1]:
        lines.append(f"[dim]{escape(line.in_(lang))}[/dim]")
    if d.unlocks and d.kind != "agenda":
        lines.append(escape(_w("unlocks", lang, n=len(d.unlocks))))
    if d.blocks_plans:
        waiting = [titles.get(p, p) for p in d.blocks_plans]
        names = "; ".join(waiting[:2]) + (f" (+{len(waiting) - 2})" if len(waiting) > 2 else "")
        lines.append(escape(_w("plans", lang, plans=names)))
    if d.options:
        opts = [_option_text(o, lang) for o in d.options[:3]]
        more = len(d.options) - len(opts)
        text = "; ".join(opts) + (f" (+{more})" if more > 0 else "")
        lines.append(escape(_w("options", lang, options=text)))
    if d.basis.assumed:
        assumed = _w("assumed", lang, n=d.basis.assumed, m=d.basis.records)
        lines.append(f"[yellow]{escape(assumed)}[/]")
    return lines


def print_decisions(results: Results, lang: str) -> None:
    """The first screen: the decisions the table must take, ranked, with what is at stake,
    the owners, when, the evidence and what each unlocks (from the analysis's typed records,
    :class:`~vitaal.method.results.Results`)."""
    first = results.decisions[: results.first_page]
    if not first:
        out.print(_w("none", lang), markup=False)
        return
    titles = {p.id: p.title_in(lang) for p in results.plans}
    title = _w("title", lang, n=len(first), total=len(results.decisions))
    table = Table(title=title, title_justify="left")
    for col in ("#", "cls", "decision", "stake", "owners", "when"):
        table.add_column(col if col == "#" else _w(col, lang), overflow="fold")
    for d in first:
        stake = [f"{_num(d.people, lang)} {_w('people', lang)}"]
        if d.critical_functions:
            stake.append(f"{len(d.critical_functions)} {_w('cf', lang)}")
        if d.cost_eur:
            stake.append(_eur(d.cost_eur, lang))
        if d.status == "overdue":
            late = _w("late", lang, since=d.overdue_since, n=d.years_overdue)
            when = f"[bold red]{late}[/]"
        elif d.decide_by is not None:
            when = _w("by", lang, year=d.decide_by)
        else:
            when = _w("no_date", lang)
        table.add_row(
            str(d.rank),
            f"{d.consequence}\n{_w(d.level or 'operational', lang)}\n"
            f"{(d.way_of_working or '').upper()}",
            "\n".join(_decision_lines(d, titles, lang)),
            escape(", ".join(stake)),
            escape(", ".join(d.owners) or "-"),
            when,
        )
    out.print(table)
    fb = results.first_page_basis
    if fb.get("assumed") or fb.get("partly_assumed"):
        n = fb.get("assumed", 0) + fb.get("partly_assumed", 0)
        out.print(_w("basis", lang, n=n, total=len(first), all=fb.get("assumed", 0)), markup=False)
    c = results.counts
    out.print(
        _w(
            "counts",
            lang,
            decisions=c.get("decisions", len(results.decisions)),
            agenda=c.get("agenda", 0),
            overdue=c.get("overdue", 0),
            spof=c.get("single_points_of_failure", 0),
            routine=c.get("routine", 0),
            routine_overdue=c.get("routine_overdue", 0),
            findings=c.get("findings", 0),
            conflicts=c.get("conflicts", 0),
            orphans=c.get("orphans", 0),
        ),
        markup=False,
    )
    out.print(_w("more", lang), markup=False)


def print_summary(
    results: Results, lang: str, system_names: Mapping[str, str] | None = None
) -> None:
    """Everything behind the first screen (``--all``): flags per system over the scenarios,
    the top findings and the head of the table's agenda, from the analysis's typed records;
    systems by ``system_names`` (id -> name in ``lang``) where given."""
    names = system_names or {}
    counts: dict[str, dict[str, int]] = {}
    for sc in results.scenarios:
        for flag in sc.flags:
            row = counts.setdefault(flag.system, {"red": 0, "orange": 0, "green": 0})
            row[flag.colour] = row.get(flag.colour, 0) + 1
    table = Table(title=_w("flags_title", lang), title_justify="left")
    for col in ("system", "red", "orange", "green"):
        table.add_column(_w(f"col_{col}", lang))
    for sid, c in counts.items():
        table.add_row(
            escape(names.get(sid, sid)),
            f"[bold red]{c['red']}[/]",
            f"[dark_orange]{c['orange']}[/]",
            f"[green]{c['green']}[/]",
        )
    out.print(table)
    out.print(f"[bold]{escape(_w('top_findings', lang))}[/bold]")
    by_id = {f.id: f for f in results.findings}
    for fid in results.top_findings:
        f = by_id.get(fid)
        if f is None:
            continue
        level = _w(f.level, lang) if f.level in _WORDS else (f.level or "-")
        where = f"{level}/{(f.way_of_working or '').upper()}/{f.station}"
        out.print(f"- [{where}] {f.text.in_(lang)}", markup=False)
    if results.agenda:
        title = _w("agenda_title", lang, n=len(results.agenda))
        out.print(_agenda_table(results.agenda, lang, title, 20))


@click.command("run")
@click.argument("model")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("vitaal-report"),
    show_default=True,
    help="Folder to write to.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default=None,
    help="Language of the output. Default: $VITAAL_LANG, else en (as every command).",
)
@click.option("--pdf", is_flag=True, help="Also write the report as PDF.")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="After the decisions, also print the flags per system, the top findings and the "
    "table's agenda.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the analysis (what analysis.json holds) as JSON on standard output instead of "
    "the summary.",
)
@click.option(
    "--export",
    "exports",
    type=click.Choice(["csv", "xlsx", "gpkg"]),
    multiple=True,
    help="Also write the results as files people open, into OUT/exports: csv, xlsx or gpkg "
    "(repeat for several; as vitaal export-results writes them).",
)
@click.option(
    "--compare-with",
    "compare_with",
    default=None,
    metavar="EARLIER",
    help="Also compare this run with EARLIER (an analysis.json of an earlier run, or a model: "
    "a folder, a database URL with #N, example:NAME) as vitaal compare EARLIER MODEL does; the "
    "report holds the comparison as a chapter after the decisions.",
)
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def run(
    model: str,
    out_dir: Path,
    lang: str | None,
    pdf: bool,
    show_all: bool,
    as_json: bool,
    exports: tuple[str, ...],
    compare_with: str | None,
    version: int | None,
) -> None:
    """The main job: the whole analysis (every subsystem, scenario and plan), a summary, and
    the report (or, without the report module, analysis.json) in --out."""
    from vitaal.cli.progress import engine_notice, progress_bar
    from vitaal.engine import warmup
    from vitaal.method.analysis import run_analysis

    start = time.perf_counter()
    lang = lang or Settings().lang
    source = parse_source(model, version)
    # the engine's kernels: read from numba's cache, or compiled on a first run, in a
    # background thread while the model is read; the display says so while it compiles
    with engine_notice():
        warmup.start()
        loaded = load(source, progress=not as_json)
        root = Path(source.location) if source.kind == "folder" else None
        with progress_bar("Analysis", enabled=not as_json) as update:
            phases: dict[str, int] = {}

            def progress(phase: str, done: int, total: int) -> None:
                phases.setdefault(phase, len(phases))
                update(done, total, phase)

            analysis = run_analysis(loaded, progress=progress, model_root=root)
    data = analysis.as_dict()
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "analysis.json"
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    json_path.write_text(text, encoding="utf-8")
    # with --json standard output holds the JSON alone; the messages go to standard error
    say = err if as_json else out
    if as_json:
        click.echo(text)
    else:
        results = Results.from_dict(data)
        print_decisions(results, lang)
        if show_all:
            print_summary(results, lang, {s: name_in(r, lang) for s, r in loaded.systems.items()})
    try:
        from vitaal.report import write_report  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        say.print(f"Analysis written to {json_path}", markup=False)
    else:
        comparison = None
        if compare_with is not None:
            from vitaal.cli.compare_cmd import results_of
            from vitaal.method.compare import compare_sides, model_side

            earlier = results_of(compare_with, progress=False)
            comparison = compare_sides(
                model_side(earlier, compare_with), model_side(Results.from_dict(data), model)
            )
            say.print(
                f"Compared with {compare_with}: "
                + ("no difference" if comparison.is_empty() else "differences in the report"),
                markup=False,
            )
        report = write_report(
            data, loaded, out_dir, lang=lang, pdf=pdf, model_root=root,
            nodes=analysis.failed_nodes(), comparison=comparison,
        )  # fmt: skip
        say.print(f"Report written to {report}; analysis in {json_path}", markup=False)
    if exports:
        from vitaal.cli.export_cmd import export_analysis

        written = export_analysis(analysis, out_dir / "exports", exports, lang)
        say.print(f"{len(written)} export file(s) in {out_dir / 'exports'}", markup=False)
    err.print(f"done in {time.perf_counter() - start:.1f} s", markup=False)
