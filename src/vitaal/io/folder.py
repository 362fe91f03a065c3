"""Model folders: read every table from YAML, CSV and GeoJSON files; write the canonical layout.

Reading collects every problem (file, line or row, field, what was found, what was expected)
instead of stopping at the first. Writing goes to a temporary folder that replaces the target
only when complete, so nothing half-written is left behind.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from vitaal.errors import Loc, ModelError, Problem, Severity
from vitaal.io.fields import (
    FieldError,
    cell_list,
    cell_mapping,
    enum_parser,
    is_blank,
    list_parser,
    parse_id,
    parse_nonneg,
    parse_text,
    parse_year,
    show,
)
from vitaal.io.geojson import read_geojson_records
from vitaal.io.spreadsheet import read_spreadsheet_cell, spreadsheet_cell
from vitaal.io.tables import (
    TABLES,
    Table,
    csv_header_problems,
    dump_info,
    dump_record,
    mapping_line_of,
    parse_record,
)
from vitaal.io.yamlfile import dump_yaml, load_yaml
from vitaal.model.model import RECORD_KINDS, Model
from vitaal.model.records import Horizons, ModelInfo, Subsystem

_SUFFIXES = (".yaml", ".yml", ".csv", ".geojson", ".json")
_MODEL_FIELDS = (
    "name",
    "description",
    "description_nl",
    "crs",
    "base_year",
    "horizons",
    "horizon_h",
    "kinds",
)


def _table_files(root: Path, kind: str) -> list[Path]:
    files = [root / f"{kind}{sfx}" for sfx in _SUFFIXES if (root / f"{kind}{sfx}").is_file()]
    folder = root / kind
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if (
                path.is_file()
                and path.suffix.lower() in _SUFFIXES
                and not path.name.startswith(("_", "."))
                and not path.name.upper().startswith("README")
            ):
                files.append(path)
    return files


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._unknown_columns: set[tuple[str, str | None]] = set()
        self.problems: list[Problem] = []
        self.info: ModelInfo | None = None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def text(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problems.append(
                Problem(
                    Loc(self.rel(path)),
                    None,
                    f"bytes that are not UTF-8 ({exc.reason})",
                    "a UTF-8 text file",
                )
            )
        except OSError as exc:
            self.problems.append(
                Problem(
                    Loc(self.rel(path)),
                    None,
                    f"an unreadable file ({exc.strerror})",
                    "a readable file",
                )
            )
        return None

    # -- raw records of one file ---------------------------------------------------------
    def raw_records(
        self, path: Path, table: Table | None = None
    ) -> Iterator[tuple[Mapping[Any, Any], Loc]]:
        rel = self.rel(path)
        text = self.text(path)
        if text is None:
            return
        suffix = path.suffix.lower()
        if suffix == ".csv":
            yield from self._csv_records(text, rel, table)
        elif suffix in (".geojson", ".json"):
            crs = self.info.crs if self.info else "EPSG:28992"
            records, problems = read_geojson_records(text, rel, crs)
            self.problems.extend(problems)
            yield from records
        else:
            data, problems = load_yaml(text, rel)
            self.problems.extend(problems)
            if data is None:
                if not problems and table is not None:
                    # nothing but blanks and comments: a file cut short, not "no records"
                    self.problems.append(
                        Problem(
                            Loc(rel, 1),
                            None,
                            "an empty file",
                            f"a list of {table.kind} ([] when there are none)",
                        )
                    )
                return
            items = data if isinstance(data, list) else [data]
            for item in items:
                if not isinstance(item, Mapping):
                    line = getattr(data, "line", None)
                    self.problems.append(
                        Problem(Loc(rel, line), None, show(item), "a mapping (one record)")
                    )
                    continue
                yield item, Loc(rel, getattr(item, "line", None))

    def _csv_records(
        self, text: str, rel: str, table: Table | None = None
    ) -> Iterator[tuple[Mapping[Any, Any], Loc]]:
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        start = 1
        try:
            header = next(reader, None)
            if header is None:
                # an empty file (a table cut short, a save that failed) is not an empty table
                if table is not None:
                    self.problems.append(
                        Problem(
                            Loc(rel, 1),
                            None,
                            "an empty file",
                            f"a first row naming the columns of {table.kind}",
                        )
                    )
                return
            header = [h.strip() for h in header]
            if table is not None:
                wrong = csv_header_problems(table, header, rel)
                if wrong:
                    self.problems.extend(wrong)
                    return
            seen: set[str] = set()
            for name in header:
                if name in seen or not name:
                    self.problems.append(
                        Problem(
                            Loc(rel, 1),
                            name or None,
                            "a repeated or empty column name",
                            "each column named once",
                        )
                    )
                seen.add(name)
            start = reader.line_num + 1
            for row in reader:
                line = start
                start = reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(header):
                    self.problems.append(
                        Problem(
                            Loc(rel, line),
                            None,
                            f"{len(row)} cells",
                            f"at most {len(header)} cells, one per column of the header",
                        )
                    )
                    continue
                cells = zip(header, row, strict=False)
                yield {h: read_spreadsheet_cell(c.strip()) for h, c in cells if h}, Loc(rel, line)
        except csv.Error as exc:
            # the line the broken row starts on (an open quote runs on to the end of the file)
            self.problems.append(
                Problem(Loc(rel, start), None, f"malformed CSV ({exc})", "well-formed CSV")
            )

    # -- model.yaml ----------------------------------------------------------------------
    def read_info(self) -> ModelInfo | None:
        path = self.root / "model.yaml"
        if not path.is_file():
            self.problems.append(
                Problem(Loc("model.yaml"), None, "no such file", "model.yaml with the model's name")
            )
            return None
        text = self.text(path)
        if text is None:
            return None
        data, problems = load_yaml(text, "model.yaml")
        self.problems.extend(problems)
        if data is None and not problems:
            data = {}
        if not isinstance(data, Mapping):
            if not problems:
                self.problems.append(Problem(Loc("model.yaml", 1), None, show(data), "a mapping"))
            return None
        line_of = mapping_line_of(data)

        def fail(name: str, found: str, expected: str) -> None:
            line = line_of(name) if line_of else None
            self.problems.append(Problem(Loc("model.yaml", line), name, found, expected))

        for key in data:
            if key not in _MODEL_FIELDS:
                fail(str(key), "an unknown field", f"one of {', '.join(_MODEL_FIELDS)}")
        kwargs: dict[str, Any] = {}
        parsers: dict[str, Callable[[Any], Any]] = {
            "name": parse_text,
            "description": parse_text,
            "description_nl": parse_text,
            "crs": parse_text,
            "base_year": parse_year,
            "horizon_h": parse_nonneg,
            "kinds": list_parser(parse_id),
        }
        for name, parser in parsers.items():
            if is_blank(data.get(name)):
                continue
            try:
                kwargs[name] = parser(data[name])
            except FieldError as exc:
                fail(name, exc.found, exc.expected)
        if "name" not in kwargs:
            fail("name", "nothing", "the model's name")
            kwargs["name"] = self.root.name
        horizons = data.get("horizons")
        if horizons is not None:
            try:
                kwargs["horizons"] = _parse_horizons(horizons)
            except FieldError as exc:
                fail("horizons", exc.found, exc.expected)
        if "crs" in kwargs:
            try:
                from pyproj import CRS

                CRS.from_user_input(kwargs["crs"])
            except Exception:  # pyproj raises several kinds of error for bad input
                fail("crs", show(kwargs["crs"]), "a coordinate system such as EPSG:28992")
                del kwargs["crs"]
        return ModelInfo(loc=Loc("model.yaml", 1), **kwargs)

    # -- everything --------------------------------------------------------------------
    def read(self, progress: Progress | None = None) -> Model:
        self.info = self.read_info()
        model = Model(info=self.info or ModelInfo(name=self.root.name))
        owners: dict[str, Loc | None] = {}
        # systems (with nested subsystems) first, then subsystems given on their own
        order = ["systems", "subsystems"] + [
            k for k in RECORD_KINDS if k not in ("systems", "subsystems")
        ]
        files = [(kind, path) for kind in order for path in _table_files(self.root, kind)]
        self._warn_unknown_files()
        for done, (kind, path) in enumerate(files):
            if progress is not None:
                progress(done, len(files), self.rel(path))
            table = TABLES[kind]
            for raw, loc in self.raw_records(path, table):
                if kind == "systems":
                    self._read_system(raw, loc, model, owners)
                else:
                    if kind == "scenarios":
                        raw = self._inline_area_files(raw, loc)
                        self._check_rasters(raw, loc)
                    self._add(table, raw, loc, model, owners)
        if progress is not None:
            progress(len(files), len(files), "")
        return model

    def _warn_unknown_files(self) -> None:
        known = set(RECORD_KINDS) | {"model"}
        for path in sorted(self.root.iterdir()):
            if path.name.startswith(("_", ".")) or path.name.upper().startswith("README"):
                continue
            readable = path.is_file() and path.suffix.lower() in (".yaml", ".yml", ".csv")
            if readable and path.stem not in known:
                self.problems.append(
                    Problem(
                        Loc(self.rel(path)),
                        None,
                        "a file vitaal does not read",
                        f"a table name: {', '.join(sorted(known))}",
                        Severity.WARNING,
                    )
                )

    def _read_system(
        self, raw: Mapping[Any, Any], loc: Loc, model: Model, owners: dict[str, Loc | None]
    ) -> None:
        subs = raw.get("subsystems")
        system_raw = {k: v for k, v in raw.items() if k != "subsystems"}
        self._add(TABLES["systems"], system_raw, loc, model, owners, line_source=raw)
        if subs is None:
            return
        if not isinstance(subs, list):
            line_of = mapping_line_of(raw)
            self.problems.append(
                Problem(
                    Loc(loc.file, line_of("subsystems") if line_of else loc.line),
                    "subsystems",
                    show(subs),
                    "a list of subsystems",
                )
            )
            return
        for sub in subs:
            if not isinstance(sub, Mapping):
                self.problems.append(Problem(loc, "subsystems", show(sub), "a mapping"))
                continue
            if "system" in sub and sub["system"] != raw.get("id"):
                line_of = mapping_line_of(sub)
                self.problems.append(
                    Problem(
                        Loc(loc.file, line_of("system") if line_of else None),
                        "system",
                        show(sub["system"]),
                        f"the system it is nested in ({raw.get('id')})",
                    )
                )
                continue
            merged = dict(sub)
            merged["system"] = raw.get("id")
            self._add(
                TABLES["subsystems"],
                merged,
                Loc(loc.file, getattr(sub, "line", None)),
                model,
                owners,
                line_source=sub,
            )

    def _check_rasters(self, raw: Mapping[Any, Any], loc: Loc) -> None:
        """A hazard's ``raster`` names a file inside the model folder: a model read from
        someone else must not make vitaal open files elsewhere on the machine."""
        hazards = raw.get("hazards")
        for hazard in hazards if isinstance(hazards, list) else []:
            name = hazard.get("raster") if isinstance(hazard, Mapping) else None
            if not isinstance(name, str) or not name.strip():
                continue
            path = (self.root / name.strip()).resolve()
            if self.root not in path.parents:
                line_of = mapping_line_of(hazard)
                self.problems.append(
                    Problem(
                        Loc(loc.file, line_of("raster") if line_of else loc.line),
                        "raster",
                        show(name),
                        "a raster file inside the model folder (a path relative to it)",
                    )
                )

    def _inline_area_files(self, raw: Mapping[Any, Any], loc: Loc) -> Mapping[Any, Any]:
        hazards = raw.get("hazards")
        if not isinstance(hazards, list) or not any(
            isinstance(h, Mapping) and "area_file" in h for h in hazards
        ):
            return raw
        new_hazards = []
        for hazard in hazards:
            if not isinstance(hazard, Mapping) or "area_file" not in hazard:
                new_hazards.append(hazard)
                continue
            h = dict(hazard)
            name = str(h.pop("area_file"))
            path = (self.root / name).resolve()
            areas = list(h.get("areas") or [])
            if not path.is_file() or self.root.resolve() not in path.parents:
                line_of = mapping_line_of(hazard)
                self.problems.append(
                    Problem(
                        Loc(loc.file, line_of("area_file") if line_of else loc.line),
                        "area_file",
                        show(name),
                        "a GeoJSON file inside the model folder",
                    )
                )
            else:
                text = self.text(path)
                crs = self.info.crs if self.info else "EPSG:28992"
                records, problems = read_geojson_records(text or "", self.rel(path), crs)
                self.problems.extend(problems)
                for props, feature_loc in records:
                    if "geometry" not in props or "value" not in props:
                        self.problems.append(
                            Problem(
                                feature_loc,
                                "value",
                                "a feature without geometry or value",
                                "a polygon with a numeric 'value' property",
                            )
                        )
                        continue
                    areas.append({"geometry": props["geometry"], "value": props["value"]})
            h["areas"] = areas
            new_hazards.append(h)
        out = dict(raw)
        out["hazards"] = new_hazards
        if hasattr(raw, "line_of"):
            # keep line numbers of the scenario's fields
            from vitaal.io.yamlfile import LineDict

            kept = LineDict()
            kept.update(out)
            kept.line = getattr(raw, "line", None)
            kept.key_lines = dict(getattr(raw, "key_lines", {}))
            return kept
        return out

    def _add(
        self,
        table: Table,
        raw: Mapping[Any, Any],
        loc: Loc,
        model: Model,
        owners: dict[str, Loc | None],
        line_source: Mapping[Any, Any] | None = None,
    ) -> None:
        record, problems = parse_record(
            table,
            raw,
            loc,
            line_of=mapping_line_of(line_source if line_source is not None else raw),
        )
        for problem in problems:
            if loc.file.endswith(".csv") and problem.found == "an unknown field":
                # an unknown column is one problem of the header, not one per row
                column = (loc.file, problem.field)
                if column in self._unknown_columns:
                    continue
                self._unknown_columns.add(column)
                problem = dataclasses.replace(problem, loc=Loc(loc.file, 1), record=None)
            self.problems.append(problem)
        if record is None:
            return
        key = table.key(record)
        # components, areas and critical functions share one namespace: they are all nodes
        space = "node" if kind_is_node(table.kind) else table.kind
        scoped = f"{space}:{key}"
        if scoped in owners:
            first = owners[scoped]
            self.problems.append(
                Problem(
                    loc,
                    "id" if "id" in table.field_names() else None,
                    f"'{key}' again",
                    f"a unique id (first defined at {first})",
                    record=key,
                )
            )
            return
        owners[scoped] = loc
        model.table(table.kind)[key] = record


def kind_is_node(kind: str) -> bool:
    return kind in ("components", "areas", "critical_functions")


def _parse_horizons(value: Any) -> Horizons:
    if not isinstance(value, Mapping) or set(value) - {"short_y", "medium_y"}:
        raise FieldError(show(value), "a mapping with short_y and medium_y (years)")
    from vitaal.io.fields import parse_positive_int

    h = Horizons(
        short_y=parse_positive_int(value.get("short_y", 5)),
        medium_y=parse_positive_int(value.get("medium_y", 15)),
    )
    if h.medium_y <= h.short_y:
        raise FieldError(show(value), "medium_y larger than short_y")
    return h


#: Called as ``progress(files_done, files_total, current_file)`` while a folder is read.
Progress = Callable[[int, int, str], None]


def load_model(
    path: str | os.PathLike[str], *, progress: Progress | None = None
) -> tuple[Model, list[Problem]]:
    """Read a model folder as far as it can be read, with every problem met on the way.

    Records with problems in required fields are left out; the model is best effort. Use
    :func:`read_model` for a model that must be sound.
    """
    root = Path(path)
    if not root.is_dir():
        problem = Problem(Loc(str(root)), None, "no such folder", "a model folder")
        return Model(info=ModelInfo(name=root.name)), [problem]
    reader = _Reader(root)
    model = reader.read(progress)
    return model, reader.problems


def read_model(
    path: str | os.PathLike[str], *, strict: bool = False, progress: Progress | None = None
) -> Model:
    """Read and validate a model folder; raise :class:`ModelError` listing every problem.

    With ``strict``, warnings count as errors.
    """
    from vitaal.model.validate import validate_model

    model, problems = load_model(path, progress=progress)
    problems = problems + validate_model(model)
    if any(p.severity is Severity.ERROR or strict for p in problems):
        raise ModelError(problems)
    return model


def read_table(
    path: str | os.PathLike[str], kind: str, *, crs: str = "EPSG:28992"
) -> tuple[dict[str, Any], list[Problem]]:
    """The records of one table file of ``kind`` (CSV, YAML or GeoJSON), read as a model
    folder's file of that table is, by key, with every problem met (located by the file's
    name, its line or row, and the field). ``crs`` is the coordinate system of GeoJSON.

    Systems (which hold their subsystems) and scenarios (which name files beside them) are
    read with their folder only.
    """
    if kind not in RECORD_KINDS or kind in ("systems", "scenarios"):
        raise ValueError(f"no single-file table '{kind}'")
    file = Path(path)
    reader = _Reader(file.parent)
    reader.info = ModelInfo(name=file.stem, crs=crs)
    model = Model(info=reader.info)
    owners: dict[str, Loc | None] = {}
    for raw, loc in reader.raw_records(file, TABLES[kind]):
        reader._add(TABLES[kind], raw, loc, model, owners)
    return model.table(kind), reader.problems


# -- writing ------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return cell_mapping(value)
    if isinstance(value, list | tuple):
        return cell_list(tuple(value))
    if isinstance(value, float):
        from vitaal.model.units import format_number

        return format_number(value)
    return str(value)


def _csv_text(table: Table, records: Iterable[Any]) -> str:
    rows: list[dict[str, Any]] = []
    for record in records:
        row = dump_record(table, record)
        geometry = row.get("geometry")
        if isinstance(geometry, str) and geometry.startswith("POINT (") and table.has_geometry:
            x, y = geometry[len("POINT (") : -1].split()[:2]
            row["x"], row["y"] = x, y
            del row["geometry"]
        rows.append(row)
    used = {k for row in rows for k in row}
    columns = [c for c in table.field_names() if c in used or _required(table, c)]
    # keep x, y next to the other geometry columns
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_cell(_cell(row.get(c))) for c in columns])
    return buf.getvalue()


def _required(table: Table, name: str) -> bool:
    return any(f.name == name and f.required for f in table.fields)


def write_model(model: Model, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``model`` to a folder in the canonical layout and return the folder.

    The folder must not exist (or be empty) unless ``overwrite``. The files are written to a
    temporary folder next to it, which replaces the target only once everything is written.
    """
    target = Path(path)
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise FileExistsError(f"{target} exists and is not empty (use overwrite to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        _write_files(model, tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _write_files(model: Model, root: Path) -> None:
    def put(rel: str, text: str) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    put("model.yaml", dump_yaml(dump_info(model.info)))
    if model.resources:
        put("resources.yaml", _yaml_table("resources", model.resources.values()))
    if model.systems:
        systems = []
        for system in model.systems.values():
            entry = dump_record(TABLES["systems"], system)
            subs = [_sub_dict(s) for s in model.subsystems.values() if s.system == system.id]
            if subs:
                entry["subsystems"] = subs
            systems.append(entry)
        put("systems.yaml", dump_yaml(systems))
    orphans = [s for s in model.subsystems.values() if s.system not in model.systems]
    if orphans:
        put("subsystems.yaml", _yaml_table("subsystems", orphans))
    by_sub: dict[str, list[Any]] = {}
    for comp in model.components.values():
        by_sub.setdefault(comp.subsystem, []).append(comp)
    stems = _file_stems(by_sub)
    for sub_id, comps in by_sub.items():
        put(f"components/{stems[sub_id]}.csv", _csv_text(TABLES["components"], comps))
    for kind in ("areas", "critical_functions", "requirements", "supply", "stores"):
        records = model.table(kind)
        if records:
            put(f"{kind}.csv", _csv_text(TABLES[kind], records.values()))
    for kind in ("couplings", "side_outputs", "challenges", "plans", "interventions"):
        records = model.table(kind)
        if records:
            put(f"{kind}.yaml", _yaml_table(kind, records.values()))
    stems = _file_stems(model.scenarios)
    for scenario in model.scenarios.values():
        put(
            f"scenarios/{stems[scenario.id]}.yaml",
            dump_yaml(dump_record(TABLES["scenarios"], scenario)),
        )


def _file_stems(ids: Iterable[str]) -> dict[str, str]:
    """A file name per id: the id itself, unless the reader would skip it (``_x``, ``README``)
    or it equals an earlier one but for case (which some file systems do not tell apart)."""
    stems: dict[str, str] = {}
    used: set[str] = set()
    for rid in ids:
        stem, n = rid, 0
        while (
            stem.startswith(("_", ".")) or stem.upper().startswith("README") or stem.lower() in used
        ):
            n += 1
            stem = f"{n:02d}-{rid}"
        used.add(stem.lower())
        stems[rid] = stem
    return stems


def _sub_dict(sub: Subsystem) -> dict[str, Any]:
    entry = dump_record(TABLES["subsystems"], sub)
    entry.pop("system", None)
    return entry


def _yaml_table(kind: str, records: Iterable[Any]) -> str:
    return dump_yaml([dump_record(TABLES[kind], r) for r in records])


__all__ = ["enum_parser", "load_model", "read_model", "read_table", "write_model"]
