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

__all__ = ["kind_name", "name_in", "names"]


def name_in(record: Any, lang: str) -> str:
    """The name of ``record`` (anything with ``name``/``name_nl`` or ``title``/``title_nl``,
    and ``id``) in ``lang``."""
    en = getattr(record, "name", None) or getattr(record, "title", None)
    if lang == "nl":
        nl = getattr(record, "name_nl", None) or getattr(record, "title_nl", None)
        if nl:
            return str(nl)
    return str(en or getattr(record, "id", ""))


def kind_name(kind: str | None, lang: str) -> str:
    """A component kind by its name in ``lang``: the Dutch name of ``vitaal/data/kinds.yaml``
    in Dutch, the kind with spaces in English (and for a kind a model adds).

    >>> kind_name("sewer_pumping_station", "en"), kind_name("sewer_pumping_station", "nl")
    ('sewer pumping station', 'rioolgemaal')
    >>> kind_name("heat_buffer_vessel", "nl")
    'heat buffer vessel'
    """
    if kind is None:
        return "–"
    if lang == "nl":
        from vitaal.catalog import data_mapping

        spec = data_mapping("kinds", "kinds").get(kind)
        if isinstance(spec, dict) and spec.get("nl"):
            return str(spec["nl"])
    return kind.replace("_", " ")


def names(record: Any) -> dict[str, str]:
    """The name of ``record`` in English and Dutch, as a ``{en, nl}`` text."""
    return {"en": name_in(record, "en"), "nl": name_in(record, "nl")}
