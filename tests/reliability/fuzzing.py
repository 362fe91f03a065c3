"""Fuzzing every reader of vitaal: bad input made from good input, and the rule each input meets.

Each reader has a generator that takes a sound input (the tiny model folder, its GeoPackage,
WNTR's Net1, a small pandapower and pandapipes net, an ensemble specification) and breaks it
the ways files break: bytes flipped, cut short, not UTF-8, a NUL; lines dropped, doubled or
swapped; a value of the wrong type, a huge or non-finite number, deep nesting, a text that is
no id, a name over 255 bytes; tagged objects in network files; JSON that is not an object.
The generators draw from a :class:`random.Random`, so an input is reproduced from its seed
(``scripts/fuzz_long.py --reader NAME --seed S``) and hypothesis can drive them in the tests.

:func:`check` runs one input through its reader and enforces the rule of
``docs/reliability.md``: the input ends in a valid model or in a vitaal error that says where
(the file, and where known the line), within :data:`LIMIT_S` seconds, with no other exception
(no traceback), nothing left half-written where the command writes, and nothing silently lost
(a table read without errors has a record for each of its rows). A broken rule raises
:class:`RuleError`.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import random
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from vitaal.cli.main import cli
from vitaal.errors import ModelError, Severity, VitaalError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
#: Seconds one input may take (a sound input of the largest reader takes well under one).
LIMIT_S = 10.0


class RuleError(AssertionError):
    """An input that broke the rule: what it was, and what happened."""


@dataclass(frozen=True)
class Outcome:
    """How one input ended: ``valid`` (a sound model) or ``error`` (a located vitaal error)."""

    reader: str
    kind: str
    seconds: float
    what: str = ""


# -- breaking text and values ---------------------------------------------------------------
#: Values that have broken readers somewhere: types, sizes and characters.
ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    10**400,
    -(10**30),
    1e308,
    float("inf"),
    float("nan"),
    "",
    " ",
    "NaN",
    "-inf",
    "1e999",
    "9" * 5000,
    "x" * 300,
    "é" * 200,
    "a\x00b",
    "<script>alert(1)</script>",
    "[/x]",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "/etc/passwd",
    "POINT (1 2)",
    "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))",
    "LINESTRING EMPTY",
    "electricity: -5 MW",
    "electricity: 5 parsecs",
    "a: 1; a: 2",
    [],
    [1, [2, [3]]],
    {},
    {"a": {"b": {"c": 1}}},
    {"_module": "os", "_class": "system", "_object": "echo hi"},
    "2026-13-45",
    "\ufeff\u202e\u2028",
]
YAML_SNIPPETS = [
    "{",
    "]",
    "- [",
    "&a [*a]",
    "*nowhere",
    "!!python/object/apply:os.system ['echo hi']",
    "!!binary aGVsbG8=",
    "? [a, b]\n: c",
    "key: value\nkey: again",
    "\t- tab",
    "%YAML 9.9",
    "---\n---",
    "<<: *x",
    "[" * 80 + "]" * 80,
    "a: " + "9" * 6000,
    "a: !!float nan",
    "a: 0x" + "f" * 300,
]


def odd_value(rng: random.Random) -> Any:
    value = copy.deepcopy(rng.choice(ODD_VALUES))  # a copy: inputs mutate what they get
    if rng.random() < 0.2:
        depth = rng.randint(1, 120)
        return json.loads("[" * depth + "1" + "]" * depth) if depth < 900 else value
    return value


def break_bytes(data: bytes, rng: random.Random) -> bytes:
    """``data`` with a few bytes flipped, cut short, a NUL or bytes that are no UTF-8."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        how = rng.randrange(6)
        pos = rng.randrange(len(out) + 1)
        if how == 0 and out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
        elif how == 1:
            del out[pos:]
        elif how == 2:
            out[pos:pos] = b"\x00"
        elif how == 3:
            out[pos:pos] = bytes([0xC3, 0x28, 0xFF])
        elif how == 4:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        else:
            end = min(len(out), pos + rng.randint(1, 200))
            out[pos:end] = b""
    return bytes(out)


