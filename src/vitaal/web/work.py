"""What the workers run: the whole analysis of a model version and one scenario run, each
read from the store by URL and version and returned as plain data (it crosses a process
boundary). ``progress(phase, done, total)`` reports how far a run is."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vitaal.model.model import Model

__all__ = [
    "FUNCTIONS",
    "Progress",
    "analysis",
    "compare",
    "exports",
    "plan_check",
    "report",
    "report_pdf",
    "scenario",
    "upload",
]

Progress = Callable[[str, int, int], None]

#: models read by this process, by (store URL, version); a version never changes
_MODELS: OrderedDict[tuple[str, int], Model] = OrderedDict()
_KEEP = 2
_LOCK = threading.Lock()
#: one PDF at a time in a process: WeasyPrint's font machinery (Pango, fontconfig) is not
#: documented as safe to share between threads (the tests run jobs in threads)
_PDF_LOCK = threading.Lock()


def model_at(url: str, version: int) -> Model:
    """The model of ``version`` in the store at ``url`` (kept for the next run)."""
    from vitaal.store import open_store

    with _LOCK:
        model = _MODELS.get((url, version))
        if model is not None:
            _MODELS.move_to_end((url, version))
            return model
    with open_store(url) as store:
        model = store.read_model(version)
    with _LOCK:
        _MODELS[(url, version)] = model
        while len(_MODELS) > _KEEP:
            _MODELS.popitem(last=False)
    return model


def analysis(url: str, version: int, progress: Progress) -> dict[str, Any]:
    """The method's whole analysis of a version (``Analysis.as_dict()``, ``docs/method.md``)
    with the version it is of."""
    from vitaal.method.analysis import run_analysis

    progress("reading the model", 0, 1)
    model = model_at(url, version)
    progress("reading the model", 1, 1)
    result = run_analysis(model, progress=progress)
    data = dict(result.as_dict())
    data["version"] = version
    # the failed nodes per scenario, with their causes: what the report's maps need
    data["nodes"] = result.failed_nodes()
    return data


def _unplaced(model: Model, hidden: tuple[str, ...]) -> Model:
    """A copy of ``model`` in which the components ``hidden`` have no location: what the
    report draws for a reader who may not see where they are (their service areas stay)."""
    import copy
    import dataclasses

    if not hidden:
        return model
    out = copy.copy(model)
    out.components = {
        cid: dataclasses.replace(c, geometry=None) if cid in hidden else c
        for cid, c in model.components.items()
    }
    return out


def report(
    url: str,
    version: int,
    analysis_data: dict[str, Any],
    lang: str,
    hidden: tuple[str, ...],
    progress: Progress,
) -> dict[str, Any]:
    """The report of a version's analysis in ``lang`` (one self-contained HTML text), as
    ``vitaal report`` writes it; without the locations of the components ``hidden`` (the
    sensitive ones the reader may not see), which its maps leave out."""
    progress("writing the report", 0, 1)
    html = _report_html(url, version, analysis_data, lang, hidden)
    progress("writing the report", 1, 1)
    return {"version": version, "lang": lang, "html": html}


def _report_html(
    url: str, version: int, analysis_data: dict[str, Any], lang: str, hidden: tuple[str, ...]
) -> str:
    """The report's HTML of a version's analysis, on the model without the locations of the
    components ``hidden``; with the failed nodes the analysis job kept."""
    from vitaal.report.writer import render_html

    model = _unplaced(model_at(url, version), hidden)
    data = {k: v for k, v in analysis_data.items() if k != "nodes"}
    return render_html(data, model, lang=lang, nodes=analysis_data.get("nodes"))


def report_pdf(
    url: str,
    version: int,
    analysis_data: dict[str, Any],
    lang: str,
    hidden: tuple[str, ...],
    progress: Progress,
) -> dict[str, Any]:
    """The report of a version's analysis in ``lang`` as PDF: the same HTML printed by
    WeasyPrint, as ``vitaal report --pdf`` (``write_report(..., pdf=True)``) prints it;
    without the locations of the components ``hidden``, as :func:`report`."""
    import tempfile

    from vitaal.report.pdf import write_pdf

    progress("writing the report", 0, 2)
    html = _report_html(url, version, analysis_data, lang, hidden)
    progress("printing the PDF", 1, 2)
    with _PDF_LOCK, tempfile.TemporaryDirectory(prefix="vitaal-pdf-") as tmp:
        pdf = write_pdf(html, Path(tmp) / "report.pdf").read_bytes()
    progress("printing the PDF", 2, 2)
    return {"version": version, "lang": lang, "pdf": pdf}


def exports(
    url: str, version: int, lang: str, hidden: tuple[str, ...], progress: Progress
) -> dict[str, Any]:
    """The result exports of a version in ``lang``, as ``vitaal export-results`` writes them
    (:func:`vitaal.export.write_exports`): the Excel workbook, the GeoPackage and the CSV
    files as one zip. The exports need the capacity of every component per year and the
    failed nodes with their geometry, which only the analysis in memory holds (not the
    cached analysis's data), so the analysis is run here again. The failed components
    ``hidden`` (sensitive ones the reader may not see) go without their geometry."""
    import dataclasses
    import io
    import tempfile
    import zipfile

    from vitaal.export import GEOPACKAGE, WORKBOOK, write_exports
    from vitaal.method.analysis import run_analysis
    from vitaal.method.results import Results

    progress("reading the model", 0, 1)
    model = model_at(url, version)
    progress("reading the model", 1, 1)
    results = Results.from_analysis(run_analysis(model, progress=progress))
    if hidden:
        unplaced = tuple(
            dataclasses.replace(n, geometry=None) if n.id in hidden else n for n in results.failed
        )
        results = dataclasses.replace(results, failed=unplaced)
    progress("writing the exports", 0, 1)
    with tempfile.TemporaryDirectory(prefix="vitaal-exports-") as tmp:
        paths = write_exports(results, tmp, lang=lang)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in paths if p.suffix == ".csv"):
                archive.write(path, path.name)
        folder = Path(tmp)
        out = {
            "version": version,
            "lang": lang,
            "xlsx": (folder / WORKBOOK).read_bytes(),
            "gpkg": (folder / GEOPACKAGE).read_bytes(),
            "csv": buf.getvalue(),
        }
    progress("writing the exports", 1, 1)
    return out


def scenario(url: str, version: int, scenario_id: str, progress: Progress) -> dict[str, Any]:
    """One scenario on a version: its flags, impact, the recovery of each system and every
    component and consumer that fails, when, why, and when it comes back."""
    from vitaal.method.scenario_run import run_scenario

    progress("reading the model", 0, 2)
    model = model_at(url, version)
    progress("running the scenario", 1, 2)
    run = run_scenario(model, scenario_id)
    data = run.as_dict(model, all_nodes=False)
    for node in data["nodes"]:
        node["name"] = _name(model, node["id"])
    data["nodes"].sort(key=lambda n: (n["fail_time_h"], n["order"] or 0))
    data["version"] = version
    progress("running the scenario", 2, 2)
    return data


def plan_check(url: str, version: int, plain: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A plan from the intake checked on a copy of a version: the plan's part of the
    analysis (way of working, flags of its growth, shocks, conflicts, the decisions it needs)
    and its findings, as ``vitaal check --plan`` gives them."""
    import copy

    from vitaal.errors import Loc
    from vitaal.method.analysis import run_analysis
    from vitaal.model.validate import validate_model
    from vitaal.store.codec import load
    from vitaal.web.intake import INTAKE_ID, check_errors

    progress("reading the model", 0, 1)
    model = copy.copy(model_at(url, version))
    model.plans = {**model.plans, INTAKE_ID: load("plans", INTAKE_ID, plain, Loc("intake"))}
    check_errors([p for p in validate_model(model) if p.record == INTAKE_ID])
    data = run_analysis(model, plans=[INTAKE_ID], progress=progress).as_dict()
    return {
        "version": version,
        "plan": data["plans"][0],
        "findings": [f for f in data["findings"] if f["plan"] == INTAKE_ID],
        # the plan as checked, to bring to the table (vitaal.web.plan_store)
        "plain": plain,
        # the service areas it lands in (picked, or under its outline), by name
        "areas": [
            {"id": a, "name": model.areas[a].name}
            for a in plain.get("areas", [])
            if a in model.areas
        ],
    }


def compare(
    url: str,
    kind: str,
    sides: tuple[tuple[int, str], tuple[int, str]],
    known: dict[int, dict[str, Any]],
    progress: Progress,
) -> dict[str, Any]:
    """Two scenarios, two plans (``kind`` ``scenarios``, ``plans``: each side a version and
    an id) or two versions (``versions``: the id is the label) compared by their results
    with the comparison of ``vitaal compare`` (:mod:`vitaal.method.compare`). ``known``: the
    analyses already done, by version; the others are run here."""
    from vitaal.errors import VitaalError
    from vitaal.method.analysis import run_analysis
    from vitaal.method.compare import compare_sides, model_side, plan_side, scenario_side
    from vitaal.method.results import Results
    from vitaal.report.compare import compare_context

    results: dict[int, Results] = {}
    versions = list(dict.fromkeys(v for v, _ in sides))
    for i, version in enumerate(versions):
        data = known.get(version)
        if data is None:
            progress(f"analysing version {version}", i, len(versions))
            data = run_analysis(model_at(url, version), progress=progress).as_dict()
        results[version] = Results.from_dict(data)
    progress("comparing", len(versions), len(versions) + 1)
    made = []
    for version, ident in sides:
        r = results[version]
        try:
            if kind == "scenarios":
                made.append(scenario_side(r, ident))
            elif kind == "plans":
                made.append(plan_side(r, ident))
            else:
                made.append(model_side(r, ident))
        except KeyError:
            raise VitaalError(
                f"no {kind[:-1]} '{ident}' in the analysis of version {version}"
            ) from None
    a, b = made
    comparison = compare_sides(a, b, "models" if kind == "versions" else kind)
    systems = [
        {"context": ctx, "system": system, "a": a.flags.get(key), "b": b.flags.get(key)}
        for key in dict.fromkeys([*a.flags, *b.flags])
        for ctx, system in [key]
    ]
    progress("comparing", len(versions) + 1, len(versions) + 1)
    return {
        "kind": kind,
        "sides": [{"version": v, "id": ident} for v, ident in sides],
        "comparison": comparison.as_dict(),
        "view": {lang: compare_context(comparison, lang) for lang in ("en", "nl")},
        "systems": systems,
    }


def _name(model: Model, node_id: str) -> str:
    for table in (model.components, model.areas, model.critical_functions):
        record = table.get(node_id)
        if record is not None:
            return str(getattr(record, "name", None) or node_id)
    return node_id


#: the functions a job may name (a worker process looks them up here)
def upload(
    url: str,
    base: int,
    user: dict[str, Any],
    file: tuple[str, bytes, str | None, str],
    progress: Progress,
) -> dict[str, Any]:
    """A bulk upload read, checked and written as one version (:mod:`vitaal.web.upload`)."""
    from vitaal.web.upload import run_upload

    return run_upload(url, base, user, file, progress, model_at)


FUNCTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "analysis": analysis,
    "scenario": scenario,
    "plan": plan_check,
    "compare": compare,
    "report": report,
    "pdf": report_pdf,
    "exports": exports,
    "upload": upload,
}
