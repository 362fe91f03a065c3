"""The PDF: the same HTML printed by WeasyPrint, which fetches nothing from the network."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from vitaal.errors import VitaalError


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise VitaalError(f"the report refers to {url!r}; it must not fetch anything")


def write_pdf(html: str, path: Path) -> Path:
    """Print ``html`` to ``path`` (A4, print styles of the report)."""
    from weasyprint import HTML

    # WeasyPrint reports unsupported CSS through logging; keep it out of the user's console
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    tmp = path.with_name(f".{path.name}.tmp")
    HTML(string=html, url_fetcher=_no_fetch, base_url=None).write_pdf(tmp)
    tmp.replace(path)
    return path
