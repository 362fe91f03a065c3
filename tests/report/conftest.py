from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.report.fixture import tiny_analysis
from vitaal.io.folder import read_model
from vitaal.model.model import Model
from vitaal.report import write_report

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.fixture(scope="session")
def tiny_model() -> Model:
    return read_model(TINY)


@pytest.fixture(scope="session")
def tiny_fixture_analysis(tiny_model: Model) -> dict[str, Any]:
    return tiny_analysis(tiny_model)


@pytest.fixture(scope="session")
def tiny_reports(
    tiny_model: Model,
    tiny_fixture_analysis: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    """``index.html`` of the tiny model in both languages (Dutch with the PDF)."""
    out = {}
    for lang in ("en", "nl"):
        folder = tmp_path_factory.mktemp(f"report-{lang}")
        out[lang] = write_report(
            tiny_fixture_analysis, tiny_model, folder, lang=lang, pdf=lang == "nl"
        )
    return out
