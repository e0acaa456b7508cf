"""Traffickers: one actor owning every trafficker's state, and thin Mesa agents onto it.

Traffickers (or small networks) have a region, may reach destination countries, may have
colluding contacts among officials, recruit up to a capacity each month, are removed
(prosecution) and replaced after a delay, and keep the accounts of their threats and 'debt'
claims against former victims. All of it lives in :class:`Traffickers` as arrays indexed by
trafficker; the survivors' processes ask it to recruit and book pressure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from sim.actor import RowActor
from sim.matching import flagged, match
from sim.randomness import Draws
from sim.rates import prob

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


class Traffickers(RowActor["Trafficker"]):
    """Every trafficker of a run: attributes, activity, capacity used and accounts.

    Streams: ``trafficker.attributes`` (per trafficker index: reach and contacts),
    ``trafficker.first`` (first assignment of survivors), ``trafficker.removal`` (monthly,
    one number per trafficker index).
    """

    name = "trafficker"

    def __init__(self, model: ReintegrationModel) -> None:
        super().__init__(model, Trafficker)
        self.params = model.params.traffickers
        self.p_removal = float(prob(self.params.removal_rate_per_month))
        self.region = np.zeros(0, dtype=np.int16)
        self.reach = np.zeros(0, dtype=bool)
        self.contacts = np.zeros(0, dtype=bool)
        self.active_mask = np.zeros(0, dtype=bool)
        self.removed_month = np.zeros(0, dtype=np.int32)
        self.threats = np.zeros(0, dtype=np.int64)
        self.claims = np.zeros(0, dtype=np.float64)
        self.recruits = np.zeros(0, dtype=np.int32)
        #: This month: survivors a process tried to (re-)traffic, and those no trafficker
        #: could take only because every one who could was at capacity.
        self.attempts = 0
        self.full = 0
        #: Who each trafficker took, in order: chunks of (trafficker, survivor row) pairs.
        self._took: list[tuple[NDArray[np.int32], NDArray[np.int32]]] = []
        self._replacements: list[tuple[int, int]] = []  # (month due, region)
        count = int(np.floor(self.params.per_1000_survivors * model.n / 1000.0 + 0.5))
        # Spread traffickers evenly over regions so every region has some where possible.
        self.add(np.arange(count) % model.params.cohort.n_regions)

    def __len__(self) -> int:
        return len(self.region)

    def add(self, regions: NDArray[np.integer]) -> None:
        """New traffickers in ``regions``; each one's reach and contacts are its index's draws."""
        n = len(regions)
        index = np.arange(len(self), len(self) + n)
        u = self.model.streams.numbers("trafficker.attributes", index, k=2)

        def grow(column: NDArray, values: ArrayLike) -> NDArray:
            grown = np.empty(len(column) + n, dtype=column.dtype)
            grown[: len(column)] = column
            grown[len(column) :] = values
            return grown

        self.region = grow(self.region, regions)
        self.reach = grow(self.reach, u[0] < self.params.share_reach_destination)
        self.contacts = grow(self.contacts, u[1] < self.params.share_with_colluding_contacts)
        self.active_mask = grow(self.active_mask, True)
        self.removed_month = grow(self.removed_month, -1)
        self.threats = grow(self.threats, 0)
        self.claims = grow(self.claims, 0.0)
        self.recruits = grow(self.recruits, 0)

    def exploited(self, index: int) -> list[int]:
        """Rows of every survivor trafficker ``index`` has exploited, in order."""
        return [int(row) for tid, rows in self._took for row in rows[tid == index]]

    def people_exploited(self) -> NDArray[np.int64]:
        """How many survivors each trafficker has exploited (an episode each)."""
        took = [tid for tid, _ in self._took]
        return np.bincount(np.concatenate([np.zeros(0, np.int32), *took]), minlength=len(self))

    def assign_first(self) -> None:
        """Each survivor's first trafficker: from their region with ``same_region_share``."""
        if len(self) == 0:
            return
        m = self.model
        p = m.people
        u = m.streams["trafficker.first"].random((2, m.n))
        first = np.floor(u[1] * len(self)).astype(np.int32)  # anyone
        local = u[0] < self.params.same_region_share
        for region in np.unique(p.region):
            pool = (self.region == region).nonzero()[0]
            rows = (local & (p.region == region)).nonzero()[0]
            if len(pool):
                first[rows] = pool[np.floor(u[1, rows] * len(pool)).astype(np.int32)]
        p.trafficker[:] = first
        self.took(np.arange(m.n), first)

    def start_month(self) -> None:
        """Replacements arrive, then each active trafficker is removed with its probability.

        A removed trafficker is replaced by a new one in its region after
        ``replacement_delay_months``. Capacity used is reset.
        """
        month = self.model.month
        due = [r for r in self._replacements if r[0] <= month]
        self._replacements = [r for r in self._replacements if r[0] > month]
        if due:
            self.add(np.array([region for _, region in due]))
        u = self.model.streams.per_item("trafficker.removal", month, len(self))
        removed = (self.active_mask & (u < self.p_removal)).nonzero()[0]
        self.active_mask[removed] = False
        self.removed_month[removed] = month
        delay = self.params.replacement_delay_months
        self._replacements += [(month + delay, int(self.region[i])) for i in removed]
        self.recruits[:] = 0
        self.attempts = self.full = 0

    def active(self, tid: NDArray[np.integer]) -> NDArray[np.bool_]:
        """Whether each trafficker index (-1 = none) is active."""
        return flagged(self.active_mask, tid)

    def has_contacts(self, tid: NDArray[np.integer]) -> NDArray[np.bool_]:
        """Whether each trafficker index (-1 = none) has colluding contacts among officials."""
        return flagged(self.contacts, tid)

    def recruit(
        self,
        idx: NDArray[np.intp],
        international: NDArray[np.bool_],
        former_only: bool,
        u: Draws,
    ) -> NDArray[np.int32]:
        """Match survivors to active traffickers with capacity left; -1 where none can.

        The former trafficker for coercion; otherwise one in the survivor's region for
        internal trafficking, or one that reaches destination countries (preferably from
        their region) for international trafficking.

        Args:
            idx: Survivors to be (re-)trafficked, any order.
            international: Per survivor in ``idx``: whether the new episode crosses a border.
            former_only: Only the former trafficker may take them (coercion by threats).
            u: Two rows of uniforms by survivor: row 0 orders the candidates, row 1 picks one.

        Returns:
            Trafficker index per survivor in ``idx``.
        """
        p = self.model.people
        out = np.full(len(idx), -1, dtype=np.int32)
        if len(idx) == 0 or len(self) == 0:
            return out
        self.attempts += len(idx)
        draws = u[:, idx]
        order = np.argsort(draws[0], kind="stable")
        former, region = p.trafficker[idx], p.region[idx]
        self.full += match(self, order, former, region, international, draws[1], former_only, out)
        return out

    def took(self, idx: NDArray[np.intp], tid: NDArray[np.int32]) -> None:
        """Record that traffickers ``tid`` now exploit survivors ``idx``."""
        self._took.append((np.asarray(tid, dtype=np.int32), np.asarray(idx, dtype=np.int32)))

    def book_pressure(self, tid: NDArray[np.int32], claimed: NDArray[np.float64]) -> None:
        """Book a spell of threats and its 'debt' claim on each trafficker in ``tid``."""
        np.add.at(self.threats, tid, 1)
        np.add.at(self.claims, tid, claimed)

    def counts(self) -> dict[str, int]:
        """Active traffickers, recruitment attempts, and attempts failed for capacity alone."""
        return {
            "active_traffickers": int(np.count_nonzero(self.active_mask)),
            "recruitment_attempts": self.attempts,
            "recruitment_full": self.full,
        }

    def results(self) -> dict[str, pd.DataFrame]:
        """One row per trafficker: region, reach, removal, people exploited, accounts."""
        table = pd.DataFrame(
            {
                "trafficker": np.arange(len(self)),
                "region": self.region,
                "reach_destination": self.reach,
                "active": self.active_mask,
                "removed_month": self.removed_month,
                "people_exploited": self.people_exploited(),
                "colluding_contacts": self.contacts,
                "threats_made": self.threats,
                "debt_claimed": self.claims,
            }
        )
        return {"traffickers": table}


