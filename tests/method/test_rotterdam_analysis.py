"""A smoke run of the whole analysis on the bundled Rotterdam example: structure only."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from vitaal.examples import example_path
from vitaal.io.folder import read_model
from vitaal.method.analysis import run_analysis


def test_rotterdam_structure() -> None:
    root = example_path("rotterdam")
    model = read_model(root)
    data = run_analysis(model, model_root=root).as_dict()
    assert len(data["subsystems"]) == 24
    for sub in data["subsystems"]:
        assert [s["step"] for s in sub["steps"]] == [1, 2, 3, 4, 5, 6, 7]
    assert [s["id"] for s in data["scenarios"]] == list(model.scenarios)
    assert [p["id"] for p in data["plans"]] == list(model.plans)
    assert len(data["systems"]) == len(model.systems)
    items = data["agenda"]["items"]
    # ranked by consequence: a prerequisite inherits the class of what waits for it, so the
    # classes never rise down the list; like-for-like replacements are on ROUTINE lists
    ranks = ["ABCDE".index(i["consequence"]) for i in items]
    assert ranks == sorted(ranks, reverse=True)
    assert not any(i["routine"] for i in items)
    assert all(i["routine"] and not i["issues"] for i in data["agenda"]["routine_items"])
    json.dumps(data, allow_nan=False)
    _basis_matches_the_files(root, data)


def _basis_matches_the_files(root: Path, data: dict[str, Any]) -> None:
    """Every result names as assumed only components whose row in the example's CSV files says
    ``assumed``; the example's AVR fire rests on the one plant, which is sourced."""
    origin = {}
    for path in sorted((root / "components").glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            origin.update({r["id"]: r["origin"] for r in csv.DictReader(fh)})
    results = [*data["decisions"]["items"], *data["scenarios"], *data["findings"]]
    for r in results:
        b = r["basis"]
        assert b["assumed"] <= b["records"]
        for ref in b["assumed_records"]:
            kind, _, key = ref.partition(":")
            if kind == "component":
                assert origin[key] == "assumed", (r["id"], ref)
    scen = {s["id"]: s["basis"] for s in data["scenarios"]}
    assert origin["heat-avr-rozenburg"] != "assumed"
    assert scen["avr-fire"] == {
        "verdict": "sourced",
        "records": 1,
        "assumed": 0,
        "assumed_records": [],
    }
    counts = data["summary"]["basis"]["decisions"]
    assert sum(counts.values()) == data["summary"]["counts"]["decisions"]
