"""The intervention register and the scenarios' likelihoods of the Rotterdam example.

Called by ``build_rotterdam_example.py``: :func:`add_likelihood` gives the scenarios their
likelihood before they are written, :func:`write_interventions` writes
``interventions.yaml`` into the model folder once the rest is written, reading the records it
names from that folder (so that ids the builder changes are found, or the option is left out
with a note, never written dangling).

Every figure here is an assumption of the order of magnitude (``origin: assumed``), to be
replaced by the owners' figures; the reasoning is in each record's ``description``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

#: Per scenario, how often it happens (docs/interventions.md, "Expected annual impact"), with
#: the reasoning. None is published for Rotterdam: all are assumptions.
LIKELIHOOD: dict[str, dict[str, Any]] = {
    "river-flood": {
        "return_period_y": 100,
        "why": "The Maeslantkering is expected to close about once in ten years; water standing "
        "0.3-0.8 m in the outside-dike port and waterfront areas at the same time takes a "
        "rarer surge with high Rhine discharge: once in 100 years assumed.",
    },
    "heat-wave": {
        "return_period_y": 20,
        "why": "Five days with 38 degC in the centre (urban heat island): the national record "
        "of 40.7 degC (2019) shows it can happen; once in 20 years assumed.",
    },
    "grid-station-failure": {
        "likelihood_class": "B",
        "why": "Losing a whole 380/150 kV station to fire is rare: unlikely (0.05-0.5 % in five "
        "years), assumed.",
    },
    "distribution-station-fire": {
        "likelihood_class": "C",
        "why": "A fire in one of the city's distribution stations: somewhat likely (0.5-5 % in "
        "five years), assumed.",
    },
    "scada-evides-failure": {
        "likelihood_class": "C",
        "why": "A cyber incident taking the water company's control system down for days: "
        "somewhat likely (0.5-5 % in five years), assumed.",
    },
    "vbo-closure": {
        "likelihood_class": "C",
        "why": "An urgent three-month closure of the Van Brienenoordbrug before its renovation: "
        "somewhat likely (0.5-5 % in five years), assumed.",
    },
}

_ASSUMED = {"origin": "assumed", "confidence": "low"}


def add_likelihood(scenarios: dict[str, dict[str, Any]]) -> None:
    """Give the scenarios of :data:`LIKELIHOOD` their return period or likelihood class."""
    for sid, lk in LIKELIHOOD.items():
        sc = scenarios.get(sid)
        if sc is None:
            print(f"rotterdam_interventions: no scenario {sid}; its likelihood left out")
            continue
        for key in ("return_period_y", "likelihood_class"):
            if key in lk:
                sc[key] = lk[key]


def _flood_zone_exit(couplings: dict[str, Any], ids: list[str]) -> list[dict[str, Any]]:
    """The changes that take ``ids`` out of the flood-zone couplings they are members of."""
    out = []
    for cid, cp in couplings.items():
        if cp["kind"] != "flood_zone" or not set(ids) & set(cp["members"]):
            continue
        out.append({"set": f"couplings/{cid}", "members-": [m for m in cp["members"] if m in ids]})
    return out


def _floodproof(couplings: dict[str, Any], ids: list[str], depth: str) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = [
        {"set": f"components/{i}", "thresholds": {"water_depth": depth}} for i in ids
    ]
    return changes + _flood_zone_exit(couplings, ids)


def interventions(folder: Path) -> list[dict[str, Any]]:
    """The register, built against the model written in ``folder``."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from vitaal.io.folder import load_model
    from vitaal.io.tables import TABLES, dump_record

    model, _ = load_model(folder)
    comps = model.components
    couplings = {k: dump_record(TABLES["couplings"], c) for k, c in model.couplings.items()}
    out: list[dict[str, Any]] = []

    def need(*ids: str) -> bool:
        missing = [i for i in ids if i not in comps]
        if missing:
            print(f"rotterdam_interventions: no component {', '.join(missing)}; option left out")
        return not missing

    nodes = ["tel-node-kop-van-zuid-kpn", "tel-node-kop-van-zuid-vz"]
    if need(*nodes):
        out.append(
            {
                "id": "floodproof-fibre-kop-van-zuid",
                "name": "Flood-proof the two fibre nodes at Kop van Zuid",
                "name_nl": "De twee glasvezelknooppunten op de Kop van Zuid waterdicht maken",
                "kind": "protection",
                "owner": "KPN; VodafoneZiggo",
                "system": "telecom",
                "investment_eur": 400_000,
                "yearly_cost_eur": 4_000,
                "lead_time_y": 1,
                "lifetime_y": 25,
                "description": "The crisis centre, the 112 room and the harbour master get their "
                "data through the KPN and VodafoneZiggo nodes at Kop van Zuid, both outside the "
                "dikes. Raised equipment and sealed cable entries keep them dry up to 1 m; they "
                "leave the area's flood zone. About EUR 200,000 a node, assumed. Their power "
                "comes from substations that still flood: alone, it only buys their batteries' "
                "hours.",
                "changes": _floodproof(couplings, nodes, "1 m"),
                **_ASSUMED,
            }
        )
    feeds = sorted(
        {
            link.supplier
            for link in model.supply.values()
            if link.consumer in nodes and link.resource == "electricity"
        }
    )
    if feeds and need(*feeds):
        out.append(
            {
                "id": "floodproof-substations-kop-van-zuid",
                "name": "Flood-proof the substations that feed the Kop van Zuid fibre nodes",
                "name_nl": "De netstations die de glasvezelknooppunten op de Kop van Zuid voeden "
                "waterdicht maken",
                "kind": "protection",
                "owner": "Stedin",
                "system": "electricity",
                "investment_eur": 150_000 * len(feeds),
                "yearly_cost_eur": 0,
                "lead_time_y": 1,
                "lifetime_y": 40,
                "description": "Raise the switchgear of the substations that feed the two fibre "
                "nodes above 1 m of water and take them out of the flood zone. About EUR "
                "150,000 a substation, assumed. Alone it keeps a few streets lit; with the "
                "nodes flood-proofed it keeps the crisis centre's data.",
                "changes": _floodproof(couplings, feeds, "1 m"),
                **_ASSUMED,
            }
        )
    out.append(
        {
            "id": "mobile-substations",
            "name": "A fleet of mobile substations",
            "name_nl": "Een vloot mobiele netstations",
            "kind": "faster_repair",
            "owner": "Stedin",
            "system": "electricity",
            "investment_eur": 2_000_000,
            "yearly_cost_eur": 150_000,
            "lead_time_y": 1,
            "lifetime_y": 20,
            "description": "Mobile substations on trailers stand in for a flooded or burnt "
            "neighbourhood substation: back in a day after a flood instead of three, in four "
            "hours after a fault instead of eight. Fleet size and cost assumed.",
            "changes": [{"repair": "substation", "repair_h": 4, "hazard_repair_h": 24}],
            **_ASSUMED,
        }
    )
    if need("mob-maastunnel"):
        out.append(
            {
                "id": "maastunnel-flood-barriers",
                "name": "Flood barriers at the Maastunnel entrances",
                "name_nl": "Waterkeringen bij de ingangen van de Maastunnel",
                "kind": "protection",
                "owner": "Gemeente Rotterdam",
                "system": "mobility",
                "investment_eur": 3_000_000,
                "yearly_cost_eur": 20_000,
                "lead_time_y": 2,
                "lifetime_y": 40,
                "description": "Demountable barriers at the four entrances keep water out of "
                "the tunnel up to 0.5 m; the cables and the water main in its structure stay "
                "dry with it. Cost assumed.",
                "changes": [
                    {"set": "components/mob-maastunnel", "thresholds": {"water_depth": "0.5 m"}}
                ],
                **_ASSUMED,
            }
        )
    hot = [
        c.id
        for c in comps.values()
        if c.kind == "traction_substation"
        and "temperature" in c.thresholds
        and c.thresholds["temperature"].to("degC") < 40
    ]
    if hot:
        out.append(
            {
                "id": "cool-traction-substations",
                "name": "Cooling for the metro's traction substations",
                "name_nl": "Koeling voor de tractieonderstations van de metro",
                "kind": "protection",
                "owner": "RET",
                "system": "mobility",
                "investment_eur": 40_000 * len(hot),
                "yearly_cost_eur": 1_000 * len(hot),
                "lead_time_y": 2,
                "lifetime_y": 20,
                "description": f"Air conditioning for the {len(hot)} traction substations that "
                "trip at 38 degC, so that they hold to 42 degC. About EUR 40,000 a station and "
                "EUR 1,000 a year, assumed.",
                "changes": [
                    {"set": f"components/{i}", "thresholds": {"temperature": "42 degC"}}
                    for i in hot
                ],
                **_ASSUMED,
            }
        )
    if need("mob-erasmusbrug"):
        out.append(
            {
                "id": "erasmusbrug-sprinklers",
                "name": "Sprinklers that cool the Erasmusbrug's bascule in a heat wave",
                "name_nl": "Sprinklers die de klep van de Erasmusbrug koelen bij hitte",
                "kind": "degraded_mode",
                "owner": "Gemeente Rotterdam",
                "system": "mobility",
                "investment_eur": 500_000,
                "yearly_cost_eur": 20_000,
                "lead_time_y": 1,
                "lifetime_y": 25,
                "description": "Steel bridges are cooled with water in heat so that they keep "
                "opening and closing; fixed sprinklers on the bascule let the bridge work to "
                "40 degC instead of 36. Cost assumed.",
                "changes": [
                    {
                        "set": "components/mob-erasmusbrug",
                        "thresholds": {"temperature": "40 degC"},
                    }
                ],
                **_ASSUMED,
            }
        )
    if need("heat-hwc-zuid"):
        out.append(
            {
                "id": "mobile-boilers-zuid",
                "name": "Containerised peak boilers beside the Rotterdam-Zuid boiler plant",
                "name_nl": "Mobiele piekketels naast de ketelcentrale Rotterdam-Zuid",
                "kind": "reinforcement",
                "owner": "Vattenfall",
                "system": "heat",
                "investment_eur": 3_000_000,
                "yearly_cost_eur": 300_000,
                "lead_time_y": 1,
                "lifetime_y": 15,
                "description": "30 MW of gas-fired boilers in containers on the site of the "
                "peak and backup plant Rotterdam-Zuid, whose 15 MW run short in 2028: placed "
                "within a year, where a new plant takes four. About EUR 100,000 a MW and EUR "
                "300,000 a year for standby, gas contracts and upkeep, assumed. A stopgap: it "
                "burns gas, and the network's sources still run short.",
                "changes": [{"set": "components/heat-hwc-zuid", "capacity": {"heat": "45 MW"}}],
                **_ASSUMED,
            }
        )
    homes = [cf.id for cf in model.critical_functions.values() if cf.category == "care_home"]
    changes: list[dict[str, Any]] = []
    for h in homes:
        req = model.requirements.get(f"{h}|electricity")
        if req is None:
            changes.append(
                {"add": "requirements", "consumer": h, "resource": "electricity", "buffer_h": 24}
            )
        elif req.buffer_h < 24:
            changes.append({"set": f"requirements/{h}|electricity", "buffer_h": 24})
    if changes:
        out.append(
            {
                "id": "care-home-emergency-power",
                "name": "Emergency power for a day at every care home",
                "name_nl": "Noodstroom voor een dag bij elk verpleeghuis",
                "kind": "autonomy",
                "owner": "Care home operators",
                "investment_eur": 60_000 * len(changes),
                "yearly_cost_eur": 2_500 * len(changes),
                "lead_time_y": 1,
                "lifetime_y": 15,
                "description": f"A generator with fuel for 24 hours at the {len(changes)} care "
                "homes that have less. About EUR 60,000 a home and EUR 2,500 a year for tests "
                "and fuel, assumed. It keeps the lights on; their data and mobile network are "
                "other systems.",
                "changes": changes,
                **_ASSUMED,
            }
        )
    return out


HEADER = """\
The intervention register of the Rotterdam example (docs/interventions.md): options for the
red and orange flags of its scenarios, each with what it changes in the model, what it costs,
how long it takes and lasts, and who owns it. Every figure is assumed (origin: assumed), of
the order of magnitude; the reasoning is in each description. Written by
scripts/rotterdam_interventions.py (called by scripts/build_rotterdam_example.py).
Try: vitaal options examples/rotterdam --scenario river-flood
"""


def write_interventions(folder: Path) -> None:
    """Write ``interventions.yaml`` into the model folder ``folder``."""
    records = interventions(folder)
    text = yaml.safe_dump(records, sort_keys=False, allow_unicode=True, width=100)
    with (folder / "interventions.yaml").open("w", encoding="utf-8") as f:
        f.write("".join(f"# {line}\n" for line in HEADER.splitlines()))
        f.write(text)


if __name__ == "__main__":
    write_interventions(Path(sys.argv[1]))