def break_lines(text: str, rng: random.Random, tokens: list[str]) -> str:
    """``text`` with lines dropped, doubled, swapped, or a word replaced by an odd token."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        how = rng.randrange(5)
        i = rng.randrange(len(lines))
        if how == 0 and len(lines) > 1:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[i])
        elif how == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == 3:
            lines.insert(i, rng.choice(tokens))
        else:
            words = lines[i].split(" ")
            k = rng.randrange(len(words))
            words[k] = rng.choice(tokens)
            lines[i] = " ".join(words)
    return "\n".join(lines)


def _tokens() -> list[str]:
    out = [v if isinstance(v, str) else json.dumps(v, default=str) for v in ODD_VALUES]
    out = [t.replace("\n", " ") for t in out]
    return out + YAML_SNIPPETS + [";", ",", '"', "'", "#", ":", "-", "[", "{", "|", ">"]


TOKENS = _tokens()


def mutate_json(doc: Any, rng: random.Random, *, into_texts: bool = True) -> Any:
    """A copy of the JSON value ``doc`` with a few nodes replaced, removed or made odd; JSON
    texts nested in strings (pandapower's tables) are mutated too when ``into_texts``."""
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.randint(1, 3)):
        doc = _mutate_at(doc, rng, into_texts)
    return doc


def _deep(value: Any, into_texts: bool) -> bool:
    if isinstance(value, dict | list):
        return bool(value)
    return into_texts and isinstance(value, str) and value[:1] in ("{", "[")


def _mutate_at(node: Any, rng: random.Random, into_texts: bool) -> Any:
    """Go down to a random place (mostly through containers and JSON texts) and break it."""
    if isinstance(node, str) and _deep(node, into_texts):
        try:
            inner = json.loads(node)
        except (ValueError, RecursionError):
            return odd_value(rng)
        return json.dumps(_mutate_at(inner, rng, into_texts), default=str)
    if not _deep(node, into_texts):
        return odd_value(rng)
    keys: list[Any] = list(node) if isinstance(node, dict) else list(range(len(node)))
    deeper = [k for k in keys if _deep(node[k], into_texts)]
    if deeper and rng.random() < 0.85:
        k = rng.choice(deeper)
        node[k] = _mutate_at(node[k], rng, into_texts)
        return node
    k = rng.choice(keys)
    how = rng.randrange(4)
    if how == 0:
        del node[k]
    elif how == 1:
        node[k] = odd_value(rng)
    elif how == 2 and isinstance(node, dict):
        node[rng.choice(["x", "_module", "_class", f"{k}_"])] = odd_value(rng)
    elif how == 2:
        node.append(node[k])
    else:
        node[k] = _mutate_at(node[k], rng, into_texts)
    return node


# -- running one input ----------------------------------------------------------------------
@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`RuleError` in this (main) thread when the block runs over ``seconds``."""

    def over(signum: int, frame: Any) -> None:
        raise RuleError(f"took more than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, over)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_cli(*args: str) -> tuple[int, str, str]:
    """``vitaal ARGS`` in this process: exit code, stdout, stderr; any exception other than
    the exit is a :class:`RuleError` (a traceback a user would see)."""
    result = CliRunner().invoke(cli, list(args), prog_name="vitaal", catch_exceptions=True)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        if isinstance(exc, RuleError):
            raise exc
        raise RuleError(f"{type(exc).__name__}: {exc}") from exc
    if "Traceback" in result.output:
        raise RuleError("a traceback in the output")
    return result.exit_code, result.stdout, result.stderr


def _located(problems: list[Any]) -> None:
    for p in problems:
        if p.loc is None or not p.loc.file:
            raise RuleError(f"a problem without a place: {p}")


def _check_writer_result(code: int, stderr: str, out_dir: Path, source_name: str) -> str:
    """The rule for a command that writes a model folder: 0 and a sound folder, or 1/2, a
    message naming the source, and nothing written."""
    from vitaal.io.folder import load_model
    from vitaal.model.validate import validate_model

    if code == 0:
        model, problems = load_model(out_dir)
        problems += validate_model(model)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            raise RuleError(f"exit 0 but the written model has errors: {errors[0]}")
        if not model.components:
            raise RuleError("exit 0 but the written model holds no components")
        return "valid"
    if code not in (1, 2):
        raise RuleError(f"exit code {code}")
    if out_dir.exists():
        raise RuleError(f"failed (exit {code}) but wrote {out_dir.name}")
    leftovers = [p.name for p in out_dir.parent.iterdir() if p.name.startswith(f".{out_dir.name}")]
    if leftovers:
        raise RuleError(f"failed but left {leftovers}")
    if source_name not in stderr:
        raise RuleError(f"an error that does not name the file: {stderr.strip()[:300]}")
    return "error"


# -- model folders (YAML, CSV, GeoJSON, scenarios) -----------------------------------------
_GEOJSON_AREAS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": "area-east", "name": "East", "population": 100},
            "geometry": {"type": "Point", "coordinates": [93000.0, 437000.0]},
        }
    ],
    "crs": {"type": "name", "properties": {"name": "EPSG:28992"}},
}


def _expected_records(path: Path, rel: str) -> int | None:
    """How many records a file of the folder holds when it reads without errors; ``None``
    when that is not simply counted."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".csv":
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        return sum(1 for row in rows[1:] if any(c.strip() for c in row))
    if path.suffix in (".yaml", ".yml") and rel != "model.yaml":
        from vitaal.io.yamlfile import safe_load

        data = safe_load(text, rel)
        items = data if isinstance(data, list) else [data]
        extra = 0
        if rel == "systems.yaml":
            extra = sum(
                len(i.get("subsystems") or [])
                for i in items
                if isinstance(i, dict) and isinstance(i.get("subsystems"), list)
            )
        return len(items) + extra
    return None


