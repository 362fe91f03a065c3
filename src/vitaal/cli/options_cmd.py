"""``vitaal options``: what to do about a red flag, what it costs and what it buys.

Every intervention of the model's register is applied and the scenarios run again; per red
and orange flag the options that address it, per option the flags, impact class and
expected annual losses before and after and its benefit-cost ratio, and the portfolios of up
to three options the greedy and the exact search find (``docs/interventions.md``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from vitaal.cli.common import handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.errors import ScenarioError

__all__ = ["options"]

_COLOUR = {"red": "bold red", "orange": "dark_orange", "green": "green"}
_VERDICT = {
    "resolves": "green",
    "improves": "green",
    "delays": "dark_orange",
    "reduces": "dark_orange",
    "none": "dim",
    "worsens": "bold red",
}


def _eur(value: float | None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _onset(value: float | None) -> str:
    return "-" if value is None else f"{value:g} h"


def _flag(f: dict[str, Any] | None) -> str:
    if f is None:
        return "-"
    return f"[{_COLOUR[f['colour']]}]{f['colour']}[/] {_onset(f['onset_h'])}"


def _print_ensemble(data: dict[str, Any]) -> None:
    """Each option over the ensemble of sampled hazards."""
    ens = data["ensemble"]
    loss = ens["losses"]
    out.print(
        f"Over the ensemble ({ens['n_scenarios']} sampled scenarios, seed {ens['seed']}), "
        f"expected a year without any option: {loss['person_hours']:,.0f} person-hours without "
        f"a service, {loss['people_affected']:,.0f} people affected, EUR "
        f"{_eur(loss['economic_loss_eur'])} economic loss; in all EUR {_eur(ens['eur'])}.",
        markup=False,
    )
    table = Table(title="Options over the ensemble", title_justify="left")
    for col in ("option", "person-hours a year avoided", "EUR a year avoided", "B/C", "NPV EUR"):
        table.add_column(col, overflow="fold")
    for o in data["options"]:
        e = o.get("ensemble")
        if e is None:
            continue
        bc = e["benefit_cost"]
        table.add_row(
            escape(o["id"]),
            f"{e['avoided']['person_hours']:,.0f}",
            _eur(e["eur_avoided"]),
            _ratio(bc["benefit_cost_ratio"]),
            _eur(bc["npv_eur"]),
        )
    out.print(table)


def print_options(data: dict[str, Any]) -> None:
    """The readable form of the options report's JSON."""
    econ = data["economics"]
    out.print(
        f"[bold]Options[/bold] for {escape(data['model'])}: discount rate "
        f"{econ['discount_rate']:.2%}, horizon {econ['horizon_y']} years "
        f"(base year {data['base_year']})"
    )
    for sc in data["scenarios"]:
        lk = sc["likelihood"]
        if lk is None:
            often = "no likelihood (not in the expected annual losses)"
        elif lk["return_period_y"] is not None:
            often = f"once in {lk['return_period_y']:g} years"
        else:
            often = (
                f"likelihood class {lk['likelihood_class']} ({lk['frequency_per_year']:.2g} a year)"
            )
        out.print(
            f"  {escape(sc['id'])}: impact class [bold]{sc['impact_class']}[/bold], "
            f"{escape(often)}",
        )
    ea = data["expected_annual"]
    loss = ea["losses"]
    out.print(
        f"Expected a year without any option: {loss['person_hours']:,.0f} person-hours without "
        f"a service, {loss['people_affected']:,.0f} people affected, "
        f"{loss['critical_function_hours']:,.1f} critical-function hours, "
        f"{loss['hindrance_hours']:,.0f} hindrance hours, EUR {_eur(loss['economic_loss_eur'])} "
        f"economic loss; in all EUR {_eur(ea['eur'])} a year.",
        markup=False,
    )

    table = Table(title="Options, each on its own", title_justify="left")
    for col in (
        "option",
        "kind",
        "owner",
        "invest EUR",
        "ready",
        "class",
        "EUR a year avoided",
        "B/C",
        "NPV EUR",
        "does",
    ):
        table.add_column(col, overflow="fold")
    for o in data["options"]:
        if o.get("error"):
            table.add_row(
                escape(o["id"]),
                o["kind"],
                escape(o["owner"] or "-"),
                _eur(o["investment_eur"]),
                str(o["ready_year"]),
                "-",
                "-",
                "-",
                "-",
                f"[bold red]cannot be applied[/]: {escape(o['error'])}",
            )
            continue
        bc = o["benefit_cost"]
        classes = ", ".join(
            f"{s['impact_class']['before']}>{s['impact_class']['after']}"
            for s in o["scenarios"].values()
        )
        does = []
        for s in o["scenarios"].values():
            for f in s["flags"]:
                if f["addresses"] and f["verdict"] != "none":
                    does.append(
                        f"[{_VERDICT[f['verdict']]}]{f['verdict']}[/] {escape(f['system'])}"
                    )
        table.add_row(
            escape(o["id"]),
            o["kind"],
            escape(o["owner"] or "-"),
            _eur(o["investment_eur"]),
            str(o["ready_year"]),
            classes,
            _eur(bc["annual_benefit_eur"]),
            _ratio(bc["benefit_cost_ratio"]),
            _eur(bc["npv_eur"]),
            ", ".join(does) or "[dim]nothing[/]",
        )
    out.print(table)
    if data.get("ensemble"):
        _print_ensemble(data)

    flags = Table(
        title="Red and orange flags and the options that address them", title_justify="left"
    )
    for col in ("scenario", "system", "flag", "options (verdict: flag after)"):
        flags.add_column(col, overflow="fold")
    for f in data["flags"]:
        opts = "; ".join(
            f"{escape(r['id'])} [{_VERDICT[r['verdict']]}]{r['verdict']}[/]: {_flag(r['after'])}"
            for r in f["options"]
        )
        flags.add_row(
            escape(f["scenario"]),
            escape(f["system"]),
            _flag({"colour": f["colour"], "onset_h": f["onset_h"]}),
            opts or "[dim]none in the register[/]",
        )
    out.print(flags)

    for o in data["options"]:
        if o.get("error") or o["benefit_cost"]["annual_benefit_eur"] > 0:
            continue
        whys = [t["why"] for s in o["scenarios"].values() for t in s["targets"]][:3]
        cf_h = o["expected_annual_avoided"]["critical_function_hours"]
        if cf_h > 1e-9:
            head = (
                f"{o['id']} avoids {cf_h:,.2f} critical-function hours a year, which "
                "economics.yaml does not put in money"
            )
        else:
            head = f"{o['id']} buys nothing on its own"
        if whys or cf_h > 1e-9:
            out.print(head + (": " + "; ".join(whys) if whys else "") + ".", markup=False)

    _print_decisions(data.get("decisions"))
    pf = data.get("portfolios")
    if not pf:
        return
    budget = (
        "no budget" if pf["budget_eur"] is None else f"a budget of EUR {_eur(pf['budget_eur'])}"
    )
    out.print(f"Portfolios of up to {pf['max_size']} options within {budget}:", markup=False)
    for name in ("greedy", "exact"):
        p = pf[name]["portfolio"]
        if p is None:
            out.print(f"  {name}: no portfolio with a benefit above its cost", markup=False)
            continue
        out.print(
            f"  {name}: {' + '.join(p['options'])}: EUR {_eur(p['annual_benefit_eur'])} a year "
            f"avoided, investment EUR {_eur(p['investment_eur'])}, B/C "
            f"{_ratio(p['benefit_cost_ratio'])}, NPV EUR {_eur(p['npv_eur'])}",
            markup=False,
        )
    ex = pf["exact"]
    if ex["left_out"]:
        out.print(
            f"  (the exact search tried {ex['combinations']} combinations of "
            f"{len(ex['pool'])} options; left out: {', '.join(ex['left_out'])})",
            markup=False,
        )
    for it in pf["interactions"][:5]:
        a, b = it["options"]
        word = "more" if it["interaction_eur"] > 0 else "less"
        out.print(
            f"  {a} + {b} buy EUR {_eur(abs(it['interaction_eur']))} a year {word} together "
            "than the two alone",
            markup=False,
        )


