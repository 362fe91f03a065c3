"""vitaal: see how a city's vital infrastructure hangs together and what a change will do to it."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
