"""The Mesa agents: survivors (views onto the column store), traffickers and services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import mesa
import numpy as np
from numpy.typing import NDArray

from sim.states import Family, Package, Purpose, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


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
        return float(self.model.people.age(self.model.month)[self.row])

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


class Trafficker(mesa.Agent):
    """A trafficker or small network: region, reach, recruiting capacity, and the exploited.

    Traffickers recruit the vulnerable and pursue those who owe them through the vectorised
    processes (:func:`sim.processes.common.recruit`, :mod:`sim.processes.pressure`); their own
    ``step`` handles removal (prosecution) and replacement.
    """

    model: ReintegrationModel

    def __init__(
        self,
        model: ReintegrationModel,
        index: int,
        region: int,
        reach_destination: bool,
        colluding_contacts: bool,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.region = region
        self.reach_destination = reach_destination
        self.active = True
        self.removed_month: int | None = None
        #: Whether officials collude with this trafficker (hand survivors back to it).
        self.colluding_contacts = colluding_contacts
        #: Rows of every survivor this trafficker has exploited, in order.
        self.exploited: list[int] = []

    @property
    def threats_made(self) -> int:
        """Spells of threats this trafficker started against former victims."""
        return int(self.model.trafficker_threats[self.index])

    @property
    def debt_claimed(self) -> float:
        """Total 'debt' claimed from former victims, in months of their income."""
        return float(self.model.trafficker_claims[self.index])

    def threatening(self) -> list[int]:
        """Rows of survivors this trafficker is threatening now."""
        p = self.model.people
        return [int(r) for r in np.flatnonzero(p.threatened & (p.trafficker == self.index))]

    def step(self, u: float) -> None:
        """Start a new month: be removed with the removal probability (``u``: its uniform)."""
        if self.active and u < self.model.p_removal:
            self.active = False
            self.removed_month = self.model.month

    def __repr__(self) -> str:
        return f"Trafficker(index={self.index}, region={self.region}, active={self.active})"


class Service(mesa.Agent):
    """An assistance provider with funding-limited places.

    ``kind`` is what it delivers: ``"assistance"`` (shelter, care and the package in the
    destination before return or residency) or ``"support"`` (reintegration support at home
    or for residents in the destination). Places are concurrent; when they are full, people
    wait or go without.
    """

    model: ReintegrationModel

    def __init__(
        self,
        model: ReintegrationModel,
        kind: Literal["assistance", "support"],
        place: Literal["destination", "origin"],
        places: int,
    ) -> None:
        super().__init__(model)
        self.kind = kind
        self.place = place
        self.places = places
        self.in_use = 0

    def free_places(self) -> int:
        """Places available now."""
        return max(self.places - self.in_use, 0)

    def package(self, u: NDArray[np.float64]) -> NDArray[np.int16]:
        """Draw package bitmasks from a (6, n) array of uniforms (IOM-2010 §5.3 Table 5)."""
        s = self.model.params.services
        shares = [
            s.share_shelter,
            s.share_medical,
            s.share_financial,
            s.share_vocational,
            s.share_legal,
            s.share_job_placement,
        ]
        bits = np.zeros(u.shape[1], dtype=np.int16)
        for row, (share, bit) in enumerate(zip(shares, Package, strict=True)):
            bits[u[row] < share] |= bit
        return bits

    def step(self) -> None:
        """Count places in use for the month's reporting."""
        self.in_use = self.model.places_in_use(self)

    def __repr__(self) -> str:
        return f"Service({self.kind}, {self.place}, {self.in_use}/{self.places} places)"


class Authority(mesa.Agent):
    """The authorities' practice at exit: identify and refer, deport, or hand back (collude).

    Reads its practice from the policy levers, so scenarios change it as data.
    """

    model: ReintegrationModel

    def __init__(self, model: ReintegrationModel) -> None:
        super().__init__(model)

    @property
    def collusion_share(self) -> float:
        """Share of interceptions where officers hand the survivor back."""
        return self.model.params.policy.collusion_share

    @property
    def referral_share(self) -> float:
        """Share of the remaining interceptions identified and referred."""
        return self.model.params.policy.referral_share

    @property
    def risk_assessment_share(self) -> float:
        """Share of deportations preceded by a risk assessment."""
        return self.model.params.policy.deportation_risk_assessment_share
