"""Reading pandapower and pandapipes JSON files without running what a file names.

pandapower's own reader (``pandapower.from_json``) rebuilds every object tagged with
``"_module"`` and ``"_class"`` by importing that module and calling that name with the file's
data: a file naming ``{"_module": "os", "_class": "system", "_object": "..."}`` runs a shell
command. A network file is data and must never run anything, so every tagged object in the
file, and in every JSON text nested inside it (tables are stored as JSON strings), is checked
against the types a network holds *before* the library sees the file:

- tables and values: pandas ``DataFrame`` and ``Series``, GeoPandas ``GeoDataFrame`` and
  ``GeoSeries``, numpy arrays and numpy scalar types, ``complex``, networkx ``MultiGraph``;
- the nets themselves: ``pandapowerNet``, ``pandapipesNet``;
- pandapower's and pandapipes' own serialisable classes (component models, fluids, standard
  types, controllers): a class defined in those packages that derives from
  ``JSONSerializableClass``, which the reader rebuilds by setting attributes, never by a call,
  and pandapipes' component models, which it keeps as classes.

Anything else (a function, a module attribute, a class of another package) is refused with a
:class:`~vitaal.errors.ModelError` that names the file and the place in it. Whatever else goes
wrong while the library reads an accepted file becomes a located error too, never a traceback.

>>> problems = find_foreign_objects('{"a": {"_module": "os", "_class": "system"}}', "net.json")
>>> print(problems[0])
net.json [$.a]: _class: found 'os.system', expected a type a pandapower or pandapipes network holds
"""

from __future__ import annotations

import importlib
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from vitaal.errors import Loc, ModelError, Problem

__all__ = ["MAX_NET_BYTES", "find_foreign_objects", "read_panda_json"]

#: The largest network file read (bytes); a city's grid as pandapower JSON is tens of MB.
MAX_NET_BYTES = 1 << 30
#: Nested JSON texts inside JSON texts deeper than this are refused (a real file has two).
_MAX_TEXT_DEPTH = 8

#: Tagged types a network file may hold besides the packages' own serialisable classes.
_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("pandapower.auxiliary", "pandapowerNet"),
        ("pandapipes.pandapipes_net", "pandapipesNet"),
        ("pandas.core.frame", "DataFrame"),
        ("pandas.core.series", "Series"),
        ("pandas", "DataFrame"),
        ("pandas", "Series"),
        ("geopandas.geodataframe", "GeoDataFrame"),
        ("geopandas.geoseries", "GeoSeries"),
        ("networkx", "MultiGraph"),
        ("builtins", "complex"),
        ("numpy", "array"),
    }
)
#: Packages whose ``JSONSerializableClass`` subclasses a file may name.
_OWN_PACKAGES = ("pandapower", "pandapipes")
_EXPECTED = "a type a pandapower or pandapipes network holds"


def _numpy_scalar(name: str) -> bool:
    value = getattr(np, name, None)
    return isinstance(value, type) and issubclass(value, np.generic)


def _own_serialisable(module: str, name: str) -> bool:
    """Whether ``module.name`` is a class of pandapower/pandapipes that the reader rebuilds by
    setting attributes (a ``JSONSerializableClass``)."""
    if module.split(".", 1)[0] not in _OWN_PACKAGES or not name.isidentifier():
        return False
    if not all(part.isidentifier() for part in module.split(".")):
        return False
    try:
        mod = importlib.import_module(module)
        from pandapower.io_utils import JSONSerializableClass
    except Exception:  # an unknown module of the package: not a type it wrote
        return False
    value = vars(mod).get(name)
    if not isinstance(value, type):
        return False
    if issubclass(value, JSONSerializableClass):
        return True
    if module.startswith("pandapipes."):
        # a component model of pandapipes' component list: returned as the class, not called
        from pandapipes.component_models.abstract_models.base_component import Component

        return issubclass(value, Component)
    return False


def _allowed(module: object, name: object) -> bool:
    if not isinstance(module, str) or not isinstance(name, str):
        return False
    if (module, name) in _ALLOWED:
        return True
    if module == "numpy":
        return _numpy_scalar(name)
    return _own_serialisable(module, name)


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, object, object]]:
    """Every tagged object under ``value`` as (place, module, class), nested texts included."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            if "_module" in item or "_class" in item:
                yield where, item.get("_module"), item.get("_class")
            for key, sub in item.items():
                stack.append((sub, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((sub, f"{where}[{i}]") for i, sub in enumerate(item))
        elif isinstance(item, str) and ("_module" in item or "_class" in item):
            inner = _parse(item)
            if inner is None:
                continue
            if depth >= _MAX_TEXT_DEPTH:
                yield where, "(JSON text nested too deep)", None
                continue
            yield from _walk(inner, where, depth + 1)


def _parse(text: str) -> Any:
    """``text`` as JSON, or ``None`` when it is no JSON object or array."""
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def find_foreign_objects(text: str, file: str) -> list[Problem]:
    """Every tagged object in the JSON ``text`` of a network file that is not a type a network
    holds, as problems located in ``file`` by their JSON path (``$.bus._object``).

    The text must be valid JSON (see :func:`read_panda_json` for the error otherwise).
    Complexity: linear in the size of the text and of the JSON texts nested in it.
    """
    data = json.loads(text)
    problems = []
    for where, module, name in _walk(data, "$", 0):
        if _allowed(module, name):
            continue
        if isinstance(module, str) and isinstance(name, str):
            found = repr(f"{module}.{name}")
        else:
            found = f"_module {module!r}, _class {name!r}"
        problems.append(Problem(Loc(file), "_class", found, _EXPECTED, record=where))
    return problems


def _refuse(file: str, found: str, expected: str, line: int | None = None) -> ModelError:
    return ModelError([Problem(Loc(file, line), None, found, expected)])


def read_panda_json(path: str | os.PathLike[str], package: str) -> Any:
    """The ``pandapower`` or ``pandapipes`` net in the JSON file ``path``, read safely.

    Raises
    ------
    ModelError
        The file is too large, not UTF-8, not JSON, names a type no network holds, or the
        library cannot make a net of it; each problem names the file and where in it.
    """
    file = str(path)
    p = Path(path)
    size = p.stat().st_size
    if size > MAX_NET_BYTES:
        raise _refuse(file, f"{size:,} bytes", f"a network file of at most {MAX_NET_BYTES:,} bytes")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(
            file, f"bytes that are not UTF-8 at {exc.start}", "a JSON file in UTF-8"
        ) from None
    try:
        problems = find_foreign_objects(text, file)
    except json.JSONDecodeError as exc:
        found = f"invalid JSON ({exc.msg}, column {exc.colno})"
        raise _refuse(file, found, f"a {package} network saved as JSON", exc.lineno) from None
    except RecursionError:
        raise _refuse(file, "JSON nested too deep", f"a {package} network saved as JSON") from None
    if problems:
        message = f"{file}: {len(problems)} object(s) of a type no network holds; not read"
        raise ModelError(problems, message)
    return _decode(text, file, package)


def _decode(text: str, file: str, package: str) -> Any:
    pkg = importlib.import_module(package)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            net = pkg.from_json_string(text)
        except Exception as exc:  # the library's own errors carry no place; say ours
            reason = f"{type(exc).__name__}: {exc}".strip()[:300]
            found = f"a file {package} cannot read ({reason})"
            raise _refuse(file, found, f"a {package} network saved as JSON") from None
    expected = "pandapowerNet" if package == "pandapower" else "pandapipesNet"
    if type(net).__name__ != expected:
        raise _refuse(file, f"a {type(net).__name__}", f"a {package} network ({expected})")
    return net
