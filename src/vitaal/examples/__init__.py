"""Model folders shipped with vitaal."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from vitaal.errors import VitaalError


def example_path(name: str) -> Path:
    """The folder of a bundled example model, e.g. ``example_path("rotterdam")``."""
    base = resources.files("vitaal.examples")
    folder = Path(str(base.joinpath(name)))
    if not (folder / "model.yaml").is_file():
        names = ", ".join(example_names()) or "none"
        raise VitaalError(f"no bundled example '{name}' (bundled: {names})")
    return folder


def example_names() -> list[str]:
    base = Path(str(resources.files("vitaal.examples")))
    return sorted(p.name for p in base.iterdir() if (p / "model.yaml").is_file())
