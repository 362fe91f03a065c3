"""``vitaal report`` through its click command (the lead registers it in ``main``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from vitaal.cli.report_cmd import report

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_command(tmp_path: Path, lang: str) -> None:
    pytest.importorskip("vitaal.method.analysis")
    out = tmp_path / "out"
    result = CliRunner().invoke(report, [str(TINY), "--out", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert ("Stap 1 Afbakenen en typeren" if lang == "nl" else "Step 1 Delimit") in html
    assert not (out / "report.pdf").exists()


def test_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(report, [str(TINY), "--out", str(tmp_path), "--lang", "fr"])
    assert result.exit_code == 2