def _print_decisions(rows: list[dict[str, Any]] | None, top: int = 20) -> None:
    if rows is None:
        return
    with_options = [d for d in rows if d["options"]]
    out.print(
        f"{len(with_options)} of the {len(rows)} decisions on the table have an option in the "
        "register:",
        markup=False,
    )
    if not with_options:
        return
    table = Table(title="Decisions and the options for them", title_justify="left")
    for col in ("#", "decision", "class", "options (B/C; verdicts on its systems' flags)"):
        table.add_column(col, overflow="fold")
    for d in with_options[:top]:
        opts = []
        for o in d["options"]:
            verdicts = sorted({v for v in o["verdicts"].values() if v != "none"})
            opts.append(
                f"{escape(o['id'])} ({_ratio(o['benefit_cost_ratio'])}"
                + (f"; {', '.join(verdicts)}" if verdicts else "")
                + ")"
            )
        title = d["title"]["en"] if isinstance(d["title"], dict) else str(d["title"])
        table.add_row(str(d["rank"]), escape(title), str(d["consequence"]), "; ".join(opts))
    out.print(table)


@click.command("options")
@click.argument("model")
@click.option(
    "--scenario",
    "scenario_ids",
    multiple=True,
    help="Scenario id (repeat for several; default: every scenario with a likelihood).",
)
@click.option("--plan", "plan_id", default=None, help="A plan: its growth and each shock on it.")
@click.option(
    "--option",
    "option_ids",
    multiple=True,
    help="Intervention id of the register (repeat; default: all).",
)
@click.option("--budget", "budget_eur", type=float, default=None, help="Budget in euros.")
@click.option(
    "--max-size",
    type=click.IntRange(1, 3),
    default=3,
    show_default=True,
    help="Options a portfolio.",
)
@click.option(
    "--max-evaluations",
    type=click.IntRange(1),
    default=500,
    show_default=True,
    help="Most combinations the exact search runs.",
)
@click.option("--no-search", is_flag=True, help="Each option on its own; no portfolios.")
@click.option(
    "--no-check",
    is_flag=True,
    help="Do not validate each option's patched model first (faster; a broken option then "
    "fails in its run).",
)
@click.option(
    "--decisions",
    is_flag=True,
    help="Also run the whole method and list per decision on the table the options for it.",
)
@click.option(
    "--economics",
    "economics_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Discount rate, horizon and values (a file like vitaal/data/economics.yaml).",
)
@click.option(
    "--ensemble",
    "ensemble_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Also run each option over this ensemble of sampled hazards (a file as for vitaal "
    "ensemble --scenarios): expected annual losses before and after, and its benefit-cost.",
)
@click.option("--horizon", "horizon_h", type=float, default=None, help="Horizon in hours.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def options(
    model: str,
    scenario_ids: tuple[str, ...],
    plan_id: str | None,
    option_ids: tuple[str, ...],
    budget_eur: float | None,
    max_size: int,
    max_evaluations: int,
    no_search: bool,
    no_check: bool,
    decisions: bool,
    economics_path: Path | None,
    ensemble_path: Path | None,
    horizon_h: float | None,
    as_json: bool,
    version: int | None,
) -> None:
    """What to do about the red and orange flags: every intervention of the register applied
    and the scenarios run again; per flag the options that address it, per option the flags,
    impact class and expected annual losses before and after and its benefit-cost ratio, and
    the best portfolios of up to three options within the budget."""
    from vitaal.method.benefit_cost import load_economics
    from vitaal.method.options import (
        PortfolioSearch,
        RunSettings,
        options_report,
        plan_scenarios,
    )
    from vitaal.model.records import Scenario

    if budget_eur is not None and not (budget_eur >= 0 and math.isfinite(budget_eur)):
        raise ScenarioError(f"the budget must be a number of euros >= 0, not {budget_eur}")
    economics = load_economics(economics_path)
    spec = None
    if ensemble_path is not None:
        from vitaal.engine.ensemble import read_ensemble_spec

        spec = read_ensemble_spec(ensemble_path, {})
    source = parse_source(model, version)
    loaded = load(source, progress=not as_json)
    root = Path(source.location) if source.kind == "folder" else None
    if not loaded.interventions:
        raise ScenarioError(
            "the model has no interventions (interventions.yaml; docs/interventions.md)"
        )
    scenarios: list[Scenario | str] = list(scenario_ids)
    if plan_id is not None:
        scenarios += plan_scenarios(loaded, plan_id)
    if not scenarios:
        scenarios = [
            s.id
            for s in loaded.scenarios.values()
            if s.return_period_y is not None or s.likelihood_class is not None
        ]
        if not scenarios:
            raise ScenarioError(
                "no scenario has a likelihood (return_period_y or likelihood_class): "
                "give --scenario or --plan"
            )
    from vitaal.cli.progress import progress_bar

    with progress_bar("Options", enabled=not as_json) as update:
        data = options_report(
            loaded,
            scenarios,
            options=list(option_ids) or None,
            run=RunSettings(
                economics=economics,
                check=not no_check,
                model_root=root,
                horizon_h=horizon_h,
                ensemble=spec,
            ),
            search=PortfolioSearch(
                enabled=not no_search,
                budget_eur=budget_eur,
                max_size=max_size,
                max_evaluations=max_evaluations,
            ),
            decisions=decisions,
            progress=lambda what, done, total: update(done, total, what),
        )
    if as_json:
        click.echo(json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False))
        return
    print_options(data)


def _finite(value: Any) -> Any:
    """JSON without NaN or infinity: such a number becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
