"""``vitaal cascade``: what a scenario does, in time, to every system."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from vitaal.cli.common import handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.settings import Settings

__all__ = ["cascade"]

_COLOUR = {"red": "bold red", "orange": "dark_orange", "green": "green"}


def _hours(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g} h"


def _chain_text(chain: list[dict[str, Any]]) -> str:
    if not chain:
        return "-"
    parts = []
    for step in chain:
        res = f" ({step['resource']})" if step["resource"] else ""
        parts.append(f"{step['node']}{res}")
    return " <- ".join(parts)


def print_run(data: dict[str, Any], lang: str = "en") -> None:
    """The readable form of a scenario run's JSON; the model's texts (names, reasons, rule
    texts) in ``lang``, the headings in English as the command line has them."""
    nl = lang == "nl"
    out.print(
        f"[bold]{escape((data.get('name_nl') or data['name']) if nl else data['name'])}[/bold] "
        f"({escape(data['scenario'])}): "
        f"horizon {data['horizon_h']:g} h, demand of {data['year']}, "
        f"origin {escape(data['origin_system'] or '-')}"
    )
    imp = data["impact"]
    reason = imp.get("reason_nl") if nl and imp.get("reason_nl") else imp["reason"]
    out.print(f"Impact: [bold]{escape(imp['class'])}[/bold] - {escape(reason)}")
    crit = Table(title="Impact indicator (step 6)", title_justify="left")
    for col in ("criterion", "value", "class"):
        crit.add_column(col)
    for name, c in imp["criteria"].items():
        value = c["value"]
        text = f"{value:,.0f}" if name != "critical_functions" else f"{int(value)}"
        if c.get("service"):
            text += f" ({c['service']})"
        crit.add_row(escape(name.replace("_", " ")), escape(text), escape(c["class"]))
    out.print(crit)
    flags = Table(title="Cascade checker (step 7)", title_justify="left")
    for col in ("system", "flag", "rule", "order", "onset", "owner", "chain"):
        flags.add_column(col, overflow="fold")
    for f in data["flags"]:
        flags.add_row(
            escape(f["system"] + (" (origin)" if f["origin"] else "")),
            f"[{_COLOUR[f['colour']]}]{f['colour']}[/]",
            escape(f["rule_text_nl"] if nl and f.get("rule_text_nl") else f["rule_text"]),
            str(f["order"]) if f["order"] is not None else "-",
            _hours(f["onset_h"]),
            escape(f["owner"] or "-"),
            escape(_chain_text(f["chain"])),
        )
    out.print(flags)
    lost = imp["critical_functions_lost"]
    if lost:
        out.print(
            "Critical functions lost: "
            + "; ".join(
                f"{(c.get('name_nl') or c['name']) if nl else c['name']} after "
                f"{c['fail_time_h']:g} h ({c['resource'] or '-'})"
                for c in lost
            ),
            markup=False,
        )
    out.print(f"{data['failed']} components and consumers fail within the horizon.", markup=False)
    basis = data.get("basis") or {}
    if basis.get("assumed"):
        out.print(
            f"This result rests on {basis['assumed']} assumed record(s) of {basis['records']}: "
            + "; ".join(basis["assumed_records"])
            + (" ..." if basis["assumed"] > len(basis["assumed_records"]) else ""),
            markup=False,
        )


@click.command("cascade")
@click.argument("model")
@click.option("--scenario", "scenario_id", required=True, help="Scenario id.")
@click.option(
    "--horizon",
    "horizon_h",
    type=float,
    default=None,
    help="Horizon in hours (default: the scenario's, else the model's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--failed-only", is_flag=True, help="In the JSON, list only the nodes that fail.")
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default=None,
    help="Language of the model's texts (names, reasons, rule texts). Default: $VITAAL_LANG, "
    "else en.",
)
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def cascade(
    model: str,
    scenario_id: str,
    horizon_h: float | None,
    as_json: bool,
    failed_only: bool,
    lang: str | None,
    version: int | None,
) -> None:
    """Run a scenario's timed cascade: who fails when and why, the impact class, and a
    red/orange/green flag per system with its causal chain and owner."""
    from vitaal.method.scenario_run import run_scenario

    source = parse_source(model, version)
    loaded = load(source, progress=not as_json)
    root = Path(source.location) if source.kind == "folder" else None
    run = run_scenario(loaded, scenario_id, horizon_h=horizon_h, model_root=root)
    data = run.as_dict(loaded, all_nodes=not failed_only)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
        return
    print_run(data, lang or Settings().lang)
