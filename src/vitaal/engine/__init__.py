"""Layer 3: compiles a model into compact arrays and runs the analyses on them.

The core of the engine is the timed cascade (:func:`run_cascade`) over a
:class:`CompiledModel`, started by the initial failures of a scenario
(:func:`initial_failures`: events, hazard overlay and common-cause couplings).
"""

from __future__ import annotations

from vitaal.engine.cascade import CascadeResult, ChainStep, run_cascade
from vitaal.engine.causes import CauseCode, InitialFailure
from vitaal.engine.compile import (
    CompiledModel,
    NodeKind,
    PairRole,
    compile_arrays,
    compile_model,
)
from vitaal.engine.hazard import (
    common_cause_failures,
    hazard_failures,
    hazard_intensity,
    initial_failures,
)

__all__ = [
    "CascadeResult",
    "CauseCode",
    "ChainStep",
    "CompiledModel",
    "InitialFailure",
    "NodeKind",
    "PairRole",
    "common_cause_failures",
    "compile_arrays",
    "compile_model",
    "hazard_failures",
    "hazard_intensity",
    "initial_failures",
    "run_cascade",
]
