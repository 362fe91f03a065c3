"""The Rotterdam example names what a reader sees in Dutch as well as in English."""

from __future__ import annotations

import re

import pytest

from vitaal.examples import example_path
from vitaal.io.folder import read_model
from vitaal.model import Model

#: English words that have no place in a Dutch name (words that are Dutch as well, such as
#: "station", "ring", "mast", "import", "in" or "west", and words of proper names, such as
#: "City" in Feijenoord City or "District" in Central District, are left out)
_ENGLISH_WORDS = (
    "and the of to with through under on from for at north south east new "
    "plant plants storage mains main pumps pumping unit cable cables node fibre mobile "
    "heat water sewer sewage network centre control backup line substation distribution "
    "receiving buffer bridge tunnel quay care home fire police hospital "
    "failure closure growth wave high river outside dikes dike underground lock"
)
ENGLISH = frozenset(_ENGLISH_WORDS.split())


@pytest.fixture(scope="module")
def model() -> Model:
    return read_model(example_path("rotterdam"))


def _dutch_names(model: Model) -> dict[str, str]:
    out = {f"component {c.id}": c.name_nl for c in model.components.values()}
    out |= {f"critical function {f.id}": f.name_nl for f in model.critical_functions.values()}
    out |= {f"scenario {s.id}": s.name_nl for s in model.scenarios.values()}
    out |= {f"plan {p.id}": p.title_nl for p in model.plans.values()}
    return {k: v or "" for k, v in out.items()}


def test_every_named_record_has_a_dutch_name(model: Model) -> None:
    missing = [k for k, v in _dutch_names(model).items() if not v]
    assert missing == []
    assert len(_dutch_names(model)) > 7000


def test_no_dutch_name_holds_an_english_word(model: Model) -> None:
    found = {
        k: sorted(ENGLISH & {w.lower() for w in re.findall(r"[A-Za-z]+", v)})
        for k, v in _dutch_names(model).items()
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_names_in_the_operators_words(model: Model) -> None:
    c = model.components
    assert c["ww-wwtp-dokhaven"].name_nl == "RWZI Dokhaven (ondergronds)"
    assert c["heat-avr-rozenburg"].name_nl == "AVR afvalenergiecentrale Rozenburg"
    assert c["ww-dps-ommoord"].name_nl == "Rioolgemaal Ommoord"
    # proper names stay as they are
    assert c["mob-vanbrienenoordbrug"].name_nl == c["mob-vanbrienenoordbrug"].name
