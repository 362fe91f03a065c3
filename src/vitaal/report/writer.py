"""Write the report: ``index.html`` (self-contained) and, on request, ``report.pdf``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from vitaal.errors import VitaalError
from vitaal.method.compare import Comparison
from vitaal.model.model import Model
from vitaal.report.compare import compare_context
from vitaal.report.i18n import LANGUAGES, translations
from vitaal.report.view import build_context

Nodes = Mapping[str, Mapping[str, Any]]


def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vitaal.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def report_script() -> str:
    """The report's script (``templates/report.js``): sorting and filtering of the tables, zoom
    and names on the maps. The page reads fully without it."""
    js = files("vitaal.report").joinpath("templates/report.js").read_text(encoding="utf-8")
    # the text of a <script> element ends at the first "</": the packaged file has none
    if "</" in js:
        raise VitaalError("report.js must not contain '</'")
    return js


def render_html(
    analysis: Mapping[str, Any],
    model: Model,
    *,
    lang: str = "en",
    nodes: Mapping[str, Nodes] | None = None,
    today: dt.date | None = None,
    comparison: Comparison | None = None,
) -> str:
    """The report as one HTML text in ``lang``; with ``comparison`` (``vitaal compare``'s), a
    chapter that compares it, after the decisions."""
    if lang not in LANGUAGES:
        raise VitaalError(f"no report language '{lang}'; choose one of {', '.join(LANGUAGES)}")
    env = _environment(lang)
    gettext = translations(lang).ugettext
    context = build_context(analysis, model, lang, gettext, nodes=nodes, today=today)
    context["comparison"] = compare_context(comparison, lang) if comparison is not None else None
    v = context["v"]
    env.filters.update(
        system_name=v.system,
        node_name=v.node,
        resource_name=v.resource,
        plan_title=v.plan,
        tx=v.tx,
    )
    css = files("vitaal.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    context["css"] = css
    context["script"] = report_script()
    return env.get_template("report.html.j2").render(context)


def scenario_nodes(
    model: Model, analysis: Mapping[str, Any], model_root: Path | None
) -> dict[str, Nodes]:
    """Per scenario of the model that the analysis lists without its nodes: the failed nodes
    with their causes, from a run of the scenario (for the map and the full causal chains)."""
    from vitaal.method.scenario_run import run_scenario

    out: dict[str, Nodes] = {}
    for s in analysis.get("scenarios", []):
        sid = str(s.get("id"))
        if "nodes" in s or sid not in model.scenarios:
            continue
        try:
            run = run_scenario(model, sid, model_root=model_root)
        except VitaalError:
            continue
        out[sid] = {n["id"]: n for n in run.nodes(model) if n["fail_time_h"] is not None}
    return out


def write_report(
    analysis: Mapping[str, Any],
    model: Model,
    out_dir: Path,
    *,
    lang: str = "en",
    pdf: bool = False,
    model_root: Path | None = None,
    nodes: Mapping[str, Nodes] | None = None,
    comparison: Comparison | None = None,
) -> Path:
    """Write the report of ``analysis`` (``Analysis.as_dict()``) on ``model`` into ``out_dir``.

    ``index.html`` holds everything: the CSS and the one script inline, every figure as inline
    SVG drawn here, no font or image to fetch. With ``pdf``, ``report.pdf`` is printed from the same
    page with WeasyPrint. The maps and the causal chains to lost critical functions use each
    scenario's failed nodes: from ``nodes`` when given, else from the analysis
    (``scenarios[].nodes``) when it has them, else from a run of the model's scenario here
    (``model_root`` resolves raster hazards). With ``comparison`` the report holds it as a
    chapter after the decisions (``vitaal run --compare-with``).

    Returns the path of ``index.html``.

    Examples
    --------
    >>> from vitaal.method.analysis import run_analysis  # doctest: +SKIP
    >>> write_report(run_analysis(model).as_dict(), model, Path("out"), lang="nl")  # doctest: +SKIP
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if nodes is None:
        nodes = scenario_nodes(model, analysis, model_root)
    html = render_html(analysis, model, lang=lang, nodes=nodes, comparison=comparison)
    index = out_dir / "index.html"
    tmp = out_dir / ".index.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(index)
    if pdf:
        from vitaal.report.pdf import write_pdf

        write_pdf(html, out_dir / "report.pdf")
    return index
