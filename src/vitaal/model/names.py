"""A record's name in the reader's language: the one rule every output uses.

Records that people read by name carry it in English (``name``, or ``title`` for a plan) and,
where the model gives one, in Dutch (``name_nl``, ``title_nl``). Dutch output shows the Dutch
name and falls back to the English one; English output shows the English name; a record
without a name shows its id.

>>> from vitaal.model.records import Component
>>> c = Component(id="ww-1", subsystem="ww", kind="wwtp", name="WWTP Dokhaven",
...               name_nl="RWZI Dokhaven")
>>> name_in(c, "nl"), name_in(c, "en"), names(c)
('RWZI Dokhaven', 'WWTP Dokhaven', {'en': 'WWTP Dokhaven', 'nl': 'RWZI Dokhaven'})
"""

from __future__ import annotations

from typing import Any

__all__ = ["name_in", "names"]


def name_in(record: Any, lang: str) -> str:
    """The name of ``record`` (anything with ``name``/``name_nl`` or ``title``/``title_nl``,
    and ``id``) in ``lang``."""
    en = getattr(record, "name", None) or getattr(record, "title", None)
    if lang == "nl":
        nl = getattr(record, "name_nl", None) or getattr(record, "title_nl", None)
        if nl:
            return str(nl)
    return str(en or getattr(record, "id", ""))


def names(record: Any) -> dict[str, str]:
    """The name of ``record`` in English and Dutch, as a ``{en, nl}`` text."""
    return {"en": name_in(record, "en"), "nl": name_in(record, "nl")}
