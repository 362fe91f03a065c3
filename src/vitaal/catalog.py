"""Read-only reference data shipped with vitaal (units, component kinds, categories, norms ...).

Schema as data: the lists that decide what a model may say live in YAML files under
``vitaal/data``; this module is their one loader. Nothing here is mutable at run time: each
file is parsed once and cached, and callers receive read-only views. The files are read by
the one YAML loader of vitaal, with its limits (:mod:`vitaal.io.yamlfile`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any


@cache
def load_data(name: str) -> Any:
    """Parse the packaged data file ``vitaal/data/<name>.yaml``."""
    # imported here: vitaal.io needs the units, which need this module
    from vitaal.io.yamlfile import safe_load

    text = resources.files("vitaal.data").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return safe_load(text, f"vitaal/data/{name}.yaml")


def data_mapping(name: str, key: str) -> MappingProxyType[str, Any]:
    """A read-only view of one top-level mapping of a data file."""
    value = load_data(name)[key]
    if not isinstance(value, dict):
        raise TypeError(f"vitaal/data/{name}.yaml: '{key}' is not a mapping")
    return MappingProxyType(value)
