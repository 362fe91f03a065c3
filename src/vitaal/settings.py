"""Typed settings of the command line and (later) the web app, read from the environment.

Library code never reads these: options are passed in. Only adapters (cli, web) build a
:class:`Settings` and hand its values down.
"""

from __future__ import annotations

import getpass

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Settings(BaseSettings):
    """``VITAAL_DB``, ``VITAAL_USER``, ``VITAAL_LANG``, ``VITAAL_TILES`` (or a ``.env`` file)
    override these."""

    model_config = SettingsConfigDict(env_prefix="VITAAL_", env_file=".env", extra="ignore")

    db: str = Field(default="sqlite:///vitaal.db", description="database URL of the store")
    user: str = Field(default_factory=_default_user, description="who is recorded in the audit")
    lang: str = Field(default="en", pattern="^(en|nl)$", description="language of reports")
    tiles: str | None = Field(
        default=None, description="the web app's base map: the city's tile server (off: none)"
    )
