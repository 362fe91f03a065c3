"""The small exception hierarchy of vitaal and the record of one problem.

Problems are collected, never raised one at a time: a reader or validator gathers every
:class:`Problem` it finds and raises a single :class:`ModelError` holding them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors stop a run; warnings inform (``--strict`` promotes them)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a record was read from: a file relative to the model folder and a 1-based line,
    and, for records read from YAML, the line of each of its fields."""

    file: str
    line: int | None = None
    field_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def at(self, name: str | None) -> Loc:
        """Where field ``name`` of the record is: its own line when known, else the record's."""
        for key, line in self.field_lines:
            if key == name:
                return Loc(self.file, line)
        return Loc(self.file, self.line)

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a model, said so that a person can find and fix it.

    Examples
    --------
    >>> str(Problem(Loc("supply.csv", 14), "supplier", "'ss-xyz'", "an existing component id"))
    "supply.csv:14: supplier: found 'ss-xyz', expected an existing component id"
    """

    loc: Loc | None
    field: str | None
    found: str
    expected: str
    severity: Severity = Severity.ERROR
    record: str | None = None

    def __str__(self) -> str:
        where = str(self.loc) if self.loc is not None else "<model>"
        parts = [where]
        if self.record:
            parts.append(f"[{self.record}]")
        head = " ".join(parts)
        field = f"{self.field}: " if self.field else ""
        tag = "" if self.severity is Severity.ERROR else "warning: "
        return f"{head}: {tag}{field}found {self.found}, expected {self.expected}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.loc.file if self.loc else None,
            "line": self.loc.line if self.loc else None,
            "record": self.record,
            "field": self.field,
            "found": self.found,
            "expected": self.expected,
            "severity": self.severity.value,
        }


class VitaalError(Exception):
    """Base of every error vitaal raises on purpose."""


class ModelError(VitaalError, ValueError):
    """A model (or model folder) has problems; :attr:`problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        n = len(self.problems)
        super().__init__(message or f"{n} problem{'s' if n != 1 else ''} in the model")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


class StoreError(VitaalError):
    """The database cannot do what was asked (unknown version, unreachable server, ...)."""


class ScenarioError(VitaalError, ValueError):
    """A scenario or plan named on the command line does not exist or cannot be run."""
