"""The report (an adapter): the analysis rendered as one self-contained HTML page and a PDF,
in English or Dutch from the same templates.

>>> from vitaal.report import write_report  # doctest: +SKIP
"""

from __future__ import annotations

from vitaal.report.writer import render_html, write_report

__all__ = ["render_html", "write_report"]
