"""The web app's options, passed in by ``vitaal serve`` (or a test); nothing here reads the
environment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WebConfig:
    """How one web app runs.

    ``secure_cookies``: send cookies only over HTTPS (``None``: when the request came over
    HTTPS). ``workers``: ``"process"`` runs analyses and scenarios in worker processes (the
    default: a long run never holds up a page), ``"thread"`` in threads of the server (tests).
    """

    db_url: str
    secure_cookies: bool | None = None
    workers: str = "process"
    max_workers: int = 2
    #: a session ends after this many hours without a request, and after ``session_max_h``
    session_idle_h: float = 8.0
    session_max_h: float = 24.0 * 7
    #: failed sign-ins per user name, and per client address, within the window
    login_failures: int = 5
    login_window_s: float = 15 * 60.0
    #: analyses kept in memory (one per model version)
    cached_analyses: int = 2
    #: the city's own tile server for a base map under the map (off: ``None``): web-mercator
    #: tiles ``https://host/{z}/{x}/{y}.png`` or one WMS picture with ``{bbox}`` in the
    #: model's coordinates, ``{width}`` and ``{height}`` (:mod:`vitaal.web.basemap`); the
    #: pages may then load images from that host, and from nowhere else
    tiles: str | None = None
