"""Run the model and package what it produced: ``sim.run(params, seed) -> Result``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import mesa
import pandas as pd

from sim.actor import Actor
from sim.model import ReintegrationModel
from sim.parameters import Params


@dataclass
class Result:
    """Everything one run produced.

    Attributes:
        params: The parameters of the run.
        seed: Its seed.
        events: The event log (see :mod:`sim.events`), one row per transition.
        people: One row per survivor: cohort attributes and final state
            (see :class:`sim.people.People`).
        monthly: One row per month: survivors in each state, in support, waiting, monitored,
            threatened, employed, and active traffickers.
        traffickers: One row per trafficker: region, reach, whether and when removed, number
            of people exploited, threat spells started and debt claimed.
    """

    params: Params
    seed: int
    events: pd.DataFrame
    people: pd.DataFrame
    monthly: pd.DataFrame
    traffickers: pd.DataFrame = field(repr=False)
    #: Tables of any further actors (``Actor.results``), by name.
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def months(self) -> int:
        """Number of months simulated."""
        return len(self.monthly)


def run(
    params: Params | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    actors: Sequence[Callable[[ReintegrationModel], Actor]] = (),
) -> Result:
    """Simulate one cohort over the horizon.

    Args:
        params: Parameters; defaults when None.
        seed: Seed; the same seed gives the same result, bit for bit.
        progress: Called as ``progress(month_done, months)`` after each month.
        actors: Extra actors (see :class:`sim.actor.Actor`).

    Returns:
        The run's :class:`Result`.

    Example:
        >>> from sim import Params, run
        >>> small = Params().with_overrides({"cohort.n_survivors": 200, "run.horizon_months": 24})
        >>> result = run(small, seed=1)
        >>> result.months, len(result.people)
        (24, 200)
    """
    params = params or Params()
    model = ReintegrationModel(params, seed, actors)
    months = params.run.horizon_months
    for done in range(1, months + 1):
        model.step()
        if progress is not None:
            progress(done, months)
    result = collect(model)
    release(model)
    return result


def release(model: ReintegrationModel) -> None:
    """Let a finished model be freed when nothing else refers to it.

    Mesa before 3.4.2 counts agent ids in a class-level ``Agent._ids`` dictionary keyed by
    model, which keeps every model ever made alive (about 18 MiB a default run). The model of
    :func:`run` is discarded once its result is collected, so its entry can go.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)


def collect(model: ReintegrationModel) -> Result:
    """Package a model's state and log as a :class:`Result`."""
    monthly = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    monthly.insert(0, "month", range(len(monthly)))
    tables = {name: t for actor in model.actors for name, t in actor.results().items()}
    return Result(
        params=model.params,
        seed=model.seed,
        events=model.log.to_frame(),
        people=tables.pop("people"),
        monthly=monthly,
        traffickers=tables.pop("traffickers"),
        tables=tables,
    )
