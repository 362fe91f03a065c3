"""Translations: gettext catalogues (``locale/<lang>/LC_MESSAGES/vitaal.po``) read at run time.

The ``.po`` files are the source; each is compiled in memory to a ``.mo`` with Babel when a
report is written, so that there is no build step and an edited catalogue takes effect at once.
English is the source language: its catalogue is empty and every message stands as written.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib.resources import files

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from vitaal.errors import VitaalError

LANGUAGES: tuple[str, ...] = ("en", "nl")
DOMAIN = "vitaal"


def catalogue_path(lang: str) -> str:
    """Where the ``.po`` file of ``lang`` lives in the package."""
    return f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po"


@lru_cache(maxsize=8)
def translations(lang: str) -> NullTranslations:
    """The translations of ``lang``, compiled from its ``.po`` file."""
    if lang not in LANGUAGES:
        raise VitaalError(f"no report language '{lang}'; choose one of {', '.join(LANGUAGES)}")
    source = files("vitaal.report").joinpath(catalogue_path(lang))
    with source.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)
