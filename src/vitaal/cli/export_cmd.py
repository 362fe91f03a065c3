"""``vitaal export-results``: the analysis as files people open (CSV, Excel, GeoPackage).

``vitaal export`` writes a model version from the store as a model folder; this command
writes the *results* of a model. ``vitaal run --export FORMAT`` writes the same files beside
the report, from the analysis it has just run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vitaal.cli.common import err, handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.settings import Settings

if TYPE_CHECKING:
    from vitaal.method.analysis import Analysis

__all__ = ["export_analysis", "export_results"]

_FORMATS = ("csv", "xlsx", "gpkg")


def export_analysis(
    analysis: Analysis,
    folder: Path,
    formats: Sequence[str],
    lang: str,
    delimiter: str = ",",
) -> list[Path]:
    """Write the exports of ``analysis`` into ``folder``
    (:func:`vitaal.export.write_exports`)."""
    from vitaal.export import write_exports
    from vitaal.method.results import Results

    return write_exports(
        Results.from_analysis(analysis),
        folder,
        formats=list(dict.fromkeys(formats)),
        lang=lang,
        delimiter=delimiter,
    )


@click.command("export-results")
@click.argument("model")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the files into (made when missing; files of the same name are replaced).",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(_FORMATS),
    multiple=True,
    help="csv (a file per table), xlsx (results.xlsx, a sheet per table) or gpkg "
    "(scenarios.gpkg, the failed nodes of every scenario for QGIS); repeat for several. "
    "Default: all three.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default=None,
    help="Language of the text columns (titles, texts, reasons). Default: $VITAAL_LANG, else en.",
)
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=",",
    show_default=True,
    help="Field separator of the CSV files (';' for a spreadsheet set to Dutch).",
)
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def export_results(
    model: str,
    out_dir: Path,
    formats: tuple[str, ...],
    lang: str | None,
    delimiter: str,
    version: int | None,
) -> None:
    """Run the analysis of MODEL and write its tables (decisions, agenda, routine lists,
    findings, scenarios, flags, capacity per component per year, cascade timelines and
    failures) as CSV files and an Excel workbook, and every scenario's failed nodes as a
    GeoPackage layer for QGIS."""
    from vitaal.method.analysis import run_analysis

    source = parse_source(model, version)
    loaded = load(source)
    root = Path(source.location) if source.kind == "folder" else None
    analysis = run_analysis(loaded, model_root=root)
    paths = export_analysis(
        analysis,
        out_dir,
        formats or _FORMATS,
        lang or Settings().lang,
        "\t" if delimiter == "tab" else delimiter,
    )
    for p in paths:
        out.print(f"wrote {p}", markup=False)
    err.print(f"{len(paths)} file(s) in {out_dir}", markup=False)
