"""REVIEW.md of the Rotterdam example is what `vitaal run` gives on the folder: the builder
writes it from an analysis of the folder, and this test runs the analysis again and renders the
page from it, so that no figure on it drifts from the model or the engine."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from vitaal.examples import example_path
from vitaal.io.folder import read_model
from vitaal.method.analysis import run_analysis
from vitaal.model.model import Model
from vitaal.report import render_html
from vitaal.report.pdf import write_pdf

BUILDER = Path(__file__).resolve().parents[2] / "scripts" / "build_rotterdam_example.py"


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    # the builder imports its helper modules from its own folder, as when it runs as a script
    if str(BUILDER.parent) not in sys.path:
        sys.path.insert(0, str(BUILDER.parent))
    spec = importlib.util.spec_from_file_location("build_rotterdam_example", BUILDER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run_of_example() -> tuple[Model, dict[str, Any]]:
    folder = example_path("rotterdam")
    model = read_model(folder)
    return model, run_analysis(model, model_root=folder).as_dict()


def test_the_review_is_what_the_run_gives(
    builder: ModuleType, run_of_example: tuple[Model, dict[str, Any]]
) -> None:
    folder = example_path("rotterdam")
    model, data = run_of_example
    with (folder / "_sources.yaml").open(encoding="utf-8") as f:
        register = yaml.safe_load(f)
    expected = builder.render_review(data, register, builder.review_facts(model))
    written = (folder / "REVIEW.md").read_text(encoding="utf-8")
    assert written == expected, (
        "REVIEW.md differs from the run: rebuild the example "
        "(python scripts/build_rotterdam_example.py)"
    )
    # the page covers every scenario, each with a sentence on whether an operator would
    # recognise it, and ten things with their evidence and how sure they are
    for sid in model.scenarios:
        assert f"(`{sid}`)" in written, sid
    assert written.count("Would an operator recognise it?") == len(model.scenarios)
    assert written.count("   How sure: **") == 10
    assert written.count("   Evidence: ") == 10
    # docs/method.md says why each decision of the example's first page is there
    method = (BUILDER.parents[1] / "docs" / "method.md").read_text(encoding="utf-8")
    block = builder.render_first_page(data)
    assert block in method, "docs/method.md's first page differs from the run: rebuild"
    assert block.count("\n| ") == data["decisions"]["first_page"] + 1


def test_a_figure_that_contradicts_the_text_stops_the_builder(builder: ModuleType) -> None:
    folder = example_path("rotterdam")
    model = read_model(folder)
    with (folder / "_sources.yaml").open(encoding="utf-8") as f:
        register = yaml.safe_load(f)
    data = {
        "scenarios": [
            {
                "id": "sewer-pumping-station-dry",
                "name": "x",
                "horizon_h": 72,
                "flags": [],
                "impact": {"people_affected": 100, "class": "B"},
            }
        ],
        "decisions": {"items": []},
        "summary": {"counts": {}},
    }
    with pytest.raises((builder.ReviewPremiseError, KeyError)):
        builder.render_review(data, register, builder.review_facts(model))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_first_page_fits_one_a4_page(
    run_of_example: tuple[Model, dict[str, Any]], lang: str, tmp_path: Path
) -> None:
    """The report printed up to the end of its decisions chapter is two A4 pages: the title
    page, and the decisions (every chapter starts on a page of its own). The second page holds
    the chapter's heading and the title of its last decision."""
    from pypdf import PdfReader

    model, data = run_of_example
    page = render_html(data, model, lang=lang, nodes={})
    end = page.index('<section class="chapter decisions-detail"')
    pdf = write_pdf(page[:end] + "</body></html>", tmp_path / "first.pdf")
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) == 2, f"the decisions take {len(pages) - 1} pages"
    heading = {"en": "Decisions for the table", "nl": "Besluiten voor de tafel"}[lang]
    last = data["decisions"]["items"][data["decisions"]["first_page"] - 1]
    text = " ".join(pages[1].split())
    assert heading in text
    assert " ".join(last["title"][lang].split()[:4]) in text
