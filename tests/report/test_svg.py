"""The figures on their own: projection, counts, sizes."""

from __future__ import annotations

import re

from vitaal.model.model import Model
from vitaal.report.svg.dependency import count_dependencies, draw_dependencies
from vitaal.report.svg.map import draw_map, map_data
from vitaal.report.svg.timeline import Lane, draw_timeline


def test_map_projects_into_the_viewport(tiny_model: Model) -> None:
    data = map_data(tiny_model, width=500)
    assert data.width == 500
    assert 0 < data.height <= 620
    for x, y in data.points.values():
        assert 0 <= x <= data.width
        assert 0 <= y <= data.height
    # north is up: the hospital (y 438100) lies above the south area (y 436500)
    south = next(a for a in data.areas if a.id == "area-south")
    assert data.functions["hosp-1"][1] < south.y
    # the bigger area gets the bigger circle
    north = next(a for a in data.areas if a.id == "area-north")
    assert north.r > south.r


def test_scenario_map_highlights_failures(tiny_model: Model) -> None:
    data = map_data(tiny_model)
    svg = draw_map(
        data,
        label="m",
        labels={"red": "failed, red"},
        system_names={},
        failed={"gs-1": "red", "scada-1": "orange"},
    )
    assert 'class="failed-red"' in svg
    assert 'class="failed-orange"' in svg
    assert "failed, red" in svg


def test_dependencies_of_tiny(tiny_model: Model) -> None:
    edges = count_dependencies(tiny_model)
    assert edges == {
        ("electricity", "water"): 1,
        ("electricity", "telecom"): 1,
        ("telecom", "water"): 1,
    }
    svg = draw_dependencies(
        list(tiny_model.systems), edges, label="d", names={}, flags={"water": "red"}
    )
    assert len(re.findall(r'class="system"', svg)) == 3
    assert len(re.findall(r'class="edge"', svg)) == 3


def test_timeline_counts() -> None:
    svg = draw_timeline(
        [Lane("a", "A", [1.0, 2.0, 2.0], 5, "red", 1.0)], 48, label="t", axis_label="h"
    )
    assert ">3/5<" in svg
    assert 'class="flag"' in svg


def test_whole_numbers_keep_their_zeros() -> None:
    from vitaal.report.svg.base import num

    assert num(100, 0) == "100"
    assert num(5000, 0) == "5000"
    assert num(12.30, 2) == "12.3"
    assert num(-0.04) == "0"


def test_map_names_what_it_draws(tiny_model: Model) -> None:
    """Areas, major assets and critical functions carry their names as <title> and labels,
    in the drawing's clipped viewport; nothing in the SVG needs script or inline style (the web
    app shows it under a policy that forbids both)."""
    import dataclasses

    data = map_data(tiny_model)
    assert data.assets, "a small model's kinds are all rare: every component is major"
    names: dict[str, dict[str, str]] = {}
    comp = tiny_model.components[data.assets[0].id]
    dutch = dataclasses.replace(data.assets[0], name_nl="Nederlandse naam")
    nl_data = dataclasses.replace(data, assets=(dutch, *data.assets[1:]))
    for lang, d in (("en", data), ("nl", nl_data)):
        svg = draw_map(d, label="m", labels={}, system_names={}, lang=lang)
        names[lang] = {
            "titles": " ".join(re.findall(r"<title>([^<]*)</title>", svg)),
            "labels": " ".join(re.findall(r'<text class="map-label[^>]*>([^<]*)</text>', svg)),
        }
        assert "style=" not in svg
        assert "<style" not in svg
        assert "<script" not in svg
        assert 'clip-path="url(#clip-' in svg
        assert svg.count('<g class="viewport">') == 1
        # the drawing is clipped, the scale bar and legend come after it
        assert svg.index('<g class="viewport">') < svg.index('class="scale-label"')
        for area in tiny_model.areas.values():
            assert area.name in names[lang]["titles"]
            assert area.name in names[lang]["labels"]
        for f in tiny_model.critical_functions.values():
            assert f.name in names[lang]["titles"]
    assert (comp.name or comp.id) in names["en"]["labels"]
    assert "Nederlandse naam" in names["nl"]["labels"]
    assert "Nederlandse naam" not in names["en"]["labels"]


def test_map_labels_stay_in_the_frame_and_apart(tiny_model: Model) -> None:
    from vitaal.report.svg.map import _box, _labels

    data = map_data(tiny_model, width=300)
    svg = draw_map(data, label="m", labels={}, system_names={})
    # written in order of priority; the hidden ones say so
    written = re.findall(r'<text class="map-label[^>]*>', svg)
    boxes = [_box(lab) for lab in _labels(data, "en")]
    assert len(written) == len(boxes)
    kept = [b for b, t in zip(boxes, written, strict=True) if "visibility" not in t]
    assert kept
    for i, a in enumerate(kept):
        assert a[0] >= 0
        assert a[1] >= 0
        assert a[2] <= data.width
        assert a[3] <= data.height
        for b in kept[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_map_classes_clear_of_the_web_stylesheet(tiny_model: Model) -> None:
    """The web app inserts the map into its pages, whose stylesheet styles some classes inside
    an SVG (``svg .label`` for its charts): a rule there beats the map's presentation
    attributes, so the map must use none of those classes (labels were drawn 12 px and grey)."""
    from pathlib import Path

    css = (
        Path(__file__).resolve().parents[2] / "src" / "vitaal" / "web" / "static" / "app.css"
    ).read_text(encoding="utf-8")
    styled = {
        c
        for selector in re.findall(r"([^{}]+)\{", css)
        if "svg" in selector
        for c in re.findall(r"\.([\w-]+)", selector)
    }
    assert "label" in styled  # what the test guards against is there
    for failed in (None, {"gs-1": "red"}):
        svg = draw_map(map_data(tiny_model), label="m", labels={}, system_names={}, failed=failed)
        used = {c for v in re.findall(r'class="([^"]*)"', svg) for c in v.split()}
        assert "map-label" in used
        assert used & styled == set(), used & styled
