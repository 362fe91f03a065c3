"""A CSV table whose header does not name the required columns is not a table: it is one
located error, not an empty table whose records vanish."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from tests.cli_helpers import run
from vitaal.io import tables
from vitaal.io.tables import TABLES


def random_text(seed: int, lines: int) -> str:
    """Lines of random words: no commas, no header of any table."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(2, 9)))

    return "".join(" ".join(word() for _ in range(rng.randint(3, 9))) + "\n" for _ in range(lines))


def test_a_header_without_the_required_columns_is_one_problem_at_line_1() -> None:
    check = getattr(tables, "csv_header_problems", None)
    assert check is not None, "vitaal.io.tables has no check of CSV headers"
    [problem] = check(TABLES["requirements"], ["The quick brown fox"], "requirements.csv")
    assert str(problem) == (
        "requirements.csv:1: found a header without the columns consumer, resource "
        "(it reads 'The quick brown fox'), expected a first row naming the columns of "
        "requirements, at least consumer, resource"
    )
    [one] = check(TABLES["supply"], ["supplier", "resource", "ref"], "supply.csv")
    assert one.found.startswith("a header without the column consumer (")
    assert check(TABLES["requirements"], [" consumer", "resource ", "k"], "r.csv") == []


@pytest.mark.parametrize("lines", [1, 6], ids=["one line", "six lines"])
def test_random_text_as_requirements_csv_fails_validate(tiny: Path, lines: int) -> None:
    (tiny / "requirements.csv").write_text(random_text(17, lines), encoding="utf-8")
    result = run("validate", str(tiny), "--strict")
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith("requirements")]
    assert len(problems) == 1, result.stderr
    assert problems[0].startswith("requirements.csv:1: found a header without the columns ")


def test_a_pump_map_csv_without_its_columns_is_an_error_even_without_rows(
    tmp_path: Path,
) -> None:
    from vitaal.cli.water_gis_cmd import read_power_map
    from vitaal.errors import VitaalError

    path = tmp_path / "pumps.csv"
    path.write_text("The quick brown fox\n", encoding="utf-8")
    with pytest.raises(VitaalError) as info:
        read_power_map(path)
    assert str(info.value) == (
        f"{path}:1: found the columns 'The quick brown fox', expected the columns pump and supplier"
    )
    path.write_text("pump, supplier\nPU1, el-ss-1\n", encoding="utf-8")
    assert read_power_map(path) == {"PU1": "el-ss-1"}
