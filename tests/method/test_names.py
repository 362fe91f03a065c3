"""Dutch output names records by their Dutch names, English output by their English ones."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.method import handmade
from tests.method.conftest import by_id
from vitaal.method.analysis import run_analysis
from vitaal.model.names import name_in, names
from vitaal.model.records import Component, Plan
from vitaal.report.writer import render_html


def test_the_name_in_each_language_and_its_fallbacks() -> None:
    c = Component(id="c1", subsystem="s", kind="k", name="Substation", name_nl="Netstation")
    assert names(c) == {"en": "Substation", "nl": "Netstation"}
    bare = Component(id="c2", subsystem="s", kind="k", name="Pump")
    assert names(bare) == {"en": "Pump", "nl": "Pump"}
    assert name_in(Component(id="c3", subsystem="s", kind="k"), "nl") == "c3"
    plan = Plan(id="p", title="Growth", title_nl="Groei")
    assert (name_in(plan, "en"), name_in(plan, "nl")) == ("Growth", "Groei")


def test_findings_decisions_and_report_use_the_dutch_name() -> None:
    model = handmade.build()
    gs = dataclasses.replace(model.components["gs"], name_nl="Hoogspanningsstation")
    plans = {k: dataclasses.replace(p, title_nl=f"NL {p.title}") for k, p in model.plans.items()}
    model = dataclasses.replace(model, components={**model.components, "gs": gs}, plans=plans)
    data = run_analysis(model).as_dict()
    finding = by_id(data["findings"])["replacement:gs"]
    assert finding["text"]["nl"].startswith("Hoogspanningsstation: einde levensduur")
    assert finding["text"]["en"].startswith("Grid station: end of life")
    title = by_id(data["decisions"]["items"])["decision:replacement:gs"]["title"]
    assert title["nl"].startswith("Hoogspanningsstation: ")
    assert title["en"].startswith("Grid station: ")
    nl = render_html(data, model, lang="nl")
    en = render_html(data, model, lang="en")
    assert "Hoogspanningsstation" in nl
    assert "Hoogspanningsstation" not in en
    first = next(iter(model.plans.values()))
    assert f"NL {first.title}" in nl
    assert f"NL {first.title}" not in en


def test_cascade_speaks_the_language_asked(tmp_path: Path) -> None:
    """vitaal cascade shows the model's texts (scenario name, impact reason, rule texts) in the
    language asked; the headings stay English, as the command line is."""
    from tests.cli_helpers import run
    from tests.method import options_model
    from vitaal.io.folder import write_model

    town = options_model.build()
    flood = dataclasses.replace(town.scenarios["flood"], name_nl="Overstroming")
    folder = write_model(
        dataclasses.replace(town, scenarios={**town.scenarios, "flood": flood}),
        tmp_path / "m",
    )
    nl = run("cascade", str(folder), "--scenario", "flood", "--lang", "nl")
    en = run("cascade", str(folder), "--scenario", "flood", "--lang", "en")
    assert nl.exit_code == 0, nl.output
    assert "Overstroming" in nl.output
    assert "klasse" in nl.output
    assert town.scenarios["flood"].name in en.output
    assert "klasse" not in en.output
    assert "Impact indicator (step 6)" in nl.output
