"""The survivor Mesa agent: a view onto the column store.

Traffickers are :class:`sim.traffickers.Trafficker`, views onto the
:class:`sim.traffickers.Traffickers` actor; services and authorities are in
:mod:`sim.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.states import Family, Purpose, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel
    from sim.traffickers import Trafficker


class Survivor(mesa.Agent):
    """One survivor: a thin, read-only view onto its row of ``model.people``.

    The monthly processes act on all survivors at once (vectorised), so ``step`` does nothing;
    the agent exists for identity, inspection, data collection and visualisation.
    """

    model: ReintegrationModel

    def __init__(self, model: ReintegrationModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def state(self) -> State:
        """Where the survivor is this month."""
        return State(int(self.model.people.state[self.row]))

    @property
    def episode(self) -> int:
        """Number of trafficking episodes so far (1 = the first)."""
        return int(self.model.people.episode[self.row])

    @property
    def age(self) -> float:
        """Age in years this month."""
        return float(self.model.people.age(self.model.month, np.array([self.row]))[0])

    @property
    def purpose(self) -> Purpose:
        """Purpose of the first exploitation."""
        return Purpose(int(self.model.people.purpose[self.row]))

    @property
    def family(self) -> Family:
        """The family's stance."""
        return Family(int(self.model.people.family[self.row]))

    @property
    def employed(self) -> bool:
        """Whether the survivor has regular work."""
        return bool(self.model.people.employed[self.row])

    @property
    def trafficker(self) -> Trafficker | None:
        """The current or most recent trafficker."""
        tid = int(self.model.people.trafficker[self.row])
        return self.model.traffickers[tid] if tid >= 0 else None

    def __repr__(self) -> str:
        return f"Survivor(row={self.row}, state={self.state.name}, episode={self.episode})"
