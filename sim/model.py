"""``ReintegrationModel``: the Mesa model that follows a cohort of survivors month by month."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mesa
import numpy as np
from numpy.typing import NDArray

from sim import processes
from sim.actor import Actor
from sim.agents import Survivor
from sim.cohort import make_cohort
from sim.events import EventLog
from sim.parameters import Params
from sim.people import People
from sim.randomness import Streams
from sim.rates import prob
from sim.services import Authority, Services
from sim.states import State
from sim.traffickers import Traffickers

#: The monthly counts collected by the DataCollector (one column each in ``Result.monthly``).
#: Actors add their own counts after these (``Actor.counts``).
MONTHLY = (
    *(s.name.lower() for s in State if s is not State.EXITED),
    "monitored",
    "threatened",
    "employed",
    "homeless",
)


class ReintegrationModel(mesa.Model):
    """Survivors, traffickers and services from exit to re-trafficking.

    Survivor state lives in columns (:class:`sim.people.People`); each monthly process is a
    vectorised function over them. Survivors are also Mesa agents (thin views onto their
    row); traffickers and services are ordinary Mesa agents with their own ``step``.

    Args:
        params: All parameters; defaults when None.
        seed: Seed of the run; every draw site's stream derives from it and the site's name.
        actors: Extra actors to add (each called with the model), after the built-in ones.
    """

    def __init__(
        self,
        params: Params | None = None,
        seed: int = 0,
        actors: Sequence[Callable[[ReintegrationModel], Actor]] = (),
    ) -> None:
        self.streams = Streams(seed)
        super().__init__(rng=self.streams["mesa"])
        self.params = params or Params()
        self.seed = seed
        self.month = -1
        cohort = make_cohort(
            self.params.cohort,
            self.streams["cohort"],
            self.params.run.horizon_months,
            self.params.survivor,
        )
        self.people = People.from_cohort(cohort)
        self.n = len(self.people)
        self.log = EventLog(self.people.episode)
        self.p_exit = float(prob(self.params.survivor.exit_rate_per_month))

        self.traffickers = Traffickers(self)
        self.traffickers.assign_first()
        self.services = Services(self)
        self.authority = Authority(self)
        #: Every actor, in the order they start a month (extra ones last).
        self.actors: list[Actor] = [
            self.traffickers,
            self.services,
            self.authority,
            *(make(self) for make in actors),
        ]
        self.survivors = [Survivor(self, row) for row in range(self.n)]
        self.counts: dict[str, int] = {}
        names = [*MONTHLY, *(k for actor in self.actors for k in actor.counts())]
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in names}
        )

    # --- the month ---------------------------------------------------------------------------
    def step(self) -> None:
        """One month, as named phases in the order they happen."""
        self.month = self.steps - 1
        self.start_month()
        processes.arrive(self)  # first exits of the cohort
        processes.exploitation(self)  # exits from later episodes
        processes.identification(self)  # referred, deported or handed back
        processes.drop_out(self)  # cutting contact with assistance or support
        processes.assistance(self)  # destination assistance ends: residency or return
        processes.journey(self)  # en-route risk, arrival home, referral on return
        processes.allocate_support(self)  # support places to those waiting
        processes.reintegration(self)  # work, debt, recovery, support and monitoring
        processes.destination(self)  # permits expire or are renewed; rehousing
        processes.pressure(self)  # traffickers' threats and debt claims
        processes.remigration(self)  # safe or irregular re-migration
        processes.retrafficking(self)  # re-trafficking from the community
        processes.count_down(self)  # a month of support and monitoring used up
        self.tally()
        self.datacollector.collect(self)

    def start_month(self) -> None:
        """Each actor starts the month (traffickers removed or replaced, places counted)."""
        for actor in self.actors:
            actor.start_month()

    def tally(self) -> None:
        """Count survivors by state and by service for the DataCollector."""
        p = self.people
        by_state = np.bincount(p.state, minlength=len(State))
        self.counts = {s.name.lower(): int(by_state[s]) for s in State}
        self.counts.update(
            monitored=int(p.monitored.sum()),
            threatened=int(p.threatened.sum()),
            employed=int(p.employed.sum()),
            homeless=int(p.homeless.sum()),
        )
        for actor in self.actors:
            self.counts.update(actor.counts())

    # --- randomness ---------------------------------------------------------------------------
    def u(self, stream: str, k: int = 1) -> NDArray[np.float64]:
        """``k`` uniforms per survivor from a process's stream, shape (k, n)."""
        return self.streams.uniforms(stream, self.month, self.n, k)


def _reporter(name: str) -> Callable[[ReintegrationModel], int]:
    """A DataCollector model reporter reading one of the month's counts."""

    def report(model: ReintegrationModel) -> int:
        return model.counts[name]

    report.__name__ = name
    return report
