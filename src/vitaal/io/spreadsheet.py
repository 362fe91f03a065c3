"""Cells a spreadsheet shows as text: the one defence against formula injection in the CSV
files vitaal writes.

A spreadsheet that opens a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula; a tab or carriage return in front hides it (OWASP, "CSV Injection"). A model
name such as ``=HYPERLINK("http://...","open")`` or ``=cmd|' /C calc'!A0`` would then act in
the spreadsheet of everyone who opens the file. Every CSV writer of vitaal passes each cell
through :func:`spreadsheet_cell`, which puts a single quote in front of such a cell (the
spreadsheets' own mark for "text"); numbers, negative ones included, stay numbers.

The model-folder reader undoes it with :func:`read_spreadsheet_cell`, so a model written
and read again is the same model: the quote is added also in front of a text that already
starts with quotes followed by one of those characters, and exactly one quote is taken
off again.
"""

from __future__ import annotations

import re
from typing import TypeVar

__all__ = ["FORMULA_STARTS", "read_spreadsheet_cell", "spreadsheet_cell"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: A plain number, signed or not (``-12``, ``+3.5``, ``-1,5``, ``-2e-3``): left as it is.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
#: A cell that already starts with quotes in front of a formula character.
_QUOTED = re.compile(r"'+[=+\-@\t\r]")

T = TypeVar("T")


def spreadsheet_cell(value: T) -> T | str:
    """``value`` as a CSV cell that a spreadsheet shows as written, never runs.

    Text starting with ``= + - @``, a tab or a carriage return gets a single quote in front,
    unless it is a plain number; so does text that starts with quotes followed by one of
    those (so that :func:`read_spreadsheet_cell` gives back exactly what was written).
    Anything that is not text (numbers, ``None``) is returned as it is.

    Complexity: O(1) for cells that need nothing, else O(length).

    Examples
    --------
    >>> spreadsheet_cell('=HYPERLINK("http://x","open")')
    '\\'=HYPERLINK("http://x","open")'
    >>> spreadsheet_cell("-12.5"), spreadsheet_cell(-3), spreadsheet_cell("Grid station")
    ('-12.5', -3, 'Grid station')
    >>> spreadsheet_cell("'=1+1")
    "''=1+1"
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS):
        return value if _NUMBER.fullmatch(value) else "'" + value
    if value[0] == "'" and _QUOTED.match(value):
        return "'" + value
    return value


def read_spreadsheet_cell(text: str) -> str:
    """The text :func:`spreadsheet_cell` was given, from the cell it made.

    One quote is taken off a cell that starts with quotes followed by a formula character;
    any other cell is returned as it is (``'s-Gravendeel`` keeps its quote).

    Examples
    --------
    >>> read_spreadsheet_cell("'=1+1"), read_spreadsheet_cell("''=1+1")
    ('=1+1', "'=1+1")
    >>> read_spreadsheet_cell("'s-Gravendeel")
    "'s-Gravendeel"
    """
    return text[1:] if text[:1] == "'" and _QUOTED.match(text) else text
