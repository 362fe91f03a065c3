"""Reading, writing and reading again gives the same model; writing is all or nothing."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitaal.io.folder as folder
from vitaal.catalog import data_mapping
from vitaal.io.fields import normalise_wkt
from vitaal.io.folder import load_model, read_model, write_model
from vitaal.model import (
    AreaKind,
    Challenge,
    Component,
    Confidence,
    Coupling,
    CouplingKind,
    CriticalFunction,
    Event,
    EventKind,
    Hazard,
    HazardArea,
    Horizons,
    Level,
    Model,
    ModelInfo,
    OnOverload,
    Origin,
    Plan,
    Profile,
    Provenance,
    Quantity,
    Requirement,
    Resource,
    Role,
    Scenario,
    ScenarioKind,
    ServiceArea,
    SideOutput,
    Stakeholder,
    Store,
    Subsystem,
    SupplyLink,
    System,
    WayOfWorking,
    link_key,
    requirement_key,
    store_key,
)
from vitaal.model.validate import validate_model


# -- the tiny model -------------------------------------------------------------------------
def test_tiny_model_round_trips(tiny: Path, tmp_path: Path) -> None:
    model = read_model(tiny)
    out = write_model(model, tmp_path / "out")
    again, problems = load_model(out)
    assert problems == []
    assert again == model
    # and the canonical layout is itself stable: writing it again gives the same files
    out2 = write_model(again, tmp_path / "out2")
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(out2).as_posix() for p in out2.rglob("*") if p.is_file())
    for rel in files:
        assert (out / rel).read_text(encoding="utf-8") == (out2 / rel).read_text(encoding="utf-8")


def test_round_trip_sees_a_change(tiny: Path, tmp_path: Path) -> None:
    model = read_model(tiny)
    out = write_model(model, tmp_path / "out")
    path = out / "stores.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",6", ",7"), encoding="utf-8")
    assert read_model(out) != model


def test_writing_over_a_folder_is_refused_without_overwrite(tiny: Path, tmp_path: Path) -> None:
    model = read_model(tiny)
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="exists and is not empty"):
        write_model(model, target)
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    write_model(model, target, overwrite=True)
    assert not (target / "keep.txt").exists()
    assert read_model(target) == model


def test_writing_into_an_empty_folder_is_allowed(tiny: Path, tmp_path: Path) -> None:
    model = read_model(tiny)
    target = tmp_path / "empty"
    target.mkdir()
    assert read_model(write_model(model, target)) == model


def test_failure_while_writing_leaves_nothing_half_written(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = read_model(tiny)
    work = tmp_path / "work"
    target = work / "out"
    write_model(model, target)
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    calls = []
    real = folder._csv_text

    def failing(table: Any, records: Any) -> str:
        calls.append(table.kind)
        if table.kind == "supply":  # after model.yaml, systems and components are written
            raise OSError("disk full")
        return real(table, records)

    monkeypatch.setattr(folder, "_csv_text", failing)
    # a model whose model.yaml differs, so that a half-done overwrite would show
    changed = Model(info=dataclasses.replace(model.info, name="Changed town"))
    for kind, records in model.tables():
        changed.table(kind).update(records)
    with pytest.raises(OSError, match="disk full"):
        write_model(changed, target, overwrite=True)
    assert "components" in calls  # it did fail half-way through
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in work.iterdir()] == ["out"]  # no temporary folder left
    with pytest.raises(OSError, match="disk full"):
        write_model(model, work / "new")
    assert [p.name for p in work.iterdir()] == ["out"]


TRICKY_TEXTS = [
    'Grid station "Noord", phase 2; east side',
    "Erasmus MC — 's-Gravendijkwal; Zuid-Holland, Nederland ✓",
    "line one\nline two: with a colon",
    "# not a comment; [not, a, list] {nor: a mapping}",
    "123",
    "null",
    "true",
    "2026-03-01",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_free_text_round_trips(tiny: Path, tmp_path: Path, text: str) -> None:
    model = read_model(tiny)
    ss1 = model.components["ss-1"]
    model.components["ss-1"] = dataclasses.replace(
        ss1, name=text, owner=text, prov=Provenance(ref=text)
    )
    area = model.areas["area-north"]
    model.areas["area-north"] = dataclasses.replace(area, district=text)
    plan = model.plans["plan-harbour"]
    model.plans["plan-harbour"] = dataclasses.replace(plan, title=text, description=text)
    again = read_model(write_model(model, tmp_path / "out"))
    assert again.components["ss-1"].name == text
    assert again.components["ss-1"].prov.ref == text
    assert again.areas["area-north"].district == text
    assert again.plans["plan-harbour"].title == text
    assert again == model


def test_ids_the_reader_would_skip_as_file_names_round_trip(tiny: Path, tmp_path: Path) -> None:
    # components are written per subsystem and scenarios one per file, named by their id;
    # files named _x or README* are skipped by the reader, and Grid/grid collide on some disks
    model = read_model(tiny)
    for sub_id in ("_hidden", "README", "Grid", "grid"):
        model.subsystems[sub_id] = Subsystem(id=sub_id, system="electricity", name=sub_id)
        comp = dataclasses.replace(model.components["ss-2"], id=f"c{sub_id}", subsystem=sub_id)
        model.components[comp.id] = comp
    for sc_id in ("_draft", "readme.txt", "Flood"):
        model.scenarios[sc_id] = dataclasses.replace(model.scenarios["flood"], id=sc_id)
    out = write_model(model, tmp_path / "out")
    paths = [p.relative_to(out).as_posix().lower() for p in out.rglob("*")]
    assert len(set(paths)) == len(paths)  # unique whatever the case
    again, problems = load_model(out)
    assert problems == []
    assert again == model


# -- random valid models ----------------------------------------------------------------------
UNITS: dict[str, list[str]] = {}
for _unit, _spec in data_mapping("units", "units").items():
    UNITS.setdefault(str(_spec["dimension"]), []).append(_unit)
UNIT_OF_DIMENSION = {dim: units[0] for dim, units in UNITS.items()}
KINDS = sorted(data_mapping("kinds", "kinds"))
HAZARDS = {name: str(spec["unit"]) for name, spec in data_mapping("hazards", "hazards").items()}
CATEGORIES = sorted(data_mapping("categories", "categories"))
TRANSITIONS = sorted(data_mapping("transitions", "transitions"))
DIMENSION = {u: str(s["dimension"]) for u, s in data_mapping("units", "units").items()}

ids = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,11}", fullmatch=True)
# free text as people type it: any letters, plus the characters that CSV and YAML care about
text_chars = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\ufeff"
) | st.sampled_from(list(",;\"'#:-[]{}&*!|>%@` \n"))
texts = st.text(text_chars, min_size=1, max_size=24).map(str.strip).filter(bool)
opt_texts = st.none() | texts
numbers = st.integers(0, 10**7).map(lambda n: n / 1000) | st.integers(0, 10**12).map(float)
rd_x = st.integers(0, 300_000_000).map(lambda n: n / 1000)
rd_y = st.integers(289_000_000, 629_000_000).map(lambda n: n / 1000)
provs = st.builds(
    Provenance,
    origin=st.sampled_from(Origin),
    confidence=st.sampled_from(Confidence),
    ref=opt_texts,
)


@st.composite
def points(draw: st.DrawFn) -> str:
    return normalise_wkt(shapely.Point(draw(rd_x), draw(rd_y)))


@st.composite
def lines(draw: st.DrawFn) -> str:
    n = draw(st.integers(2, 4))
    coords = draw(st.lists(st.tuples(rd_x, rd_y), min_size=n, max_size=n, unique=True))
    return normalise_wkt(shapely.LineString(coords))


@st.composite
def boxes(draw: st.DrawFn) -> str:
    x0, y0 = draw(st.integers(0, 299_000)), draw(st.integers(289_000, 628_000))
    w, h = draw(st.integers(1, 1000)), draw(st.integers(1, 1000))
    return normalise_wkt(shapely.box(x0, y0, x0 + w, y0 + h, ccw=False))


def quantity_in(dimension: str) -> st.SearchStrategy[Quantity]:
    return st.builds(Quantity, numbers, st.sampled_from(UNITS[dimension]))


@st.composite
def models(draw: st.DrawFn) -> Model:
    """A model that validates without a single problem (not even a warning)."""
    names = draw(st.lists(ids, min_size=25, max_size=25, unique_by=str.lower))
    pool = iter(names)
    take = lambda n: [next(pool) for _ in range(n)]  # noqa: E731

    base = draw(st.integers(2000, 2100))
    years = st.integers(base - 50, 2300)  # validation reports years long before the base
    extra_kinds = tuple(draw(st.lists(st.sampled_from(["x_kind", "y_kind"]), unique=True)))
    info = ModelInfo(
        name=draw(texts),
        description=draw(opt_texts),
        base_year=base,
        horizons=draw(st.builds(Horizons, short_y=st.integers(1, 9), medium_y=st.integers(10, 40))),
        horizon_h=draw(numbers),
        kinds=extra_kinds,
    )
    model = Model(info=info)
    dims = sorted(UNITS)
    for rid in take(draw(st.integers(1, 3))):
        unit = draw(st.sampled_from(UNITS[draw(st.sampled_from(dims))]))
        model.resources[rid] = Resource(
            id=rid, name=draw(texts), unit=unit, name_nl=draw(opt_texts),
            on_overload=draw(st.sampled_from(list(OnOverload))),
            description=draw(opt_texts), prov=draw(provs),
        )  # fmt: skip
    resources = list(model.resources)
    for sid in take(draw(st.integers(1, 2))):
        model.systems[sid] = System(
            id=sid, name=draw(texts), name_nl=draw(opt_texts), owner=draw(opt_texts),
            description=draw(opt_texts), prov=draw(provs),
        )  # fmt: skip
    for sub_id in take(draw(st.integers(1, 2))):
        profile = Profile(
            goal=draw(opt_texts),
            result=draw(opt_texts),
            source_types=tuple(draw(st.lists(texts, max_size=2))),
            destination_types=tuple(draw(st.lists(texts, max_size=2))),
            structure=draw(opt_texts),
            stakeholders=tuple(
                draw(st.lists(st.builds(Stakeholder, name=texts, role=texts), max_size=2))
            ),
        )
        model.subsystems[sub_id] = Subsystem(
            id=sub_id, system=draw(st.sampled_from(list(model.systems))), name=draw(texts),
            name_nl=draw(opt_texts), owner=draw(opt_texts), profile=profile, prov=draw(provs),
        )  # fmt: skip

    comp_ids = take(draw(st.integers(2, 5)))
    area_ids = take(draw(st.integers(0, 2)))
    cf_ids = take(draw(st.integers(0, 1)))
    consumers = comp_ids + area_ids + cf_ids
    # supply links: per resource, from an earlier to a later node of one order, so that each
    # resource's links form no loop and every supplier traces back to a producer; the order
    # differs per resource, so that loops across resources (power <-> control) do occur
    links: dict[str, SupplyLink] = {}
    for res in resources:
        order = draw(st.permutations(comp_ids)) + consumers[len(comp_ids) :]
        for _ in range(draw(st.integers(0, 4))):
            i = draw(st.integers(0, min(len(comp_ids) - 1, len(order) - 2)))
            j = draw(st.integers(i + 1, len(order) - 1))
            link = SupplyLink(
                supplier=order[i], consumer=order[j], resource=res,
                role=draw(st.sampled_from(Role)), prov=draw(provs),
            )  # fmt: skip
            links[link_key(link)] = link
    model.supply = links
    supplies = {(lk.supplier, lk.resource) for lk in links.values()}
    fed: dict[tuple[str, str], int] = {}
    for lk in links.values():
        fed[(lk.consumer, lk.resource)] = fed.get((lk.consumer, lk.resource), 0) + 1

    kinds = KINDS + list(extra_kinds)
    for cid in comp_ids:
        unit_of = {r: model.resources[r].unit for r in resources}
        # every component that supplies a resource states its capacity for it
        cap_res = {r for (s, r) in supplies if s == cid}
        cap_res |= set(draw(st.lists(st.sampled_from(resources), max_size=2)))
        capacity = {r: draw(quantity_in(DIMENSION[unit_of[r]])) for r in sorted(cap_res)}
        peak = {
            r: draw(quantity_in(DIMENSION[unit_of[r]]))
            for r in draw(st.lists(st.sampled_from(resources), max_size=2, unique=True))
        }
        thresholds = {
            h: draw(quantity_in(DIMENSION[HAZARDS[h]]))
            for h in draw(st.lists(st.sampled_from(sorted(HAZARDS)), max_size=2, unique=True))
        }
        build = draw(st.none() | st.integers(1000, base + 30))
        model.components[cid] = Component(
            id=cid,
            subsystem=draw(st.sampled_from(list(model.subsystems))),
            kind=draw(st.sampled_from(kinds)),
            name=draw(opt_texts),
            geometry=draw(st.none() | points() | lines()),
            capacity=capacity,
            peak_load=peak,
            condition=draw(st.none() | st.integers(1, 6)),
            build_year=build,
            end_of_life_year=draw(st.none() | st.integers(build or 1000, 2300)),
            lead_time_y=draw(st.none() | numbers),
            replacement_cost_eur=draw(st.none() | numbers),
            owner=draw(opt_texts),
            protection_zone_m=draw(st.none() | numbers),
            thresholds=thresholds,
            prov=draw(provs),
        )
    for aid in area_ids:
        model.areas[aid] = ServiceArea(
            id=aid, name=draw(texts), kind=draw(st.sampled_from(AreaKind)),
            district=draw(opt_texts), population=draw(st.integers(0, 10**6)),
            homes=draw(st.integers(0, 10**6)), jobs=draw(st.integers(0, 10**6)),
            geometry=draw(st.none() | points() | boxes()), prov=draw(provs),
        )  # fmt: skip
    for fid in cf_ids:
        model.critical_functions[fid] = CriticalFunction(
            id=fid, name=draw(texts), category=draw(st.sampled_from(CATEGORIES)),
            area=draw(st.none() | st.sampled_from(area_ids)) if area_ids else None,
            people=draw(st.integers(0, 10**5)), owner=draw(opt_texts),
            geometry=draw(st.none() | points()), prov=draw(provs),
        )  # fmt: skip
    for (consumer, res), n in sorted(fed.items()):
        if draw(st.booleans()):
            req = Requirement(
                consumer=consumer, resource=res, buffer_h=draw(numbers),
                k=draw(st.integers(1, n)), prov=draw(provs),
            )  # fmt: skip
            model.requirements[requirement_key(req)] = req
        if consumer in model.components and draw(st.booleans()):
            store = Store(
                component=consumer, resource=res, autonomy_h=draw(numbers), prov=draw(provs)
            )
            model.stores[store_key(store)] = store
    for cpl_id in take(draw(st.integers(0, 2))):
        model.couplings[cpl_id] = Coupling(
            id=cpl_id, kind=draw(st.sampled_from(CouplingKind)),
            members=tuple(draw(st.lists(st.sampled_from(comp_ids), min_size=2, max_size=3))),
            description=draw(opt_texts), managed_by=draw(opt_texts), prov=draw(provs),
        )  # fmt: skip
    for so_id in take(draw(st.integers(0, 1))):
        model.side_outputs[so_id] = SideOutput(
            id=so_id, component=draw(st.sampled_from(comp_ids)), output=draw(ids),
            amount=draw(st.none() | quantity_in(draw(st.sampled_from(dims)))),
            usable_by=tuple(draw(st.lists(st.sampled_from(list(model.systems)), max_size=2))),
            description=draw(opt_texts), prov=draw(provs),
        )  # fmt: skip
    for ch_id in take(draw(st.integers(0, 1))):
        model.challenges[ch_id] = Challenge(
            id=ch_id, subsystem=draw(st.sampled_from(list(model.subsystems))),
            driver=draw(texts), assumption=draw(texts), level=draw(st.sampled_from(Level)),
            description=draw(opt_texts), prov=draw(provs),
        )  # fmt: skip
    series = st.dictionaries(years, st.integers(0, 10**5), max_size=3)
    for plan_id in take(draw(st.integers(0, 2))):
        demand = {
            r: draw(
                st.dictionaries(years, quantity_in(DIMENSION[model.resources[r].unit]),
                                min_size=1, max_size=2)
            )
            for r in draw(st.lists(st.sampled_from(resources), max_size=2, unique=True))
        }  # fmt: skip
        plan_areas = (
            tuple(draw(st.lists(st.sampled_from(area_ids), max_size=2))) if area_ids else ()
        )
        # a plan that adds growth names the areas it adds to (validation requires it)
        grows = bool(plan_areas)
        model.plans[plan_id] = Plan(
            id=plan_id, title=draw(texts), owner=draw(opt_texts),
            system=draw(st.none() | st.sampled_from(list(model.systems))),
            areas=plan_areas,
            geometry=draw(st.none() | boxes()),
            homes=draw(series) if grows else {}, jobs=draw(series) if grows else {},
            demand=demand if grows else {}, result_known=draw(st.none() | st.booleans()),
            repetitive=draw(st.none() | st.booleans()),
            run_as=draw(st.none() | st.sampled_from(list(WayOfWorking))),
            priority=draw(st.none() | st.sampled_from(["safety", "basic_needs", "other"])),
            description=draw(opt_texts),
            prov=draw(provs),
        )  # fmt: skip
    for sc_id in take(draw(st.integers(0, 2))):
        hazards = []
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(sorted(HAZARDS)))
            hazards.append(
                Hazard(
                    type=kind,
                    unit=draw(st.sampled_from(UNITS[DIMENSION[HAZARDS[kind]]])),
                    time_h=draw(numbers),
                    areas=tuple(
                        draw(st.lists(st.builds(HazardArea, geometry=boxes(), value=numbers),
                                      max_size=2))
                    ),
                    values=draw(st.dictionaries(st.sampled_from(comp_ids), numbers, max_size=2)),
                    raster=draw(opt_texts),
                )
            )  # fmt: skip
        model.scenarios[sc_id] = Scenario(
            id=sc_id, name=draw(texts), kind=draw(st.sampled_from(ScenarioKind)),
            description=draw(opt_texts),
            origin_system=draw(st.none() | st.sampled_from(list(model.systems))),
            horizon_h=draw(st.none() | numbers), year=draw(st.none() | years),
            plans=tuple(draw(st.lists(st.sampled_from(list(model.plans)), max_size=2)))
            if model.plans else (),
            transitions=draw(
                st.dictionaries(
                    st.sampled_from(TRANSITIONS),
                    st.dictionaries(years, st.integers(0, 1000).map(lambda n: n / 1000),
                                    min_size=1, max_size=2),
                    max_size=2,
                )
            ),
            events=tuple(
                draw(st.lists(st.builds(Event, target=st.sampled_from(consumers),
                                        time_h=numbers, kind=st.sampled_from(EventKind)),
                              max_size=3))
            ),
            hazards=tuple(hazards), prov=draw(provs),
        )  # fmt: skip
    return model


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(model=models())
def test_random_valid_model_round_trips(model: Model) -> None:
    assert validate_model(model) == []  # the strategy makes sound models only
    with tempfile.TemporaryDirectory() as tmp:
        out = write_model(model, Path(tmp) / "model")
        again, problems = load_model(out)
        problems += validate_model(again)
        assert problems == []
        assert again == model
