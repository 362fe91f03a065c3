"""``vitaal compare`` through the entry point on tests/data/tiny and an edited copy.

The copy moves the grid station's end of life from 2035 to 2033. With its 8-year lead time
the replacement is then due by 2025, before the base year 2026: overdue since 2025, one year
(it was due by 2027, upcoming). Nothing a cascade reads changes, so flags and impact stay; the
agenda item and the decision it leads change status, decision year and lateness, and the item
its need year.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli_helpers import edit, run

GRID = "components/grid.csv"
OLD = "3,1975,2035,8,40000000"
NEW = "3,1975,2033,8,40000000"


def test_two_versions_as_json(tiny: Path, tmp_path: Path) -> None:
    before = tiny
    after = Path(shutil.copytree(tiny, tmp_path / "after"))
    edit(after, GRID, OLD, NEW)
    res = run("compare", str(before), str(after), "--json")
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert (d["kind"], d["equal"], d["flags"], d["impact"]) == ("models", False, [], [])
    [item] = d["agenda"]["changed"]
    assert item["id"] == "replacement:gs-1"
    assert {f["field"]: (f["a"], f["b"]) for f in item["fields"]} == {
        "status": ("upcoming", "overdue"),
        "need_year": (2035, 2033),
        "effective_decide_by": (2027, 2025),
        "years_overdue": (0, 1),
    }
    [dec] = d["decisions"]["changed"]
    assert dec["id"] == "decision:replacement:gs-1"
    assert {f["field"]: (f["a"], f["b"]) for f in dec["fields"]} == {
        "status": ("upcoming", "overdue"),
        "decide_by": (2027, 2025),
        "years_overdue": (0, 1),
    }
    assert d["agenda"]["added"] == d["agenda"]["removed"] == []
    # the same from two analysis.json files written by vitaal run, with a Dutch report page
    for name, folder in (("a", before), ("b", after)):
        res = run("run", str(folder), "--out", str(tmp_path / name), "--json")
        assert res.exit_code == 0
    page = tmp_path / "compare.html"
    res = run(
        "compare",
        str(tmp_path / "a" / "analysis.json"),
        str(tmp_path / "b" / "analysis.json"),
        "--lang",
        "nl",
        "--report",
        str(page),
    )
    assert res.exit_code == 0, res.output
    assert "Besluiten: +0 -0 ~1" in res.output
    assert "Status komend -> te laat" in res.output
    html = page.read_text(encoding="utf-8")
    assert "Vergelijking" in html
    assert "Status komend → te laat" in html
    assert "<script" not in html
    # the same comparison as a chapter of the main report: vitaal run --compare-with
    res = run(
        "run",
        str(after),
        "--out",
        str(tmp_path / "c"),
        "--lang",
        "nl",
        "--compare-with",
        str(tmp_path / "a" / "analysis.json"),
    )
    assert res.exit_code == 0, res.output
    assert f"Compared with {tmp_path / 'a' / 'analysis.json'}: differences in the report" in (
        res.output
    )
    report = (tmp_path / "c" / "index.html").read_text(encoding="utf-8")
    chapter = report[report.index('<section class="chapter compare" id="compare">') :]
    chapter = chapter[: chapter.index("</section>")]
    assert "Status komend → te laat" in chapter
    assert '<a href="#compare">Vergelijking' in report
    # compared with itself: no difference, said in the chapter
    res = run("run", str(after), "--out", str(tmp_path / "d"), "--compare-with", str(after))
    assert res.exit_code == 0, res.output
    assert "no difference" in res.output
    same = (tmp_path / "d" / "index.html").read_text(encoding="utf-8")
    assert "No difference in flags, impact, agenda, capacity or decisions." in same


def test_a_scenario_and_a_plan_of_one_model(tiny: Path) -> None:
    res = run("compare", "flood", "plan:plan-harbour", "--model", str(tiny), "--json")
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["kind"] == "scenario and plan"
    # the flood floods (class C, 20,000 people: test_impact_flags.py); the harbour quarter's
    # growth alone cuts no one off (class A)
    impact = {(i["context"], i["figure"]): (i["a"], i["b"]) for i in d["impact"]}
    assert impact[("", "class")] == ("C", "A")
    assert impact[("", "people_affected")] == (20000, 0)
    flags = {(f["context"], f["system"]): (f["a"], f["b"]) for f in d["flags"]}
    assert flags[("", "electricity")] == ("red", "green")
    res = run("compare", "flood", "flood", "--model", str(tiny))
    assert res.exit_code == 0
    assert "No difference" in res.output


def test_unknown_id_and_bad_json(tiny: Path, tmp_path: Path) -> None:
    res = run("compare", "flood", "nope", "--model", str(tiny))
    assert res.exit_code == 1
    assert "'nope' is no scenario or plan" in res.output
    bad = tmp_path / "x.json"
    bad.write_text('{"not": "an analysis"}', encoding="utf-8")
    res = run("compare", str(bad), str(bad))
    assert res.exit_code == 1
    assert "not an analysis" in res.output
