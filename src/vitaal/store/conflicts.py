"""Optimistic concurrency: a change based on a version of a record that has changed since.

Every import and every apply names the version it is based on (its *base*). A record that the
change touches and that another version has changed after the base is a :class:`Conflict`;
the whole write is refused with :class:`ConflictError`, which shows the record as it was in
the base version, as it is now (and which version made it so, by whom), and as the refused
change would have made it. Records the change does not touch are kept as they are now, so two
people who edit different records from the same version both keep their changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vitaal.errors import StoreError

#: Fields shown per record in a conflict message (the rest are counted).
_SHOWN = 8


@dataclass(frozen=True, slots=True)
class Conflict:
    """One record changed both since the base version and by the refused change.

    ``base``, ``theirs`` and ``yours`` are the record's plain JSON form in the base version,
    now (after version ``their_version`` by ``their_author``) and in the refused change;
    ``None`` where the record does not exist.
    """

    kind: str
    key: str
    base_version: int
    their_version: int
    their_author: str
    base: dict[str, Any] | None
    theirs: dict[str, Any] | None
    yours: dict[str, Any] | None

    def fields(self) -> list[str]:
        """The fields that differ between any two of base, theirs and yours."""
        forms = [f or {} for f in (self.base, self.theirs, self.yours)]
        names = sorted({name for form in forms for name in form})
        return [n for n in names if len({_show(f.get(n)) for f in forms}) > 1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "base_version": self.base_version,
            "their_version": self.their_version,
            "their_author": self.their_author,
            "base": self.base,
            "theirs": self.theirs,
            "yours": self.yours,
            "fields": self.fields(),
        }

    def describe(self) -> str:
        """Several lines: the record, and each differing field in the three forms."""
        head = (
            f"{self.kind} '{self.key}': changed in version {self.their_version} by "
            f"{self.their_author} since version {self.base_version}, which your change is "
            "based on"
        )
        rows = [
            (f"in version {self.base_version}", self.base),
            (f"in version {self.their_version}", self.theirs),
            ("in your change", self.yours),
        ]
        width = max(len(label) for label, _ in rows)
        lines = [head]
        names = self.fields()
        for label, form in rows:
            if form is None:
                lines.append(f"    {label:<{width}}  (the record does not exist)")
                continue
            shown = ", ".join(f"{n}={_show(form.get(n))}" for n in names[:_SHOWN])
            more = f" and {len(names) - _SHOWN} more fields" if len(names) > _SHOWN else ""
            lines.append(f"    {label:<{width}}  {shown or '(no field differs)'}{more}")
        return "\n".join(lines)


class ConflictError(StoreError):
    """A write refused because records it changes have changed since its base version."""

    def __init__(self, conflicts: list[Conflict], latest: int) -> None:
        self.conflicts = conflicts
        self.latest = latest
        n = len(conflicts)
        text = "\n".join(c.describe() for c in conflicts)
        super().__init__(
            f"{n} record{'s' if n != 1 else ''} changed since the version your change is based "
            f"on; nothing was written (the latest version is {latest}: start from it and "
            f"make your change again)\n{text}"
        )


def find_conflicts(
    edits: Mapping[tuple[str, str], dict[str, Any] | None],
    base_rows: Mapping[tuple[str, str], dict[str, Any]],
    current: Mapping[tuple[str, str], dict[str, Any]],
    touched: Mapping[tuple[str, str], tuple[int, str]],
    base: int,
) -> list[Conflict]:
    """The conflicts of ``edits`` (record -> its new form, ``None`` to remove it), given the
    records at the base version, the current records, and for each record changed since the
    base the last version that changed it and its author. An edit that makes a record what it
    already is now is no conflict (both sides agree)."""
    out = []
    for pair, yours in edits.items():
        changed = touched.get(pair)
        if changed is None or current.get(pair) == yours:
            continue
        out.append(
            Conflict(
                kind=pair[0],
                key=pair[1],
                base_version=base,
                their_version=changed[0],
                their_author=changed[1],
                base=base_rows.get(pair),
                theirs=current.get(pair),
                yours=yours,
            )
        )
    return out


def _show(value: Any) -> str:
    return "-" if value is None else repr(value)


__all__ = ["Conflict", "ConflictError", "find_conflicts"]
