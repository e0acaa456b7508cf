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

from sim.model import ReintegrationModel
from sim.parameters import ParameterError, Params
from sim.run import Result, run

__version__ = "0.1.0"

__all__ = ["ParameterError", "Params", "ReintegrationModel", "Result", "__version__", "run"]