def make_folder_input(rng: random.Random, work: Path) -> tuple[Path, str]:
    """A copy of the tiny model with one file broken (or a new file, a GeoJSON table or a
    hazard's area file); the folder and the file's path in it."""
    folder = work / "model"
    shutil.copytree(TINY, folder)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    pick = rng.random()
    if pick < 0.12:
        rel = rng.choice(["areas.geojson", "flood_areas.geojson"])
        doc: Any = mutate_json(_GEOJSON_AREAS, rng) if rng.random() < 0.8 else odd_value(rng)
        text = json.dumps(doc, default=str)
        if rel == "flood_areas.geojson":
            (folder / "scenarios" / "flood.yaml").write_text(
                "id: flood\nname: Flood\nkind: shock\nhazards:\n"
                "  - {type: water_depth, unit: m, area_file: flood_areas.geojson}\n",
                encoding="utf-8",
            )
        (folder / rel).write_text(text, encoding="utf-8")
        return folder, rel
    rel = rng.choice(files)
    path = folder / rel
    data = path.read_bytes()
    if pick < 0.3:
        path.write_bytes(break_bytes(data, rng))
    elif pick < 0.4 and path.suffix == ".yaml":
        from vitaal.io.yamlfile import dump_yaml, safe_load

        doc = mutate_json(safe_load(data.decode(), rel), rng, into_texts=False)
        path.write_text(dump_yaml(json.loads(json.dumps(doc, default=str))), encoding="utf-8")
    elif pick < 0.45:
        bad = rng.choice(["x" * 300 + ".csv", "a\x00b.yaml", "components/é" * 40 + ".csv"])
        with contextlib.suppress(OSError, ValueError):
            (folder / bad).parent.mkdir(parents=True, exist_ok=True)
            (folder / bad).write_bytes(data)
    else:
        text = data.decode("utf-8")
        path.write_text(break_lines(text, rng, TOKENS), encoding="utf-8")
    return folder, rel


def check_folder(rng: random.Random, work: Path) -> str:
    """A broken model folder: read and validated (``vitaal validate``)."""
    from vitaal.io.folder import load_model
    from vitaal.model.validate import validate_model

    folder, rel = make_folder_input(rng, work)
    model, problems = load_model(folder)
    _located(problems)
    problems = problems + validate_model(model)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        return "error"
    path = folder / rel
    if path.is_file():
        try:
            expected = _expected_records(path, rel)
        except (ModelError, UnicodeDecodeError, csv.Error):
            raise RuleError(f"{rel} cannot be read, yet no error was reported") from None
        got = sum(
            1
            for _, table in model.tables()
            for rec in table.values()
            if rec.loc is not None and rec.loc.file == rel
        )
        if expected is not None and got != expected:
            raise RuleError(f"{rel}: {expected} records in the file, {got} read, and no error")
    return "valid"


# -- GeoPackage -----------------------------------------------------------------------------
@cache
def _tiny_gpkg() -> bytes:
    import tempfile

    from vitaal.io import read_model
    from vitaal.io.gis import write_gis

    with tempfile.TemporaryDirectory(prefix="vitaal-fuzz-") as tmp:
        path = write_gis(read_model(TINY), Path(tmp) / "tiny.gpkg")
        return path.read_bytes()


