"""Running ``vitaal`` through its entry point in tests, and editing a model copy in place."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from vitaal.cli.main import cli


def run(*args: str) -> Result:
    """``vitaal ARGS`` through click's runner; never a traceback, never an uncaught error."""
    result = CliRunner().invoke(cli, list(args), prog_name="vitaal")
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result


def edit(folder: Path, rel: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``folder/rel`` by ``new``."""
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
