"""Re-migration: the economic push to migrate again, safely or irregularly.

Mechanism 5 of EVIDENCE.md (IOM-2010 §4.6): without work, and with debts from the first
migration, people migrate again, mostly through irregular channels. Work and debt act here and
nowhere else. Residents of a destination can migrate onward the same way (IASC-2021 "Enablers
of re-trafficking"); residency exempts no one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.processes.common import end_services, recruit_and_retraffic, to_community
from sim.rates import factor, halved, prob
from sim.states import Cause, Event, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def settling(m: ReintegrationModel, idx: NDArray[np.intp]) -> NDArray[np.float64]:
    """How far the base rates of ``idx`` have fallen since they arrived in the community.

    1 on arrival, falling with ``settling_halflife_months`` to ``settled_rate_ratio``: the
    re-migration rate and the base re-trafficking hazards decline as people settle, so risk
    does not stay flat for years (IOM-2010 "Key research findings": mostly within two years).
    """
    s = m.params.survivor
    months = np.maximum(m.month - m.people.arrived_month[idx], 0)
    return halved(months, s.settling_halflife_months, end=s.settled_rate_ratio)


def remigration(m: ReintegrationModel) -> None:
    """Settled survivors at home, and residents abroad, decide to migrate again.

    Irregular journeys are risky; a safe channel (``policy.safe_migration_access``) gives the
    right to work at the destination.
    """
    p, s, pol = m.people, m.params.survivor, m.params.policy
    u = m.u("remigration", k=3)
    u_rec = m.u("remigration.recruitment", k=2)
    home = p.state == State.AT_HOME
    residents = (p.state == State.IN_DESTINATION) & p.residency
    idx = np.flatnonzero((home | residents) & (p.state_since < m.month))
    rate = s.remigration_rate_per_month * settling(m, idx)
    rate *= factor(p.employed[idx], 1.0, s.remigration_unemployed_ratio)
    rate *= factor(p.in_debt(idx), s.remigration_debt_ratio)
    leaving = idx[u[0, idx] < prob(rate)]
    safe = u[1, leaving] < pol.safe_migration_access
    m.log.record(
        m.month,
        leaving,
        Event.REMIGRATED,
        np.where(safe, Cause.SAFE_MIGRATION, Cause.IRREGULAR_MIGRATION),
    )
    end_services(m, leaving, Cause.REMIGRATED)
    m.people.lose_status(leaving)
    p.homeless[leaving] = False
    risk = np.where(safe, s.safe_migration_risk, s.irregular_migration_risk)
    caught = u[2, leaving] < risk
    intl = np.ones(int(caught.sum()), dtype=bool)
    taken = np.zeros(len(leaving), dtype=bool)
    for channel, cause in ((True, Cause.SAFE_MIGRATION), (False, Cause.IRREGULAR_MIGRATION)):
        sel = np.flatnonzero(caught & (safe == channel))
        taken[sel] = recruit_and_retraffic(m, leaving[sel], cause, intl[: len(sel)], u_rec)

    arrived = leaving[~taken]
    p.allow_work(arrived, safe[~taken])
    p.lose_work(arrived)
    to_community(m, arrived, State.MIGRANT)
