"""Layer 5: the web app for the vital-systems table (``vitaal serve``). See ``docs/web.md``.

An adapter like the command line: it reads the store, runs the method in a worker and renders
pages and JSON; it holds no analysis of its own.
"""

from __future__ import annotations

from vitaal.web.app import create_app
from vitaal.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