class Trafficker(mesa.Agent):
    """One trafficker as a Mesa agent: a thin view onto its row of :class:`Traffickers`."""

    model: ReintegrationModel

    def __init__(self, model: ReintegrationModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _all(self) -> Traffickers:
        return self.model.traffickers

    @property
    def region(self) -> int:
        """Region it recruits in."""
        return int(self._all.region[self.index])

    @property
    def reach_destination(self) -> bool:
        """Whether it can traffic people abroad."""
        return bool(self._all.reach[self.index])

    @property
    def colluding_contacts(self) -> bool:
        """Whether officials collude with it (hand survivors back to it)."""
        return bool(self._all.contacts[self.index])

    @property
    def active(self) -> bool:
        """Not (yet) removed."""
        return bool(self._all.active_mask[self.index])

    @active.setter
    def active(self, value: bool) -> None:
        self._all.active_mask[self.index] = value

    @property
    def removed_month(self) -> int | None:
        """Month it was removed, if it was."""
        month = int(self._all.removed_month[self.index])
        return month if month >= 0 else None

    @property
    def exploited(self) -> list[int]:
        """Rows of every survivor it has exploited, in order."""
        return self._all.exploited(self.index)

    @property
    def threats_made(self) -> int:
        """Spells of threats it started against former victims."""
        return int(self._all.threats[self.index])

    @property
    def debt_claimed(self) -> float:
        """Total 'debt' claimed from former victims, in months of their income."""
        return float(self._all.claims[self.index])

    def threatening(self) -> list[int]:
        """Rows of survivors it is threatening now."""
        p = self.model.people
        return [int(r) for r in (p.threatened & (p.trafficker == self.index)).nonzero()[0]]

    def __repr__(self) -> str:
        return f"Trafficker(index={self.index}, region={self.region}, active={self.active})"
