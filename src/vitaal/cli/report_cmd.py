"""``vitaal report``: the analysis as a self-contained HTML page (and a PDF)."""

from __future__ import annotations

from pathlib import Path

import click

from vitaal.cli.common import handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.settings import Settings

__all__ = ["report"]


@click.command("report")
@click.argument("model")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html (and report.pdf) into.",
)
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of the report. Default: $VITAAL_LANG, else en (as every command).",
)
@click.option("--pdf", is_flag=True, help="Also write report.pdf.")
@click.option("--version", "version", type=int, default=None, help="Version in a database.")
@handle_errors
def report(model: str, out_dir: Path, lang: str | None, pdf: bool, version: int | None) -> None:
    """Write the report of MODEL: the seven steps per subsystem, every scenario with its
    impact, flags, causal chains, timeline and map, the three core questions, the decision
    agenda, the iceberg and the plans. One HTML file that opens offline; with --pdf also
    a PDF."""
    from vitaal.method.analysis import run_analysis
    from vitaal.report import write_report

    source = parse_source(model, version)
    loaded = load(source)
    root = Path(source.location) if source.kind == "folder" else None
    analysis = run_analysis(loaded, model_root=root)
    index = write_report(
        analysis.as_dict(),
        loaded,
        out_dir,
        lang=lang or Settings().lang,
        pdf=pdf,
        model_root=root,
        nodes=analysis.failed_nodes(),
    )  # fmt: skip
    out.print(f"wrote {index}", markup=False)
    if pdf:
        out.print(f"wrote {out_dir / 'report.pdf'}", markup=False)
