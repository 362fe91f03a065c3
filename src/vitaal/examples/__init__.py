"""Model folders shipped with vitaal.

The examples live in the repository's ``examples/`` folder, a plain folder a user can copy
to start a model of their own. A wheel carries them inside this package
(``vitaal/examples/NAME``, put there by ``force-include`` in ``pyproject.toml``); an
editable install or a source checkout finds them in ``examples/`` next to ``src/``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from vitaal.errors import VitaalError


def _places() -> list[Path]:
    """Where bundled examples are looked for, in order: inside the installed package, then
    the ``examples/`` folder of the source checkout this package was imported from."""
    package = Path(str(resources.files("vitaal.examples")))
    return [package, Path(__file__).resolve().parents[3] / "examples"]


def example_path(name: str) -> Path:
    """The folder of a bundled example model, e.g. ``example_path("rotterdam")``."""
    if not name.replace("_", "").replace("-", "").isalnum():
        raise VitaalError(f"no bundled example {name!r} (a name of letters, digits, - and _)")
    for base in _places():
        folder = base / name
        if (folder / "model.yaml").is_file():
            return folder
    names = ", ".join(example_names()) or "none"
    raise VitaalError(f"no bundled example '{name}' (bundled: {names})")


def example_names() -> list[str]:
    """The names of the bundled examples."""
    names = {
        p.name
        for base in _places()
        if base.is_dir()
        for p in base.iterdir()
        if (p / "model.yaml").is_file()
    }
    return sorted(names)
