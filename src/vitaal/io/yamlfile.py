"""YAML with line numbers and limits: every mapping remembers the line of itself and of each
key, and every file is read by one safe loader that refuses what could exhaust time or memory.

Every YAML read of vitaal goes through this module: model files (:func:`load_yaml`), the
packaged data files, ensemble specifications and pump maps (:func:`safe_load`,
:func:`read_yaml_file`). Only plain data is built (``yaml.SafeLoader``: no Python objects), and
a file is refused, with its line, when it is larger than :data:`MAX_YAML_BYTES`, nests deeper
than :data:`MAX_YAML_DEPTH`, uses more than :data:`MAX_YAML_ALIASES` aliases, or when its
aliases would stand for more than :data:`MAX_YAML_ALIAS_NODES` nodes (a "billion laughs" file of
nested aliases is a few hundred bytes that expand to a billion values).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from vitaal.errors import Loc, ModelError, Problem

#: Largest YAML file read, in bytes (16 MiB; the largest model file bundled is about 30 kB).
MAX_YAML_BYTES = 16 * 1024 * 1024
#: Deepest nesting of mappings and lists (a model file needs fewer than ten levels).
MAX_YAML_DEPTH = 50
#: Most aliases (``*name``) in one file; model files need none, merge keys (``<<: *base``) a few.
MAX_YAML_ALIASES = 100
#: Most nodes all aliases of one file may stand for together, counted as if written out.
MAX_YAML_ALIAS_NODES = 10_000


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML file over one of the limits of this module, with where and what."""

    def __init__(self, found: str, expected: str, mark: Any) -> None:
        super().__init__(problem=found, problem_mark=mark)
        self.found = found
        self.expected = expected


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes ``node`` stands for when every alias in it is written out."""
    key = id(node)
    if key in memo:
        return memo[key]
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = size
    return size


class _LimitedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that counts nesting and aliases while it composes the node graph,
    before any value is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._alias_nodes = 0
        self._open: set[str] = set()
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        if isinstance(event, yaml.ScalarEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise YamlLimitError(
                f"nesting deeper than {MAX_YAML_DEPTH} levels",
                f"at most {MAX_YAML_DEPTH} levels of mappings and lists",
                event.start_mark,
            )
        anchor = event.anchor
        if anchor is not None:
            self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor is not None:
                self._open.discard(anchor)

    def _count_alias(self, event: yaml.AliasEvent) -> None:
        self._aliases += 1
        if self._aliases > MAX_YAML_ALIASES:
            raise YamlLimitError(
                f"more than {MAX_YAML_ALIASES} aliases",
                f"at most {MAX_YAML_ALIASES} aliases (*name) in one file",
                event.start_mark,
            )
        anchor = event.anchor
        if anchor in self._open:
            raise YamlLimitError(
                f"alias *{anchor} inside the value it names",
                "aliases only to values that are complete (no recursive values)",
                event.start_mark,
            )
        target = self.anchors.get(anchor)
        if target is None:
            return  # the composer reports the undefined alias
        self._alias_nodes += _expanded_size(target, self._sizes)
        if self._alias_nodes > MAX_YAML_ALIAS_NODES:
            raise YamlLimitError(
                f"aliases that stand for more than {MAX_YAML_ALIAS_NODES} values",
                f"aliases that stand for at most {MAX_YAML_ALIAS_NODES} values in one file",
                event.start_mark,
            )


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


class _LineLoader(_LimitedLoader):
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


def _too_large(text: str) -> int | None:
    """The size of ``text`` in bytes when it is over :data:`MAX_YAML_BYTES`, else ``None``."""
    if len(text) <= MAX_YAML_BYTES // 4:  # four bytes per character at most in UTF-8
        return None
    size = len(text.encode("utf-8", errors="surrogatepass"))
    return size if size > MAX_YAML_BYTES else None


def _size_problem(file: str, size: int) -> Problem:
    return Problem(
        Loc(file), None, f"a YAML file of {size} bytes", f"at most {MAX_YAML_BYTES} bytes"
    )


def _parse(text: str, file: str, loader: type[_LimitedLoader]) -> tuple[Any, list[Problem]]:
    """Parse with ``loader``; every way YAML can fail becomes one located :class:`Problem`."""
    size = _too_large(text)
    if size is not None:
        return None, [_size_problem(file, size)]
    try:
        return yaml.load(text, Loader=loader), []  # a SafeLoader subclass
    except YamlLimitError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(Loc(file, line), None, exc.found, exc.expected)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (exc.problem or exc.context or "syntax error").strip()
        return None, [Problem(Loc(file, line), None, f"invalid YAML ({what})", "well-formed YAML")]
    except yaml.YAMLError as exc:
        return None, [Problem(Loc(file), None, f"invalid YAML ({exc})", "well-formed YAML")]
    except (ValueError, OverflowError) as exc:
        # a scalar PyYAML resolves but cannot build: a date 2026-13-45, 5,000 digits
        found = f"a value YAML cannot build ({str(exc)[:120]})"
        return None, [Problem(Loc(file), None, found, "well-formed YAML")]
    except RecursionError:  # not reached within the depth limit; kept so no traceback escapes
        return None, [
            Problem(Loc(file), None, "nesting too deep to read", "fewer levels of nesting")
        ]


def safe_load(text: str, file: str) -> Any:
    """Plain data (dicts, lists, scalars) from YAML text, within the limits of this module.

    Raises
    ------
    ModelError
        With one located problem when the text is not YAML or is over a limit.
    """
    data, problems = _parse(text, file, _LimitedLoader)
    if problems:
        raise ModelError(problems)
    return data


def read_yaml_file(path: str | os.PathLike[str], file: str | None = None) -> Any:
    """:func:`safe_load` of a file, its size checked before it is read; ``file`` names it in
    problems (default: the path as given)."""
    p = Path(path)
    name = file if file is not None else str(path)
    try:
        size = p.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ModelError([_size_problem(name, size)])
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError(
            [Problem(Loc(name), None, f"bytes that are not UTF-8 ({exc.reason})", "UTF-8 text")]
        ) from exc
    except OSError as exc:
        raise ModelError(
            [Problem(Loc(name), None, f"an unreadable file ({exc.strerror})", "a readable file")]
        ) from exc
    return safe_load(text, name)


def load_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; a syntax error or a file over a limit becomes one :class:`Problem` with
    its line, not a raise."""
    data, problems = _parse(text, file, _LineLoader)
    if problems:
        return None, problems
    problems = []
    for mapping in _mappings(data):
        for key, line in mapping.duplicates:
            problems.append(
                Problem(Loc(file, line), str(key), "a key given twice", "each key once")
            )
    return data, problems


def _mappings(data: Any) -> list[LineDict]:
    out: list[LineDict] = []
    seen: set[int] = set()  # a mapping named by an alias is one mapping, checked once
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, LineDict | list):
            if id(item) in seen:
                continue
            seen.add(id(item))
        if isinstance(item, LineDict):
            out.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, keys in the order given, unicode kept."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
