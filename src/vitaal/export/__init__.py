"""Exports people open: the analysis as CSV files, an Excel workbook and a GeoPackage.

An adapter, as the report is: it reads the typed records of
:mod:`vitaal.method.results` and writes files; nothing in the method imports it.

>>> from vitaal.export import FORMATS
>>> FORMATS
('csv', 'xlsx', 'gpkg')
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from vitaal.export.tables import SHEETS, Sheet, result_sheets
from vitaal.method.results import Results

__all__ = ["FORMATS", "SHEETS", "Sheet", "result_sheets", "write_exports"]

#: The formats :func:`write_exports` writes.
FORMATS: tuple[str, ...] = ("csv", "xlsx", "gpkg")
#: The file names in the export folder.
WORKBOOK = "results.xlsx"
GEOPACKAGE = "scenarios.gpkg"


def write_exports(
    results: Results,
    folder: str | os.PathLike[str],
    *,
    formats: Sequence[str] = FORMATS,
    lang: str = "en",
    delimiter: str = ",",
) -> list[Path]:
    """Write ``results`` into ``folder`` in each of ``formats``: ``csv`` (a file per sheet,
    ``<sheet>.csv``), ``xlsx`` (``results.xlsx``, a worksheet per sheet) and ``gpkg``
    (``scenarios.gpkg``, the failed nodes of every scenario). Texts in ``lang``. Returns the
    paths written.

    Examples
    --------
    >>> from vitaal.method.analysis import run_analysis  # doctest: +SKIP
    >>> write_exports(Results.from_analysis(run_analysis(model)), "out/exports")  # doctest: +SKIP
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(unknown)}")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    sheets = result_sheets(results, lang)
    paths: list[Path] = []
    if "csv" in formats:
        from vitaal.export.csv_files import write_csv

        paths += write_csv(sheets, out, delimiter)
    if "xlsx" in formats:
        from vitaal.export.workbook import write_workbook

        paths.append(write_workbook(sheets, out / WORKBOOK))
    if "gpkg" in formats:
        from vitaal.export.geopackage import write_geopackage

        scen = next(s for s in sheets if s.name == "scenarios")
        paths.append(write_geopackage(results, out / GEOPACKAGE, scen))
    return paths
