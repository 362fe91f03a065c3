"""Options beside the decisions on the table, worked by hand on the hand-made model.

The grid station gs reaches its end of life in 2029 and takes 4 years to replace: its decision
(with the shortfalls of gs in 2032 and ss1 in 2030, and the replacement of ss1 in 2036) is
overdue since 2025, one year, in the base year 2026 (tests/method/handmade.py).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.method import handmade
from tests.method.conftest import by_id
from vitaal.method.analysis import run_analysis
from vitaal.model import Model
from vitaal.model.enums import EditOp, InterventionKind
from vitaal.model.records import Edit, Intervention, SupplyLink

LARGER = Intervention(
    id="gs-larger",
    name="Grid station replaced larger",
    name_nl="Hoogspanningsstation groter vervangen",
    kind=InterventionKind.REINFORCEMENT,
    changes=(Edit(op=EditOp.SET, kind="components", key="gs", fields={"lead_time_y": 2}),),
    investment_eur=6_000_000,
    lead_time_y=2,
)
SPARES = Intervention(
    id="gs-spares",
    name="Spare transformer for gs",
    kind=InterventionKind.FASTER_REPAIR,
    changes=(
        Edit(op=EditOp.REPAIR, kind="restoration", key="grid_station_hv", fields={"repair_h": 12}),
    ),
    lead_time_y=1,
)
SECOND_FEED = Intervention(
    id="ss1-second-feed",
    name="Second feed gs to ss1",
    kind=InterventionKind.REDUNDANCY,
    changes=(
        Edit(
            op=EditOp.ADD,
            kind="supply",
            key="gs>ss1|electricity#2",
            record=SupplyLink(supplier="gs", consumer="ss1", resource="electricity"),
        ),
    ),
    lead_time_y=5,
)


def _with(*options: Intervention) -> Model:
    return dataclasses.replace(handmade.build(), interventions={o.id: o for o in options})


def _decision(model: Model) -> dict[str, Any]:
    return by_id(run_analysis(model).as_dict()["decisions"]["items"])["decision:replacement:gs"]


def test_each_option_gets_its_own_latest_year() -> None:
    dec = _decision(_with(LARGER, SPARES, SECOND_FEED))
    rows = {o["id"]: o for o in dec["options"]}
    # a faster repair cannot settle a replacement or a shortfall: not listed
    assert set(rows) == {"gs-larger", "ss1-second-feed"}
    larger = rows["gs-larger"]
    # it touches gs only: it settles the replacement of gs (2029) and its shortfall (2032)
    assert larger["settles"] == ["replacement:gs", "shortfall:gs|electricity"]
    assert (larger["need_year"], larger["decide_by"], larger["status"]) == (2029, 2027, "upcoming")
    assert larger["name"] == {
        "en": "Grid station replaced larger",
        "nl": "Hoogspanningsstation groter vervangen",
    }
    feed = rows["ss1-second-feed"]
    # both ends of the new link: every item of the decision; 2029 - 5 = 2024, overdue
    assert len(feed["settles"]) == 4
    assert (feed["need_year"], feed["decide_by"], feed["status"]) == (2029, 2024, "overdue")
    # nothing chosen: the decision keeps the agenda's date
    assert (dec["decide_by"], dec["status"], dec["years_overdue"]) == (2025, "overdue", 1)
    assert "chosen_options" not in dec


def test_a_chosen_option_sets_the_decision_date() -> None:
    chosen = dataclasses.replace(LARGER, chosen=True)
    dec = _decision(_with(chosen, SECOND_FEED))
    assert dec["chosen_options"] == ["gs-larger"]
    assert [o["id"] for o in dec["options"]] == ["gs-larger", "ss1-second-feed"]
    assert (dec["decide_by"], dec["status"], dec["overdue_since"], dec["years_overdue"]) == (
        2027,
        "upcoming",
        None,
        0,
    )
    assert dec["without_option"] == {
        "decide_by": 2025,
        "status": "overdue",
        "overdue_since": 2025,
        "years_overdue": 1,
    }
    # choosing the slow second feed instead leaves it overdue, since 2024
    slow = _decision(_with(LARGER, dataclasses.replace(SECOND_FEED, chosen=True)))
    assert (slow["decide_by"], slow["status"], slow["overdue_since"], slow["years_overdue"]) == (
        2024,
        "overdue",
        2024,
        2,
    )


def test_no_register_no_options() -> None:
    assert _decision(handmade.build())["options"] == []


def test_the_report_shows_the_options_beside_the_decision() -> None:
    from vitaal.report.writer import render_html

    model = _with(dataclasses.replace(LARGER, chosen=True), SPARES, SECOND_FEED)
    data = run_analysis(model).as_dict()
    en = render_html(data, model, lang="en")
    nl = render_html(data, model, lang="nl")
    assert (
        "Options: Grid station replaced larger (reinforcement, € 6 mln, lead time 2 y, "
        "decide by 2027, <strong>chosen</strong>); Second feed gs to ss1 (redundancy, "
        "lead time 5 y, decide by 2024 (overdue))"
    ) in en
    assert (
        "Opties: Hoogspanningsstation groter vervangen (versterking, € 6 mln, doorlooptijd "
        "2 jr, besluit uiterlijk 2027, <strong>gekozen</strong>)"
    ) in nl
    assert "Spare transformer" not in en
