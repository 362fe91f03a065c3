"""YAML with line numbers: every mapping remembers the line of itself and of each key."""

from __future__ import annotations

from typing import Any

import yaml

from vitaal.errors import Loc, Problem


class LineDict(dict[Any, Any]):
    """A mapping read from YAML that knows the 1-based line of itself and of each key."""

    line: int | None = None
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]

    def __init__(self) -> None:
        super().__init__()
        self.key_lines = {}
        self.duplicates = []

    def line_of(self, key: Any) -> int | None:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        value = loader.construct_object(value_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in result:
            result.duplicates.append((key, line))
        result[key] = value
        result.key_lines[key] = line
    return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; a syntax error becomes one :class:`Problem` with its line, not a raise."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (exc.problem or exc.context or "syntax error").strip()
        return None, [Problem(Loc(file, line), None, f"invalid YAML ({what})", "well-formed YAML")]
    except yaml.YAMLError as exc:
        return None, [Problem(Loc(file), None, f"invalid YAML ({exc})", "well-formed YAML")]
    problems = []
    for mapping in _mappings(data):
        for key, line in mapping.duplicates:
            problems.append(
                Problem(Loc(file, line), str(key), "a key given twice", "each key once")
            )
    return data, problems


def _mappings(data: Any) -> list[LineDict]:
    out: list[LineDict] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, LineDict):
            out.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, keys in the order given, unicode kept."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
