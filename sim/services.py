"""Services and authorities: the actors that assist survivors, and those that decide at exit.

:class:`Services` owns the funding-limited places of destination assistance and of
reintegration support (in the country of origin and in the destination), each a
:class:`Service` Mesa agent that counts its places in use at the start of every month and
admits people while places are free. :class:`Authority` owns the authorities' practice at
exit (identify and refer, deport with or without a risk assessment, or collude and hand back)
as decisions the processes ask it to take.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa
import numpy as np
from numpy.typing import NDArray

from sim.actor import Actor
from sim.people import People
from sim.states import Package, Place, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


#: The bit of each package component, in the order of :class:`sim.states.Package`.
_PACKAGE_BITS = np.array([int(bit) for bit in Package], dtype=np.int16)


class Service(mesa.Agent):
    """An assistance provider with funding-limited places.

    Places are concurrent; when they are full, people wait or go without.

    Args:
        model: The model.
        label: What it is, for display (``"destination assistance"``).
        places: Places funded.
        using: Counts the survivors using its places now.
    """

    model: ReintegrationModel

    def __init__(
        self,
        model: ReintegrationModel,
        label: str,
        places: int,
        using: Callable[[People], int],
    ) -> None:
        super().__init__(model)
        self.label = label
        self.places = places
        self.in_use = 0
        self._using = using

    def free_places(self) -> int:
        """Places available now."""
        return max(self.places - self.in_use, 0)

    def take(self, wanted: int) -> int:
        """Admit up to ``wanted`` people into free places; returns how many got one."""
        admitted = min(wanted, self.free_places())
        self.in_use += admitted
        return admitted

    def step(self) -> None:
        """Count the places in use at the start of the month."""
        self.in_use = self._using(self.model.people)

    def __repr__(self) -> str:
        return f"Service({self.label}, {self.in_use}/{self.places} places)"


class Services(Actor):
    """Destination assistance and reintegration support, with their places and packages."""

    name = "services"

    def __init__(self, model: ReintegrationModel) -> None:
        super().__init__(model)
        self.params = model.params.services
        pol = model.params.policy
        self.destination = Service(
            model,
            "destination assistance",
            self._places(pol.destination_places_per_1000),
            lambda p: int(np.count_nonzero(p.in_state(State.DEST_ASSISTANCE))),
        )
        self.support = {
            place: Service(
                model,
                f"reintegration support ({place.name.lower()})",
                self._places(pol.support_places_per_1000),
                _supported_in(place),
            )
            for place in (Place.ORIGIN, Place.DESTINATION)
        }

    def _places(self, per_1000: float) -> int:
        return int(np.floor(per_1000 * self.model.n / 1000.0 + 0.5))

    def start_month(self) -> None:
        """Every service counts its places in use."""
        self.destination.step()
        for service in self.support.values():
            service.step()

    def package(self, u: NDArray[np.float64]) -> NDArray[np.int16]:
        """Draw package bitmasks from a (6, n) array of uniforms (IOM-2010 §5.3 Table 5)."""
        s = self.params
        shares = np.array(
            [
                s.share_shelter,
                s.share_medical,
                s.share_financial,
                s.share_vocational,
                s.share_legal,
                s.share_job_placement,
            ]
        )
        # Each component is one bit, so the sum of the chosen bits is their bitmask.
        return ((u < shares[:, None]) * _PACKAGE_BITS[:, None]).sum(axis=0, dtype=np.int16)

    def counts(self) -> dict[str, int]:
        """Survivors in support and waiting for it."""
        p = self.model.people
        return {
            "in_support": int(np.count_nonzero(p.support_left > 0)),
            "waiting_for_support": int(np.count_nonzero(p.waiting_since >= 0)),
        }


def _supported_in(place: Place) -> Callable[[People], int]:
    def using(p: People) -> int:
        return int(np.count_nonzero((p.support_left > 0) & (p.support_place == int(place))))

    return using


class Authority(Actor, mesa.Agent):
    """The authorities' practice at exit, read from the policy levers (scenarios change it).

    Its decisions take the deciding uniforms from the calling process's stream.
    """

    name = "authority"

    def __init__(self, model: ReintegrationModel) -> None:
        Actor.__init__(self, model)
        mesa.Agent.__init__(self, model)
        self.policy = model.params.policy

    def hands_back(self, u: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Colluding officers hand an intercepted survivor back (``collusion_share``).

        Only traffickers with colluding contacts can be handed anyone back; the caller
        checks that (:meth:`sim.traffickers.Traffickers.has_contacts`).
        """
        return u < self.policy.collusion_share

    def refers(self, u: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Officers identify an intercepted survivor and refer them (``referral_share``)."""
        return u < self.policy.referral_share

    def assesses_risk(self, u: NDArray[np.float64]) -> NDArray[np.bool_]:
        """A deportation is preceded by a risk assessment.

        With ``deportation_risk_assessment_share``.
        """
        return u < self.policy.deportation_risk_assessment_share
