"""``ReintegrationModel``: the Mesa model that follows a cohort of survivors month by month."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mesa

from sim import processes
from sim.actor import Actor
from sim.inputs import InputError, seed_number
from sim.parameters import Params
from sim.randomness import Draws, Streams
from sim.rates import prob
from sim.services import Authority, Services
from sim.survivors import Survivors
from sim.traffickers import Traffickers


class ReintegrationModel(mesa.Model):
    """Survivors, traffickers and services from exit to re-trafficking.

    The actors (:mod:`sim.actor`) own their state: survivors (:mod:`sim.survivors`, columns
    the monthly processes act on, vectorised), traffickers (:mod:`sim.traffickers`), services
    and authorities (:mod:`sim.services`). Survivors and traffickers are also Mesa agents,
    thin views onto their rows; services are Mesa agents that count their places.

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
        seed = seed_number(seed)
        if params is not None and not isinstance(params, Params):
            raise InputError(f"params must be a sim.Params or None (got {type(params).__name__}).")
        self.streams = Streams(seed)
        super().__init__(rng=self.streams["mesa"])
        self.params = params or Params()
        self.seed = seed
        self.month = -1
        self.survivors = Survivors(self)
        self.people = self.survivors.people
        self.n = len(self.people)
        self.log = self.survivors.log
        self.p_exit = float(prob(self.params.survivor.exit_rate_per_month))

        self.traffickers = Traffickers(self)
        self.traffickers.assign_first()
        self.services = Services(self)
        self.authority = Authority(self)
        #: Every actor, in the order they start a month (extra ones last).
        self.actors: list[Actor] = [
            self.survivors,
            self.traffickers,
            self.services,
            self.authority,
            *(make(self) for make in actors),
        ]
        self.counts: dict[str, int] = {}
        names = [k for actor in self.actors for k in actor.counts()]
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
        # Mesa's run_model() (and a visualisation's play button) stop at the horizon.
        self.running = self.steps < self.params.run.horizon_months

    def start_month(self) -> None:
        """Each actor starts the month (traffickers removed or replaced, places counted)."""
        for actor in self.actors:
            actor.start_month()

    def tally(self) -> None:
        """Every actor's counts of the month, for the DataCollector."""
        self.counts = {k: v for actor in self.actors for k, v in actor.counts().items()}

    # --- Mesa agents, created when first asked for (sim.actor.RowActor) ----------------------
    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every agent of the model (survivors' and traffickers' are created on first use)."""
        self.materialise()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """The agents of each type (survivors' and traffickers' are created on first use)."""
        self.materialise()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The types of agent in the model."""
        self.materialise()
        return super().agent_types

    def materialise(self) -> None:
        """Create every actor's deferred Mesa agents (a no-op once they exist)."""
        for actor in getattr(self, "actors", ()):
            actor.materialise()

    # --- randomness ---------------------------------------------------------------------------
    def u(self, stream: str, k: int = 1) -> Draws:
        """``k`` uniforms per survivor from a process's stream, indexed as shape (k, n).

        Only the numbers a process reads are computed (:class:`sim.randomness.Draws`).
        """
        return self.streams.uniforms(stream, self.month, self.n, k)


def _reporter(name: str) -> Callable[[ReintegrationModel], int]:
    """A DataCollector model reporter reading one of the month's counts."""

    def report(model: ReintegrationModel) -> int:
        return model.counts[name]

    report.__name__ = name
    return report
