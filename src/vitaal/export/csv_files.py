"""The sheets as CSV files: UTF-8 with a byte-order mark (so that Excel reads accents), one
header row of column ids, every text cell safe against formula injection."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

from vitaal.export.tables import Cell, Sheet
from vitaal.io.spreadsheet import spreadsheet_cell

__all__ = ["csv_cell", "write_csv"]


def csv_cell(value: Cell) -> str:
    """The text of one CSV cell: empty for ``None``, ``true``/``false``, numbers as Python
    writes them (a point for decimals), and text through
    :func:`~vitaal.io.spreadsheet.spreadsheet_cell` (a quote in front of ``=``, ``+``, ``-``,
    ``@`` ...).

    >>> csv_cell(None), csv_cell(True), csv_cell(0.25), csv_cell("=1+1")
    ('', 'true', '0.25', "'=1+1")
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return str(spreadsheet_cell(str(value)))


def write_csv(
    sheets: Sequence[Sheet], folder: str | os.PathLike[str], delimiter: str = ","
) -> list[Path]:
    """Write each sheet as ``<folder>/<name>.csv``; returns the paths written.

    Each file is written beside its final name and moved into place when complete.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet in sheets:
        path = out / f"{sheet.name}.csv"
        tmp = out / f".{sheet.name}.csv.tmp"
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
            w.writerow(sheet.columns)
            for row in sheet.rows:
                w.writerow([csv_cell(v) for v in row])
        tmp.replace(path)
        paths.append(path)
    return paths
