"""retrafficking-sim: an agent-based model (Mesa) of survivors of trafficking after exit.

It follows survivors, traffickers and services month by month and compares policies
against re-trafficking.

Example:
    >>> import sim
    >>> result = sim.run(sim.Params().with_overrides({"cohort.n_survivors": 100,
    ...                                                "run.horizon_months": 12}), seed=3)
    >>> sorted(result.events.columns)[:3]
    ['cause', 'episode', 'event']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.parameters import ParameterError, Params

if TYPE_CHECKING:
    from sim.model import ReintegrationModel
    from sim.simulation import Result, run

__version__ = "0.1.0"

__all__ = ["ParameterError", "Params", "ReintegrationModel", "Result", "__version__", "run"]

#: Imported on first use, so ``import sim`` (the parameters, the command line's help) does
#: not load Mesa, pandas and scipy (PEP 562).
_LAZY = {"ReintegrationModel": "sim.model", "Result": "sim.simulation", "run": "sim.simulation"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
