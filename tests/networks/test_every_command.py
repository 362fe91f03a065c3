"""Imported networks through every command: grids and water networks linked both ways (meshes)
pass ``vitaal validate``, ``vitaal cascade`` and ``vitaal criticality``.

Each network is imported with the project's own importers (``vitaal import-network
pandapower``, ``vitaal import-epanet``); a scenario file naming the model's first component
is written into the imported folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from vitaal.cli.main import cli
from vitaal.io import read_model

NETWORKS = [
    ("import-network", ["pandapower", "pandapower:mv_oberrhein"]),
    ("import-network", ["pandapower", "pandapower:lv_schutterwald"]),
    ("import-epanet", ["wntr:Net3"]),
    ("import-epanet", ["wntr:Net6"]),
]


def run(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args}: {result.exception!r}"
    )
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 0, f"{args}: {result.output[-3000:]}"
    return result.output


@pytest.mark.parametrize(("command", "source"), NETWORKS, ids=[s[-1] for _, s in NETWORKS])
def test_imported_network_passes_every_command(
    command: str, source: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "model"
    run([command, *source, "--out", str(out)])
    model = read_model(out)
    first = next(iter(model.components))
    (out / "scenarios").mkdir(exist_ok=True)
    (out / "scenarios" / "loss.yaml").write_text(
        "id: loss\nname: Loss of one component\nkind: shock\nhorizon_h: 24\n"
        f"events:\n  - {{target: {first}, time_h: 1}}\n",
        encoding="utf-8",
    )
    assert "no errors" in run(["validate", str(out)])
    cascade = run(["cascade", str(out), "--scenario", "loss"])
    assert "fail" in cascade
    crit = run(["criticality", str(out), "--top", "3"])
    assert "Most critical single failures" in crit
