"""``ReintegrationModel``: the Mesa model that follows a cohort of survivors month by month."""

from __future__ import annotations

import math
from collections.abc import Callable

import mesa
import numpy as np
from numpy.typing import NDArray

from sim import processes
from sim.agents import Authority, Service, Survivor, Trafficker
from sim.cohort import make_cohort
from sim.events import EventLog
from sim.parameters import Params
from sim.people import People
from sim.randomness import Streams
from sim.rates import prob
from sim.states import Place, State

#: The monthly counts collected by the DataCollector (one column each in ``Result.monthly``).
MONTHLY = (
    *(s.name.lower() for s in State if s is not State.EXITED),
    "in_support",
    "waiting_for_support",
    "monitored",
    "threatened",
    "employed",
    "homeless",
    "active_traffickers",
)


class ReintegrationModel(mesa.Model):
    """Survivors, traffickers and services from exit to re-trafficking.

    Survivor state lives in columns (:class:`sim.people.People`); each monthly process is a
    vectorised function over them. Survivors are also Mesa agents (thin views onto their
    row); traffickers and services are ordinary Mesa agents with their own ``step``.

    Args:
        params: All parameters; defaults when None.
        seed: Seed of the run. One ``SeedSequence`` spawns a stream per process.
    """

    def __init__(self, params: Params | None = None, seed: int = 0) -> None:
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
        self.p_removal = float(prob(self.params.traffickers.removal_rate_per_month))

        self.traffickers: list[Trafficker] = []
        self._replacements: list[tuple[int, int]] = []  # (month due, region)
        self.trafficker_threats = np.zeros(0, dtype=np.int64)
        self.trafficker_claims = np.zeros(0, dtype=np.float64)
        self._create_traffickers()
        self.trafficker_recruits = np.zeros(len(self.traffickers), dtype=np.int32)
        self._assign_first_traffickers()
        self.authority = Authority(self)
        pol = self.params.policy
        self.destination_assistance = Service(
            self, "assistance", "destination", self._places(pol.destination_places_per_1000)
        )
        self.support = {
            Place.ORIGIN: Service(
                self, "support", "origin", self._places(pol.support_places_per_1000)
            ),
            Place.DESTINATION: Service(
                self, "support", "destination", self._places(pol.support_places_per_1000)
            ),
        }
        self.survivors = [Survivor(self, row) for row in range(self.n)]
        self.counts: dict[str, int] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in MONTHLY}
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
        """Traffickers are removed or replaced; services count places in use."""
        due = [r for r in self._replacements if r[0] <= self.month]
        self._replacements = [r for r in self._replacements if r[0] > self.month]
        for _, region in due:
            self._add_trafficker(region)
        u = self.streams.per_item("trafficker.removal", self.month, len(self.traffickers))
        for trafficker in self.traffickers:
            was_active = trafficker.active
            trafficker.step(u[trafficker.index])
            if was_active and not trafficker.active:
                delay = self.params.traffickers.replacement_delay_months
                self._replacements.append((self.month + delay, trafficker.region))
        self._refresh_trafficker_arrays()
        self.trafficker_recruits = np.zeros(len(self.traffickers), dtype=np.int32)
        self.destination_assistance.step()
        for service in self.support.values():
            service.step()

    def tally(self) -> None:
        """Count survivors by state and by service for the DataCollector."""
        p = self.people
        by_state = np.bincount(p.state, minlength=len(State))
        self.counts = {s.name.lower(): int(by_state[s]) for s in State}
        self.counts.update(
            in_support=int((p.support_left > 0).sum()),
            waiting_for_support=int((p.waiting_since >= 0).sum()),
            monitored=int(p.monitored.sum()),
            threatened=int(p.threatened.sum()),
            employed=int(p.employed.sum()),
            homeless=int(p.homeless.sum()),
            active_traffickers=int(self.trafficker_active_mask.sum()),
        )

    # --- randomness ---------------------------------------------------------------------------
    def u(self, stream: str, k: int = 1) -> NDArray[np.float64]:
        """``k`` uniforms per survivor from a process's stream, shape (k, n)."""
        return self.streams.uniforms(stream, self.month, self.n, k)

    # --- traffickers and services --------------------------------------------------------------
    def trafficker_active(self, tid: NDArray[np.integer]) -> NDArray[np.bool_]:
        """Whether each trafficker index (-1 = none) is active."""
        return _lookup(self.trafficker_active_mask, tid)

    def trafficker_has_contacts(self, tid: NDArray[np.integer]) -> NDArray[np.bool_]:
        """Whether each trafficker index (-1 = none) has colluding contacts among officials."""
        return _lookup(self.trafficker_contacts, tid)

    def places_in_use(self, service: Service) -> int:
        """Survivors currently using a service's places."""
        p = self.people
        if service.kind == "assistance":
            return int((p.state == State.DEST_ASSISTANCE).sum())
        place = Place.ORIGIN if service.place == "origin" else Place.DESTINATION
        return int(((p.support_left > 0) & (p.support_place == place)).sum())

    def _places(self, per_1000: float) -> int:
        return math.floor(per_1000 * self.n / 1000.0 + 0.5)

    def _create_traffickers(self) -> None:
        t, c = self.params.traffickers, self.params.cohort
        count = math.floor(t.per_1000_survivors * self.n / 1000.0 + 0.5)
        # Spread traffickers evenly over regions so every region has some where possible.
        regions = np.arange(count) % c.n_regions
        for region in regions:
            self._add_trafficker(int(region))
        self._refresh_trafficker_arrays()

    def _add_trafficker(self, region: int) -> None:
        """A new trafficker; its reach and contacts are drawn from its own index's stream."""
        index = len(self.traffickers)
        u = self.streams.generator("trafficker.attributes", index).random(2)
        t = self.params.traffickers
        reach = bool(u[0] < t.share_reach_destination)
        contacts = bool(u[1] < t.share_with_colluding_contacts)
        self.traffickers.append(Trafficker(self, index, region, reach, contacts))

    def _refresh_trafficker_arrays(self) -> None:
        """Vectorised views of the traffickers' region, reach and activity.

        Running totals of threats and debt claims grow with the list of traffickers.
        """
        grow = len(self.traffickers) - len(self.trafficker_threats)
        self.trafficker_threats = np.concatenate([self.trafficker_threats, np.zeros(grow, int)])
        self.trafficker_claims = np.concatenate([self.trafficker_claims, np.zeros(grow)])
        self.trafficker_region = np.array([t.region for t in self.traffickers], dtype=np.int16)
        self.trafficker_reach = np.array([t.reach_destination for t in self.traffickers], bool)
        self.trafficker_active_mask = np.array([t.active for t in self.traffickers], bool)
        self.trafficker_contacts = np.array([t.colluding_contacts for t in self.traffickers], bool)

    def _assign_first_traffickers(self) -> None:
        """The first trafficker: from the survivor's region with ``same_region_share``."""
        if not self.traffickers:
            return
        p = self.people
        u = self.streams["trafficker.first"].random((2, self.n))
        first = np.floor(u[1] * len(self.traffickers)).astype(np.int32)  # anyone
        local = u[0] < self.params.traffickers.same_region_share
        for region in np.unique(p.region):
            pool = np.flatnonzero(self.trafficker_region == region)
            rows = np.flatnonzero(local & (p.region == region))
            if len(pool):
                first[rows] = pool[np.floor(u[1, rows] * len(pool)).astype(np.int32)]
        p.trafficker[:] = first
        for row, tid in enumerate(first):
            self.traffickers[tid].exploited.append(row)


def _reporter(name: str) -> Callable[[ReintegrationModel], int]:
    """A DataCollector model reporter reading one of the month's counts."""

    def report(model: ReintegrationModel) -> int:
        return model.counts[name]

    report.__name__ = name
    return report


def _lookup(flags: NDArray[np.bool_], tid: NDArray[np.integer]) -> NDArray[np.bool_]:
    """``flags[tid]`` with False where ``tid`` is -1 (no trafficker)."""
    tid = np.asarray(tid)
    ok = tid >= 0
    out = np.zeros(tid.shape, dtype=bool)
    out[ok] = flags[tid[ok]]
    return out
