"""Every YAML read of vitaal goes through one safe loader with limits: a file of nested aliases
(a "billion laughs"), one nested too deep, one with too many aliases or one too large is
refused at once with a located problem, never a long wait, a memory blow-up or a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vitaal import catalog
from vitaal.cli.main import cli
from vitaal.cli.water_gis_cmd import read_power_map
from vitaal.errors import ModelError, VitaalError
from vitaal.io import yamlfile


def billion_laughs() -> str:
    """Nine lists of nine references to the list before: 414 bytes that stand for 9**9
    (387 million) strings once written out."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        refs = ", ".join([f"*{prev}"] * 9)
        lines.append(f"{name}: &{name} [{refs}]")
    return "\n".join(lines) + "\n"


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), prog_name="vitaal")
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result


ALIASES_FOUND = f"found aliases that stand for more than {yamlfile.MAX_YAML_ALIAS_NODES} values"


def test_billion_laughs_in_a_model_file_is_refused_at_once(tiny: Path) -> None:
    text = billion_laughs()
    assert len(text.encode()) < 1000
    (tiny / "plans.yaml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    result = run("validate", str(tiny))
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{elapsed:.1f} s"
    assert result.exit_code == 2
    # the fifth line is where the aliases first stand for more than the limit (9**4 + ...)
    assert (
        f"plans.yaml:5: {ALIASES_FOUND}, expected aliases that stand for at most "
        f"{yamlfile.MAX_YAML_ALIAS_NODES} values in one file"
    ) in result.stderr


def test_deep_nesting_is_refused_with_its_line(tiny: Path) -> None:
    depth = 5000
    (tiny / "plans.yaml").write_text(
        "- id: deep\n  title: " + "[" * depth + "]" * depth + "\n", encoding="utf-8"
    )
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    limit = yamlfile.MAX_YAML_DEPTH
    assert (
        f"plans.yaml:2: found nesting deeper than {limit} levels, "
        f"expected at most {limit} levels of mappings and lists"
    ) in result.stderr


def test_aliases_beyond_the_count_are_refused_and_within_it_read(tiny: Path) -> None:
    limit = yamlfile.MAX_YAML_ALIASES
    base = "- id: p0\n  title: &t Harbour quarter\n"

    def plans(n: int) -> str:
        return base + "".join(f"- id: p{i + 1}\n  title: *t\n" for i in range(n))

    (tiny / "plans.yaml").write_text(plans(limit), encoding="utf-8")
    ok = run("validate", str(tiny))
    assert ok.exit_code == 0, ok.stderr
    assert f"Tiny town: {44 - 1 + 1 + limit} records, no errors" in ok.stdout

    (tiny / "plans.yaml").write_text(plans(limit + 1), encoding="utf-8")
    bad = run("validate", str(tiny))
    assert bad.exit_code == 2
    line = 2 + 2 * (limit + 1)  # the title line of the plan with the alias one too many
    assert (
        f"plans.yaml:{line}: found more than {limit} aliases, "
        f"expected at most {limit} aliases (*name) in one file"
    ) in bad.stderr


def test_a_file_over_the_size_limit_is_refused(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_YAML_BYTES", 1000)
    (tiny / "plans.yaml").write_text(
        "".join(f"- id: plan-{i}\n  title: Plan number {i}\n" for i in range(60)),
        encoding="utf-8",
    )
    size = len((tiny / "plans.yaml").read_bytes())
    assert size > 1000
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    assert f"plans.yaml: found a YAML file of {size} bytes, expected at most 1000 bytes" in (
        result.stderr
    )


def test_packaged_data_files_are_read_within_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_YAML_DEPTH", 1)  # units.yaml nests mappings in mappings
    with pytest.raises(ModelError) as info:
        catalog.load_data.__wrapped__("units")
    [problem] = info.value.problems
    assert problem.loc is not None
    assert problem.loc.file == "vitaal/data/units.yaml"
    assert problem.found == "nesting deeper than 1 levels"


def test_billion_laughs_as_ensemble_spec_is_a_located_message(tmp_path: Path) -> None:
    spec = tmp_path / "ensemble.yaml"
    spec.write_text(billion_laughs(), encoding="utf-8")
    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny"
    start = time.perf_counter()
    result = run("ensemble", str(tiny), "--scenarios", str(spec))
    assert time.perf_counter() - start < 5.0
    assert result.exit_code == 1
    assert f"error: {spec}:5: {ALIASES_FOUND}" in result.stderr


def test_billion_laughs_as_power_map_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "pumps.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(VitaalError, match=rf"pumps\.yaml:5: {ALIASES_FOUND}"):
        read_power_map(path)


def test_a_norms_file_of_nested_aliases_is_refused_for_its_aliases(tmp_path: Path) -> None:
    """`vitaal capacity --norms FILE` reads its file with the bounded loader too: a file of
    nested aliases is refused for what its aliases stand for, before its content is read
    (the unbounded loader built it, sharing the lists, and only the content was refused)."""
    from vitaal.engine.norms import load_norms

    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "norms.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load_norms(path)
    [problem] = info.value.problems
    assert str(problem).startswith(f"{path}:5: found aliases that stand for more than")