def make_gpkg_input(rng: random.Random, work: Path) -> Path:
    """The tiny model's GeoPackage with its model table, a layer's cells or its bytes broken."""
    path = work / "city.gpkg"
    path.write_bytes(_tiny_gpkg())
    pick = rng.random()
    if pick < 0.2:
        path.write_bytes(break_bytes(path.read_bytes(), rng))
        return path
    con = sqlite3.connect(path)
    try:
        # the spatial index's triggers call SpatiaLite functions plain SQLite does not have
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'"):
            con.execute(f'DROP TRIGGER "{name}"')
        if pick < 0.55:
            (text,) = con.execute("SELECT value FROM vitaal_model WHERE key='model'").fetchone()
            doc = mutate_json(json.loads(text), rng, into_texts=False)
            value = json.dumps(doc, default=str) if rng.random() < 0.9 else rng.choice(TOKENS)
            con.execute("UPDATE vitaal_model SET value=? WHERE key='model'", (value,))
        elif pick < 0.9:
            layers = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM gpkg_contents WHERE data_type='features'"
                )
            ]
            layer = rng.choice(layers)
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{layer}")')]
            cols = [c for c in cols if c not in ("fid", "geom")]
            for _ in range(rng.randint(1, 3)):
                value = odd_value(rng)
                if not isinstance(value, str | int | float | type(None)):
                    value = json.dumps(value)
                if isinstance(value, int) and abs(value) > 2**62:
                    value = str(value)
                con.execute(f'UPDATE "{layer}" SET "{rng.choice(cols)}"=?', (value,))
        else:
            table = rng.choice(["vitaal_model", "gpkg_contents", "layer_styles"])
            con.execute(f"DROP TABLE {table}")
        con.commit()
    finally:
        con.close()
    return path


def check_gpkg(rng: random.Random, work: Path) -> str:
    """A broken GeoPackage: ``vitaal gis-import FILE OUT``."""
    source = make_gpkg_input(rng, work)
    out = work / "imported"
    code, _, stderr = run_cli("gis-import", str(source), str(out))
    return _check_writer_result(code, stderr, out, source.name)


# -- EPANET ---------------------------------------------------------------------------------
@cache
def _net1() -> str:
    import wntr

    path = Path(wntr.__file__).parent / "library" / "networks" / "Net1.inp"
    return path.read_text(encoding="utf-8")


def make_inp_input(rng: random.Random, work: Path) -> Path:
    path = work / "city.inp"
    text = _net1()
    pick = rng.random()
    if pick < 0.05:
        path.write_text(rng.choice(["", "[END]\n", "[JUNCTIONS]\n[END]\n"]), encoding="utf-8")
    elif pick < 0.3:
        path.write_bytes(break_bytes(text.encode(), rng))
    else:
        tokens = [*TOKENS, "[PIPES]", "[JUNCTIONS]", "[TANKS]", "[OPTIONS]", ";", "\t"]
        path.write_text(break_lines(text, rng, tokens), encoding="utf-8")
    return path


def check_inp(rng: random.Random, work: Path) -> str:
    """A broken EPANET file: ``vitaal import-epanet FILE --out OUT``."""
    source = make_inp_input(rng, work)
    out = work / "net"
    code, _, stderr = run_cli("import-epanet", str(source), "--out", str(out))
    return _check_writer_result(code, stderr, out, source.name)


# -- pandapower and pandapipes ------------------------------------------------------------
@cache
def _panda_text(package: str) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if package == "pandapower":
            import pandapower as pp
            import pandapower.networks as pn

            return str(pp.to_json(pn.example_simple()))
        import pandapipes as pps
        import pandapipes.networks as ppn

        return str(pps.to_json(ppn.gas_versatility()))


def make_panda_input(rng: random.Random, work: Path, package: str) -> Path:
    path = work / f"{package}-net.json"
    text = _panda_text(package)
    pick = rng.random()
    if pick < 0.15:
        path.write_bytes(break_bytes(text.encode(), rng))
    elif pick < 0.2:
        path.write_text(json.dumps(odd_value(rng), default=str), encoding="utf-8")
    else:
        doc = mutate_json(json.loads(text), rng)
        path.write_text(json.dumps(doc, default=str), encoding="utf-8")
    return path


