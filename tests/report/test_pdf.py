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


def test_pdf_ignores_the_script(tiny_reports: dict[str, Path]) -> None:
    """WeasyPrint does not run the report's script: the PDF of the page with it and without it
    hold the same text, page by page."""
    import io

    from weasyprint import HTML

    from vitaal.report.pdf import _no_fetch

    page = tiny_reports["nl"].read_text(encoding="utf-8")
    start = page.index("<script>")
    bare = page[:start] + page[page.index("</script>", start) + len("</script>") :]
    assert "<script" not in bare
    texts = []
    for html in (page, bare):
        buf = io.BytesIO()
        HTML(string=html, url_fetcher=_no_fetch, base_url=None).write_pdf(buf)
        buf.seek(0)
        texts.append([p.extract_text() for p in PdfReader(buf).pages])
    assert len(texts[0]) > 3
    assert texts[0] == texts[1]
