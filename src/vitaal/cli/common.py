"""What every command shares: the consoles, and errors turned into messages and exit codes."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Protocol, TypeVar

from rich.console import Console

from vitaal.errors import ModelError, Problem, Severity, VitaalError

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code for a model with problems (validation errors).
EXIT_PROBLEMS = 2
#: Exit code for any other error vitaal reports (unknown scenario, database unreachable ...).
EXIT_ERROR = 1

# A pipe gets wide lines rather than a table squeezed into 80 columns.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_problems(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    for p in errors + warnings:
        err.print(str(p), markup=False)
    err.print(f"{len(errors)} error(s), {len(warnings)} warning(s)", markup=False)


def handle_errors(func: F) -> F:
    """Turn vitaal's own errors into a message and an exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ModelError as exc:
            print_problems(exc.problems)
            sys.exit(EXIT_PROBLEMS)
        except VitaalError as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(EXIT_ERROR)
        except (FileExistsError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


class Note(Protocol):
    """What an importer could not map: the element and the reason."""

    @property
    def element(self) -> str: ...

    @property
    def reason(self) -> str: ...


def format_notes(title: str, notes: Iterable[Note], shown: int = 5) -> list[str]:
    """Importer notes grouped by reason, as lines of text: ``N title:``, then per reason the
    count and the first ``shown`` elements."""
    items = list(notes)
    by_reason: dict[str, list[str]] = defaultdict(list)
    for n in items:
        by_reason[n.reason].append(n.element)
    lines = [f"{len(items)} {title}:"] if items else []
    for reason, elements in by_reason.items():
        more = f" and {len(elements) - shown} more" if len(elements) > shown else ""
        lines.append(f"  {len(elements)} x {reason}")
        lines.append(f"      {', '.join(elements[:shown])}{more}")
    return lines