def _check_panda(rng: random.Random, work: Path, package: str) -> str:
    source = make_panda_input(rng, work, package)
    out = work / "net"
    code, _, stderr = run_cli("import-network", package, str(source), "--out", str(out))
    return _check_writer_result(code, stderr, out, source.name)


def check_pandapower(rng: random.Random, work: Path) -> str:
    """A broken pandapower file: ``vitaal import-network pandapower FILE --out OUT``."""
    return _check_panda(rng, work, "pandapower")


def check_pandapipes(rng: random.Random, work: Path) -> str:
    """A broken pandapipes file: ``vitaal import-network pandapipes FILE --out OUT``."""
    return _check_panda(rng, work, "pandapipes")


# -- ensemble specifications --------------------------------------------------------------
ENSEMBLE = {
    "n_scenarios": 40,
    "seed": 3,
    "horizon_h": 48,
    "hazards": {
        "flood": {"share": 0.5, "return_periods": [10, 100], "peak_depth_m": [0.2, 0.9]},
        "heat": {"share": 0.2},
        "random": {"share": 0.3, "frequency_per_year": 6},
    },
}


@cache
def _tiny_exposure() -> Any:
    from vitaal.engine.compile import compile_model
    from vitaal.engine.ensemble import exposure_from_model
    from vitaal.io import read_model

    model = read_model(TINY)
    return exposure_from_model(model, compile_model(model))


def make_ensemble_input(rng: random.Random, work: Path) -> Path:
    from vitaal.io.yamlfile import dump_yaml

    path = work / "ensemble.yaml"
    pick = rng.random()
    if pick < 0.15:
        path.write_bytes(break_bytes(dump_yaml(ENSEMBLE).encode(), rng))
    elif pick < 0.3:
        path.write_text(break_lines(dump_yaml(ENSEMBLE), rng, TOKENS), encoding="utf-8")
    else:
        doc = mutate_json(ENSEMBLE, rng, into_texts=False)
        path.write_text(dump_yaml(json.loads(json.dumps(doc, default=str))), encoding="utf-8")
    return path


def check_ensemble(rng: random.Random, work: Path) -> str:
    """A broken ensemble specification: read as ``vitaal ensemble --scenarios`` reads it, and
    a sound one sampled (up to 50 scenarios) on the tiny model."""
    import dataclasses

    from vitaal.engine.ensemble import read_ensemble_spec, sample_scenarios

    source = make_ensemble_input(rng, work)
    try:
        spec = read_ensemble_spec(source)
    except VitaalError as exc:
        if source.name not in str(exc):
            raise RuleError(f"an error that does not name the file: {exc}") from exc
        return "error"
    small = dataclasses.replace(spec, n_scenarios=min(spec.n_scenarios, 50))
    sample_scenarios(small, _tiny_exposure())
    return "valid"


#: Every reader fuzzed, by name: the check of one generated input.
READERS: dict[str, Callable[[random.Random, Path], str]] = {
    "folder": check_folder,
    "gpkg": check_gpkg,
    "epanet": check_inp,
    "pandapower": check_pandapower,
    "pandapipes": check_pandapipes,
    "ensemble": check_ensemble,
}


@cache
def _sampled_once() -> None:
    """Sample a sound ensemble once, so that compiling the sampler is not timed."""
    from vitaal.engine.ensemble import EnsembleSpec, sample_scenarios

    sample_scenarios(EnsembleSpec(n_scenarios=10), _tiny_exposure())


#: What each reader's inputs are made from, prepared once before any input is timed.
PREPARE: dict[str, Callable[[], object]] = {
    "folder": lambda: None,
    "gpkg": _tiny_gpkg,
    "epanet": _net1,
    "pandapower": lambda: _panda_text("pandapower"),
    "pandapipes": lambda: _panda_text("pandapipes"),
    "ensemble": _sampled_once,
}


def check(reader: str, rng: random.Random, work: Path, limit_s: float = LIMIT_S) -> Outcome:
    """Run one generated input of ``reader`` in the empty folder ``work``; its outcome, or a
    :class:`RuleError` when it breaks the rule."""
    PREPARE[reader]()
    start = time.perf_counter()
    try:
        with time_limit(limit_s):
            kind = READERS[reader](rng, work)
    except RuleError:
        raise
    except VitaalError as exc:
        raise RuleError(f"an error escaped the command: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:
        raise RuleError(f"{type(exc).__name__}: {str(exc)[:300]}") from exc
    return Outcome(reader, kind, time.perf_counter() - start)
