"""The compiled sweep's integer constants against the enums and limits they mirror.

numba cannot read an ``IntEnum`` inside compiled code, so ``_kernels`` repeats the pair roles
and cause codes as plain integers, and packs node states, stop codes, counts and stamps into
bits. A constant that drifts from its enum, or a field that overlaps another, would give
wrong answers without an error; these checks fail instead.
"""

from __future__ import annotations

import numpy as np

from vitaal.engine import _kernels as kern
from vitaal.engine.causes import CauseCode
from vitaal.engine.compile import PairRole


def test_roles_are_the_pair_roles() -> None:
    assert {r.name: int(r) for r in PairRole} == {
        "PRODUCER": kern.PRODUCER,
        "CARRIER": kern.CARRIER,
        "STORE": kern.STORE,
        "SINK": kern.SINK,
    }


def test_cause_codes_are_the_enum() -> None:
    mirror = {
        "NONE": kern.C_NONE,
        "EVENT": kern.C_EVENT,
        "HAZARD": kern.C_HAZARD,
        "COMMON_CAUSE": kern.C_COMMON,
        "SUPPLIER": kern.C_SUPPLIER,
        "PATH": kern.C_PATH,
        "STORE": kern.C_STORE,
        "OVERLOAD": kern.C_OVERLOAD,
    }
    assert mirror == {c.name: int(c) for c in CauseCode}
    # every code fits the stop-code field of a pair's state word and the int8 outputs
    assert (max(CauseCode) << kern.SC_SHIFT) & ~kern.SC_MASK == 0
    assert max(CauseCode) <= np.iinfo(np.int8).max


def test_node_states_are_distinct_bits_of_an_int8() -> None:
    states = [kern.N_FAILED, kern.N_PEND]
    for s in states:
        assert s > 0
        assert s & (s - 1) == 0  # one bit each
    assert kern.N_FAILED & kern.N_PEND == 0
    assert np.iinfo(np.int8).max >= (kern.N_FAILED | kern.N_PEND)
    assert kern.K_FAIL != kern.K_STOCK


def test_state_word_fields_do_not_overlap() -> None:
    """The flags, the stop code, the down count and the stamp of a pair's state word each
    have bits of their own, below the sign bit of an int64."""
    flags = kern.F_OFF | kern.F_STOP | kern.F_TENT
    down = kern.DOWN_MASK << kern.DOWN_SHIFT
    fields = [kern.F_OFF, kern.F_STOP, kern.F_TENT, kern.SC_MASK, down, kern.STAMP_MASK]
    for i, a in enumerate(fields):
        for b in fields[i + 1 :]:
            assert a & b == 0, (a, b)
    assert (flags | kern.SC_MASK | down | kern.STAMP_MASK) < 1 << 63
    assert kern.DOWN_ONE == 1 << kern.DOWN_SHIFT
    assert kern.STAMP_ONE == 1 << kern.STAMP_SHIFT
    assert kern.STAMP_MASK == kern.STAMP_LIMIT << kern.STAMP_SHIFT
    assert kern.MAX_SUPPLIERS == kern.DOWN_MASK


def test_packed_pair_word_fields_do_not_overlap() -> None:
    node = kern.NODE_MASK
    slack = kern.SLACK_MASK << kern.SLACK_SHIFT
    role = 15 << kern.ROLE_SHIFT
    fields = [node, slack, role, kern.REQUIRED_BIT, kern.FEEDS_STORE_BIT]
    for i, a in enumerate(fields):
        for b in fields[i + 1 :]:
            assert a & b == 0, (a, b)
    assert sum(fields) < 1 << 63
    assert max(PairRole) <= 15
