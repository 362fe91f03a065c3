"""``vitaal capacity``: utilisation per component and year, and the year capacity runs out."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from vitaal.cli.common import handle_errors, out
from vitaal.cli.sources import load, parse_source

__all__ = ["capacity", "format_table"]

#: Years shown in the table besides the base year, where the projection reaches them.
SHOWN_YEARS: tuple[int, ...] = (2030, 2040, 2050)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _lead(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g} y"


def format_table(data: dict[str, Any], threshold: float) -> tuple[Table, list[str]]:
    """The table of components that reach ``threshold`` within the horizon, from the JSON
    form of a capacity result, and the lines to print under it."""
    years = data["years"]
    base = data["base_year"]
    shown = [base] + [y for y in SHOWN_YEARS if base < y <= years[-1] and y in years]
    table = Table(show_lines=False)
    for col in ("component", "resource", "owner"):
        table.add_column(col, overflow="fold")
    table.add_column(f"now ({base})", justify="right")
    for y in shown[1:]:
        table.add_column(str(y), justify="right")
    for col in ("exhausted", "lead time", "decide by"):
        table.add_column(col, justify="right")

    def peak(c: dict[str, Any]) -> float:
        return max((v for v in c["utilisation"].values() if v is not None), default=-1.0)

    rows = [c for c in data["components"] if peak(c) >= threshold]
    rows.sort(key=lambda c: (c["exhausted_year"] is None, c["exhausted_year"] or 0, -peak(c)))
    for c in rows:
        name = c["id"] if not c["name"] else f"{c['name']} ({c['id']})"
        # model text is escaped: a name such as "[/x]" is shown as written, not read as markup
        table.add_row(
            escape(name),
            escape(c["resource"]),
            escape(c["owner"] or "-"),
            *[_percent(c["utilisation"][str(y)]) for y in shown],
            str(c["exhausted_year"] or "-"),
            _lead(c["lead_time_y"]),
            str(c["decision_year"] or "-"),
        )
    notes = []
    unknown = [
        c["id"]
        for c in data["components"]
        if c["capacity"] is None and any((v or 0) > 0 for v in c["load"].values())
    ]
    if unknown:
        notes.append(
            f"{len(unknown)} component(s) carry load but have no capacity, so their "
            f"utilisation is unknown: {', '.join(unknown)}"
        )
    summary = (
        f"{len(rows)} of {len(data['components'])} component capacities reach "
        f"{threshold * 100:.0f}% by {years[-1]}"
    )
    return table, [summary, *notes]


@click.command("capacity")
@click.argument("model")
@click.option(
    "--scenario",
    "scenario_id",
    default=None,
    help="Scenario whose plans and transitions drive growth (default: none, no growth).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option(
    "--year-to", type=int, default=2050, show_default=True, help="Last year of the projection."
)
@click.option(
    "--threshold",
    type=float,
    default=0.8,
    show_default=True,
    help="List components whose utilisation reaches this share.",
)
@click.option(
    "--norms",
    "norms_path",
    default=None,
    help="A demand-norms file to use instead of the packaged one.",
)
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def capacity(
    model: str,
    scenario_id: str | None,
    as_json: bool,
    year_to: int,
    threshold: float,
    norms_path: str | None,
    version: int | None,
) -> None:
    """Utilisation of every component per year under a scenario's growth, and the year its
    capacity runs out, with the latest year to decide on reinforcement.

    MODEL is a model folder, a database URL or example:NAME.
    """
    from vitaal.engine.capacity import project_capacity
    from vitaal.engine.demand import load_norms

    loaded = load(parse_source(model, version), progress=not as_json)
    norms = load_norms(norms_path) if norms_path else None
    result = project_capacity(loaded, scenario_id, year_to=year_to, norms=norms)

    data = result.to_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    scen = data["scenario"] or "no scenario (no growth)"
    head = (
        f"[bold]{escape(data['model'])}[/bold]: capacity under {escape(scen)}, "
        f"{data['base_year']}-{year_to}"
    )
    out.print(head)
    if data["scenario_year"] is not None:
        out.print(
            f"A shock in this scenario meets the load of {data['scenario_year']}.", markup=False
        )
    table, notes = format_table(data, threshold)
    if table.row_count:
        out.print(table)
    for line in notes:
        out.print(line, markup=False)
