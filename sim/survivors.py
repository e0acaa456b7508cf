"""Survivors: the actor that owns the cohort's columns, event log, Mesa agents and counts.

The survivors' monthly processes (:mod:`sim.processes`) act on the columns of
:attr:`Survivors.people`, vectorised; each survivor is also a Mesa agent
(:class:`sim.agents.Survivor`), a view onto its row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.actor import RowActor
from sim.agents import Survivor
from sim.cohort import make_cohort
from sim.events import EventLog
from sim.people import People
from sim.states import State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


class Survivors(RowActor[Survivor]):
    """The synthetic cohort. Stream: ``cohort`` (its attributes, drawn once)."""

    name = "survivors"

    def __init__(self, model: ReintegrationModel) -> None:
        super().__init__(model, Survivor)
        params = model.params
        cohort = make_cohort(
            params.cohort, model.streams["cohort"], params.run.horizon_months, params.survivor
        )
        self.people = People.from_cohort(cohort)
        self.log = EventLog(self.people.episode)

    def __len__(self) -> int:
        return len(self.people)

    def counts(self) -> dict[str, int]:
        """Survivors in each state, and those monitored, threatened, employed, homeless.

        Nobody is left exited at the end of a month, so that state is not counted.
        """
        p = self.people
        counts = {s.name.lower(): int(np.count_nonzero(p.in_state(s))) for s in _COUNTED}
        counts.update(
            monitored=int(np.count_nonzero(p.monitored)),
            threatened=int(np.count_nonzero(p.threatened)),
            employed=int(np.count_nonzero(p.employed)),
            homeless=int(np.count_nonzero(p.homeless)),
        )
        return counts

    def results(self) -> dict[str, pd.DataFrame]:
        """One row per survivor: cohort attributes and final state."""
        people = pd.DataFrame(self.people.as_columns())
        people.index.name = "survivor"
        return {"people": people}


#: The states counted each month (nobody is left exited at the end of a month).
_COUNTED = tuple(s for s in State if s is not State.EXITED)
