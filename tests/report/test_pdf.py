"""The PDF is produced and has the seven step headings for every subsystem."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

STEPS_NL = (
    "Stap 1 Afbakenen en typeren",
    "Stap 2 Analyse van de onderdelen",
    "Stap 3 Faciliterende stromen en nevenuitkomsten",
    "Stap 4 Wordt de systeemlogica uitgedaagd?",
    "Stap 5 Koppeling: afhankelijkheden, knelpunten, kansen",
    "Stap 6 Impactindicator",
    "Stap 7 Cascadechecker",
)


def test_pdf_has_seven_steps_per_subsystem(
    tiny_reports: dict[str, Path], tiny_fixture_analysis: dict[str, Any]
) -> None:
    pdf = tiny_reports["nl"].parent / "report.pdf"
    assert pdf.exists()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(pdf)
    assert len(reader.pages) > 3
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    n = len(tiny_fixture_analysis["subsystems"])
    assert n == 3
    for heading in STEPS_NL:
        assert text.count(heading) == n, heading
    assert "Samenvatting" in text
