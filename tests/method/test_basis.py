"""What a result rests on: worked out by hand on the hand-made model (``handmade.py``).

In the hand-made model every component is ``assumed`` (it gives none a provenance), every
supply link and requirement is utility data, except the link ss1 > pump (no provenance:
assumed). The fire at ss1 fails ss1 (the event) and, through ss1 > pump, the pump, whose
electricity requirement is utility data. So that scenario rests on four records: ss1, the pump,
the link ss1 > pump (three assumed) and the pump's requirement (sourced).
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from tests.method import handmade
from tests.method.conftest import by_id
from vitaal.method.analysis import run_analysis
from vitaal.method.basis import Basis, basis_of
from vitaal.method.results import Results
from vitaal.model import Model
from vitaal.report.writer import render_html

SOURCED = handmade.HIGH


def test_verdicts_follow_the_counts() -> None:
    assert Basis((), ()).verdict == "untraced"
    assert Basis(("component:a",), ()).verdict == "sourced"
    assert Basis(("component:a", "component:b"), ("component:b",)).verdict == "partly_assumed"
    assert Basis(("component:a",), ("component:a",)).verdict == "assumed"


def test_a_record_the_model_lacks_counts_as_assumed(model: Model) -> None:
    b = basis_of(
        model, ["supply:gs>ss1|electricity", "component:nowhere", "supply:gs>ss1|electricity"]
    )
    assert b.records == ("supply:gs>ss1|electricity", "component:nowhere")
    assert b.assumed == ("component:nowhere",)


def test_the_fire_rests_on_the_chain_of_its_flags(analysis: dict[str, Any]) -> None:
    fire = by_id(analysis["scenarios"])["ss1-fire"]["basis"]
    assert fire == {
        "verdict": "partly_assumed",
        "records": 4,
        "assumed": 3,
        "assumed_records": ["component:ss1", "component:pump", "supply:ss1>pump|electricity"],
    }
    # growth has only headroom flags, which count and name nothing
    assert by_id(analysis["scenarios"])["growth"]["basis"]["verdict"] == "untraced"


def _with_sourced(model: Model, *ids: str) -> Model:
    comps = {
        k: dataclasses.replace(c, prov=SOURCED) if k in ids else c
        for k, c in model.components.items()
    }
    return dataclasses.replace(model, components=comps)


def test_a_decision_rests_on_the_components_of_all_its_findings(model: Model) -> None:
    # the grid station's decision bundles the findings of gs and ss1 (hand-made model)
    before = by_id(run_analysis(model).as_dict()["decisions"]["items"])["decision:replacement:gs"]
    assert before["basis"]["verdict"] == "assumed"
    assert before["basis"]["assumed_records"] == ["component:gs", "component:ss1"]

    one = run_analysis(_with_sourced(model, "gs")).as_dict()
    dec = by_id(one["decisions"]["items"])["decision:replacement:gs"]
    assert dec["basis"] == {
        "verdict": "partly_assumed",
        "records": 2,
        "assumed": 1,
        "assumed_records": ["component:ss1"],
    }
    both = run_analysis(_with_sourced(model, "gs", "ss1", "scada1", "pump")).as_dict()
    assert {d["basis"]["verdict"] for d in both["decisions"]["items"]} == {"sourced"}
    assert both["summary"]["basis"]["decisions"]["sourced"] == len(both["decisions"]["items"])
    # the fire now rests on one assumed record only: the link ss1 > pump
    fire = by_id(both["scenarios"])["ss1-fire"]["basis"]
    assert fire["assumed_records"] == ["supply:ss1>pump|electricity"]


def test_the_summary_counts_each_verdict(analysis: dict[str, Any]) -> None:
    s = analysis["summary"]["basis"]
    assert s["decisions"] == {"sourced": 0, "partly_assumed": 0, "assumed": 2, "untraced": 0}
    assert s["scenarios"] == {"sourced": 0, "partly_assumed": 1, "assumed": 0, "untraced": 1}


def test_typed_results_and_exports_carry_the_basis(
    analysis: dict[str, Any], tmp_path: Path
) -> None:
    from vitaal.export.csv_files import write_csv
    from vitaal.export.tables import result_sheets

    r = Results.from_dict(analysis)
    fire = next(s for s in r.scenarios if s.id == "ss1-fire")
    assert (fire.basis.verdict, fire.basis.records, fire.basis.assumed) == ("partly_assumed", 4, 3)
    assert all(d.basis.rests_on_assumed for d in r.decisions)
    sheets = {s.name: s for s in result_sheets(r, "en")}
    dec = sheets["decisions"]
    row = dict(zip(dec.columns, dec.rows[0], strict=True))
    assert row["basis"] == "assumed"
    assert row["assumed_records"] == "; ".join(r.decisions[0].basis.assumed_records)
    write_csv([sheets["scenarios"]], tmp_path)
    with (tmp_path / "scenarios.csv").open(encoding="utf-8-sig") as fh:
        rows = {x["scenario"]: x for x in csv.DictReader(fh)}
    assert rows["ss1-fire"]["basis_assumed"] == "3"


@pytest.mark.parametrize(
    ("lang", "marker", "summary"),
    [
        ("en", "Rests on assumed records: 1 of 2 (Grid station).", "2 of 2 decisions and 1 of 2"),
        (
            "nl",
            "Berust op aangenomen gegevens: 1 van 2 (Grid station).",
            "2 van 2 besluiten en 1 van 2",
        ),
    ],
)
def test_the_report_marks_what_rests_on_assumed_records(
    model: Model, lang: str, marker: str, summary: str
) -> None:
    # with ss1 sourced, the grid station's decision rests on gs (assumed) and ss1
    m = _with_sourced(model, "ss1")
    html = render_html(run_analysis(m).as_dict(), m, lang=lang)
    assert marker in html
    assert summary in html
    assert ("Berust op aangenomen" in html) == (lang == "nl")
