"""The web app's words in Dutch and English: its own catalogue
(``locale/<lang>/LC_MESSAGES/vitaal_web.po``) with the report's catalogue behind it
(:mod:`vitaal.report.i18n`), so that a message the report translates reads the same here."""

from __future__ import annotations

import io
from functools import lru_cache
from importlib.resources import files

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from vitaal.report.i18n import LANGUAGES
from vitaal.report.i18n import translations as report_translations

__all__ = ["LANGUAGES", "translations"]

DOMAIN = "vitaal_web"


@lru_cache(maxsize=4)
def translations(lang: str) -> NullTranslations:
    """The web app's translations of ``lang`` (``en`` or ``nl``), the report's behind them."""
    base = report_translations(lang)
    if lang == "en":
        return base
    source = files("vitaal.web").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po")
    with source.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    own = Translations(buf, domain=DOMAIN)
    own.add_fallback(base)
    return own
