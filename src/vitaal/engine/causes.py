"""Why a node fails: the cause codes of a cascade and the initial failures that start one."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

__all__ = ["CauseCode", "InitialFailure"]


class CauseCode(IntEnum):
    """Why a node failed (``CascadeResult.cause``). See ``docs/engine.md``.

    Initial failures (order 1) are ``EVENT``, ``HAZARD`` and ``COMMON_CAUSE``; the others are
    cascade failures, whose cause node is the failed node that set them off.
    """

    #: did not fail within the horizon
    NONE = 0
    #: a scenario event (failure or closure) took it out
    EVENT = 1
    #: a hazard reached its threshold
    HAZARD = 2
    #: it shares a structure, site or flood zone with a member that an event or hazard took out
    COMMON_CAUSE = 3
    #: a requirement was no longer met because a supplier failed
    SUPPLIER = 4
    #: a requirement was no longer met because the supply path was cut further upstream
    PATH = 5
    #: a requirement was no longer met because the store that still supplied it ran dry
    STORE = 6
    #: a load moved onto it (from a failed primary) exceeded its capacity
    OVERLOAD = 7


@dataclass(frozen=True, slots=True)
class InitialFailure:
    """A node taken out at ``time_h`` by a scenario, before any cascade.

    ``cause`` is ``EVENT``, ``HAZARD`` or ``COMMON_CAUSE``; ``trigger`` is, for a common-cause
    failure, the member whose failure took this one along; ``detail`` says what (the event's
    kind, the hazard type with the intensity and threshold, the coupling id).
    """

    target: str
    time_h: float = 0.0
    cause: CauseCode = CauseCode.EVENT
    trigger: str | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.cause not in (CauseCode.EVENT, CauseCode.HAZARD, CauseCode.COMMON_CAUSE):
            raise ValueError(f"an initial failure cannot have cause {self.cause.name}")
        if not (isinstance(self.time_h, int | float) and math.isfinite(self.time_h)):
            raise ValueError(f"time_h must be a finite number of hours, not {self.time_h!r}")
