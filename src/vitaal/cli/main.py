"""The ``vitaal`` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from vitaal import __version__
from vitaal.cli.common import EXIT_PROBLEMS, handle_errors, out, print_problems
from vitaal.cli.sources import db_url, load, parse_source
from vitaal.errors import Severity, VitaalError
from vitaal.settings import Settings


def _settings() -> Settings:
    return Settings()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vitaal")
def cli() -> None:
    """vitaal: see how a city's vital systems hang together and what a change does to them.

    MODEL is a model folder, a database URL (sqlite:///vitaal.db, postgresql+psycopg://...;
    add #N for version N), or example:rotterdam for the bundled example.
    """


@cli.command()
@click.argument("model")
@click.option("--strict", is_flag=True, help="Count warnings as errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def validate(model: str, strict: bool, as_json: bool, version: int | None) -> None:
    """Check a model and list every problem with file, line, field, found and expected.

    Exits 0 when the model is sound, 2 when it has errors (or warnings, with --strict).
    """
    from vitaal.model.validate import validate_model

    source = parse_source(model, version)
    if source.kind == "folder":
        from vitaal.cli.progress import progress_bar
        from vitaal.io.folder import load_model

        with progress_bar("Reading model", enabled=not as_json) as update:
            loaded, problems = load_model(source.location, progress=update)
    else:
        loaded, problems = load(source), []
    problems = problems + validate_model(loaded)
    failed = any(p.severity is Severity.ERROR or strict for p in problems)
    if as_json:
        click.echo(
            json.dumps({"ok": not failed, "problems": [p.as_dict() for p in problems]}, indent=2)
        )
    elif problems:
        print_problems(problems)
    if failed:
        sys.exit(EXIT_PROBLEMS)
    if not as_json:
        out.print(f"{loaded.info.name}: {loaded.size()} records, no errors", markup=False)


@cli.command()
@click.argument("model")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def info(model: str, as_json: bool, version: int | None) -> None:
    """Summarise a model per system: components, capacity, couplings."""
    from vitaal.model.summary import format_capacity, summarise_model

    loaded = load(parse_source(model, version), progress=not as_json)
    summary = summarise_model(loaded)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    t = summary["totals"]
    # model text is escaped: a name such as "[/x]" is shown as written, not read as markup
    out.print(
        f"[bold]{escape(summary['name'])}[/bold]  "
        f"(base year {summary['base_year']}, {escape(str(summary['crs']))})"
    )
    table = Table(show_lines=False)
    for col in (
        "system",
        "owner",
        "subsystems",
        "components",
        "capacity of producers",
        "depends on",
        "links in/out",
        "couplings",
    ):
        table.add_column(col, overflow="fold")
    for s in summary["systems"]:
        table.add_row(
            escape(f"{s['name']} ({s['id']})"),
            escape(s["owner"] or "-"),
            str(s["subsystems"]),
            f"{s['components']:,}",
            format_capacity(s["capacity"]) or "-",
            escape(", ".join(s["depends_on"]) or "-"),
            f"{s['links_in']}/{s['links_out']}",
            str(s["couplings"]),
        )
    out.print(table)
    out.print(
        f"{t['systems']} systems, {t['subsystems']} subsystems, {t['components']:,} components, "
        f"{t['areas']} service areas ({t['population']:,} people, {t['homes']:,} homes), "
        f"{t['critical_functions']} critical functions, {t['supply_links']:,} supply links, "
        f"{t['couplings']} couplings",
        markup=False,
    )
    out.print(f"scenarios: {', '.join(s['id'] for s in summary['scenarios']) or '-'}", markup=False)
    out.print(f"plans: {', '.join(p['id'] for p in summary['plans']) or '-'}", markup=False)


@cli.command(name="import")
@click.argument("model")
@click.option(
    "--db", "db", default=None, help="Database URL (default: $VITAAL_DB or sqlite:///vitaal.db)."
)
@click.option(
    "--author",
    default=None,
    help="Who is recorded in the audit trail (default: $VITAAL_USER or your login).",
)
@click.option("-m", "--message", default="", help="What this version is.")
@click.option(
    "--base",
    type=int,
    default=None,
    help="The version the model was made from (required once the store holds a version).",
)
@handle_errors
def import_(model: str, db: str | None, author: str | None, message: str, base: int | None) -> None:
    """Import a model folder into the store as a new version (all or nothing).

    Once the store holds a version, --base names the version the model was made from: its
    changes from that version are written over the latest version, and a change of a record
    that a later version changed is refused, showing both versions.
    """
    from vitaal.store import open_store

    settings = _settings()
    loaded = load(parse_source(model))
    url = db_url(db or settings.db)
    with open_store(url) as store:
        number = store.import_model(
            loaded,
            author=author or settings.user,
            message=message or f"import {model}",
            base=base,
        )
    out.print(f"imported {loaded.info.name} as version {number} into {url}", markup=False)


@cli.command()
@click.argument("out_dir", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--db", "db", default=None, help="Database URL (default: $VITAAL_DB).")
@click.option(
    "--version", "version", type=int, default=None, help="Version to export (default: latest)."
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@handle_errors
def export(out_dir: Path, db: str | None, version: int | None, force: bool) -> None:
    """Write a version from the store as a model folder."""
    from vitaal.io.folder import write_model
    from vitaal.store import open_store

    settings = _settings()
    url = db_url(db or settings.db)
    with open_store(url) as store:
        # the number first: the version written is the one named (the base of later imports)
        number = version if version is not None else store.latest_version()
        loaded = store.read_model(number)
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise VitaalError(f"{out_dir} exists and is not empty (use --force to replace it)")
    write_model(loaded, out_dir, overwrite=force)
    out.print(
        f"wrote {loaded.info.name} version {number} to {out_dir} (import it with --base {number})",
        markup=False,
    )


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@handle_errors
def diff(old: str, new: str, as_json: bool) -> None:
    """Compare two models: folders, or versions in a database (URL#N).

    Exits 0 when they are equal and 1 when they differ.
    """
    from vitaal.model.diff import diff_models

    a = load(parse_source(old), progress=not as_json)
    b = load(parse_source(new), progress=not as_json)
    d = diff_models(a, b)
    if as_json:
        click.echo(json.dumps(d.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        _print_diff(d.as_dict())
    sys.exit(0 if d.is_empty() else 1)


def _print_diff(d: dict[str, Any]) -> None:
    kinds: dict[str, Any] = d.get("kinds", {})
    if not d.get("info") and not any(kinds.values()):
        out.print("no differences")
        return
    for change in d.get("info", []):
        out.print(
            f"~ model {change['field']}: {change['before']!r} -> {change['after']!r}", markup=False
        )
    for kind, change in kinds.items():
        for key in change.get("added", []):
            out.print(f"+ {kind} {key}", markup=False)
        for key in change.get("removed", []):
            out.print(f"- {kind} {key}", markup=False)
        for item in change.get("changed", []):
            out.print(f"~ {kind} {item['key']}", markup=False)
            for f in item["fields"]:
                out.print(f"    {f['field']}: {f['before']!r} -> {f['after']!r}", markup=False)
    s = d.get("summary", {})
    out.print(
        f"{s.get('added', 0)} added, {s.get('removed', 0)} removed, {s.get('changed', 0)} changed",
        markup=False,
    )


def _register() -> None:
    from vitaal.cli.capacity_cmd import capacity
    from vitaal.cli.cascade_cmd import cascade
    from vitaal.cli.compare_cmd import compare
    from vitaal.cli.export_cmd import export_results
    from vitaal.cli.method_cmd import check, run
    from vitaal.cli.network_cmd import import_network
    from vitaal.cli.options_cmd import options
    from vitaal.cli.report_cmd import report
    from vitaal.cli.scale_cmd import criticality, ensemble
    from vitaal.cli.serve_cmd import serve
    from vitaal.cli.store_cmd import audit_group, backup, log, restore
    from vitaal.cli.water_gis_cmd import gis_export, gis_import, import_epanet_cmd

    cli.add_command(capacity)
    cli.add_command(cascade)
    cli.add_command(compare)
    cli.add_command(export_results)
    cli.add_command(check)
    cli.add_command(run)
    cli.add_command(import_network)
    cli.add_command(options)
    cli.add_command(report)
    cli.add_command(criticality)
    cli.add_command(ensemble)
    cli.add_command(import_epanet_cmd)
    cli.add_command(gis_export)
    cli.add_command(gis_import)
    cli.add_command(log)
    cli.add_command(audit_group)
    cli.add_command(backup)
    cli.add_command(restore)
    cli.add_command(serve)


_register()


def main() -> None:
    cli(prog_name="vitaal")


if __name__ == "__main__":
    main()
