"""The sheets as one Excel workbook: a worksheet per table, its header row bold and frozen,
an autofilter over the whole table, column widths fitted to the content, shares as
percentages and money with thousands separators.

Text is written as text (an inline string), never as a formula: a model name such as
``=HYPERLINK(...)`` shows as written and does not run. Characters that the file format cannot
hold (control characters other than tab and line breaks) are shown as ``\\xNN``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from vitaal.export.tables import Sheet

__all__ = ["write_workbook", "xlsx_text"]

#: What the format cannot hold (XML 1.0 forbids these characters).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WIDTH_ROWS = 500  # rows read to fit a column's width
_MIN_WIDTH, _MAX_WIDTH, _TEXT_WIDTH = 6, 40, 80
_TEXT_COLUMNS = frozenset({"title", "text", "evidence", "reason", "rule_text"})


def xlsx_text(value: str) -> str:
    """``value`` with the characters a workbook cannot hold shown as ``\\xNN``.

    >>> xlsx_text("a\\x07b")
    'a\\\\x07b'
    """
    return _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def _format(column: str) -> str | None:
    if column.startswith("utilisation"):
        return "0.0%"
    if column.endswith("_eur") or column in ("people", "people_affected", "person_hours"):
        return "#,##0"
    return None


def _width(sheet: Sheet, j: int) -> float:
    name = sheet.columns[j]
    longest = max((len(str(r[j])) for r in sheet.rows[:_WIDTH_ROWS] if r[j] is not None), default=0)
    cap = _TEXT_WIDTH if name in _TEXT_COLUMNS else _MAX_WIDTH
    return float(min(max(longest, len(name), _MIN_WIDTH), cap) + 2)


def _text_cell(ws: WriteOnlyWorksheet, text: str) -> Any:
    c = WriteOnlyCell(ws, value=text)
    c.data_type = "s"  # text that starts with "=": kept as text, never a formula
    return c


def _rows(ws: WriteOnlyWorksheet, sheet: Sheet) -> Iterator[list[Any]]:
    """The rows as openpyxl appends them. openpyxl is slow per cell object, so most values go
    as they are; a number with a format goes through one cell per column, given its value
    row by row (a write-only sheet writes each row as it is appended), and text that starts
    with ``=`` through a cell of its own typed as text."""
    templates: list[Any] = []
    for name in sheet.columns:
        fmt = _format(name)
        cell = None
        if fmt is not None:
            cell = WriteOnlyCell(ws)
            cell.number_format = fmt
        templates.append(cell)
    for row in sheet.rows:
        out: list[Any] = []
        for value, cell in zip(row, templates, strict=True):
            if isinstance(value, str):
                text = xlsx_text(value)
                out.append(_text_cell(ws, text) if text.startswith("=") else text)
            elif (
                cell is not None and isinstance(value, int | float) and not isinstance(value, bool)
            ):
                cell.value = value
                out.append(cell)
            else:
                out.append(value)
        yield out


def write_workbook(sheets: Sequence[Sheet], path: str | os.PathLike[str]) -> Path:
    """Write ``sheets`` as one workbook at ``path`` (written beside it, then moved into
    place); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name[:31])
        ws.freeze_panes = "A2"
        for j in range(len(sheet.columns)):
            ws.column_dimensions[get_column_letter(j + 1)].width = _width(sheet, j)
        header = []
        for name in sheet.columns:
            h = WriteOnlyCell(ws, value=name)
            h.font = bold
            header.append(h)
        ws.append(header)
        for row in _rows(ws, sheet):
            ws.append(row)
        last = get_column_letter(max(len(sheet.columns), 1))
        ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    tmp = target.with_name(f".{target.name}.tmp")
    wb.save(tmp)
    tmp.replace(target)
    return target
